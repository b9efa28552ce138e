using System.Buffers.Text;
using System.Diagnostics;
using System.Net.Sockets;

namespace ComponentSdk.LoadTest;

/// <summary>
/// One measured run on a connected component: sends messages with at most <c>window</c> awaiting their echo, matches
/// echoes by id, and times each round trip. A single thread drives a non-blocking socket, as a C generator would
/// with epoll: no thread hand-off sits inside a round trip. Iqs the component addresses to itself (its delivery
/// barriers) are routed back, as a server would.
/// </summary>
internal sealed class LoadRun
{
    private readonly Socket socket;
    private readonly StanzaScanner scanner;
    private readonly MessageFactory messages;
    private readonly byte[] domain;
    private readonly byte[] sendBuffer = new byte[256 * 1024];
    private readonly byte[] receiveBuffer = new byte[256 * 1024];
    private int sendStart, sendEnd;
    private long[] sentAt = [];
    private long[] roundTrips = [];
    private int firstId, completed, unexpected;

    public LoadRun(Socket socket, StanzaScanner scanner, MessageFactory messages, string domain)
    {
        this.socket = socket;
        this.scanner = scanner;
        this.messages = messages;
        this.domain = System.Text.Encoding.UTF8.GetBytes(domain);
        socket.Blocking = false;
    }

    /// <summary>Drop the iqs the component addresses to itself instead of routing them back.</summary>
    public bool DropSelfIqs { get; init; }

    /// <summary>The next id to use, so that runs on one connection never reuse an id.</summary>
    public int NextId { get; private set; } = 1;

    public LoadResult Execute(int count, int window, ProcessMeter? component, TimeSpan timeout)
    {
        sentAt = new long[count];
        roundTrips = new long[count];
        firstId = NextId;
        completed = 0;
        int sent = 0;
        var tool = new ProcessMeter(Process.GetCurrentProcess());
        TimeSpan toolCpuBefore = tool.CpuTime, componentCpuBefore = component?.CpuTime ?? TimeSpan.Zero;
        long started = Stopwatch.GetTimestamp(), lastProgress = started;

        while (completed < count)
        {
            while (sent < count && sent - completed < window && sendBuffer.Length - sendEnd >= messages.MaxLength)
            {
                sendEnd += messages.Write(firstId + sent, sendBuffer.AsSpan(sendEnd));
                sentAt[sent++] = Stopwatch.GetTimestamp();
            }
            bool progressed = Flush() | Receive();
            if (progressed)
            {
                lastProgress = Stopwatch.GetTimestamp();
                continue;
            }
            if (Stopwatch.GetElapsedTime(lastProgress) > timeout)
                throw new TimeoutException($"No progress for {timeout.TotalSeconds:0} s: {completed} of {count} echoes received, {sent} sent.");
            socket.Poll(sendStart < sendEnd ? 200 : 100_000, SelectMode.SelectRead);
        }

        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
        NextId += count;
        Array.Sort(roundTrips);
        double toolCpu = (tool.CpuTime - toolCpuBefore).TotalSeconds;
        double componentMicros = component is null ? double.NaN : (component.CpuTime - componentCpuBefore).TotalMicroseconds / count;
        return new LoadResult(window, count, elapsed, Percentile(0.50), Percentile(0.99), Percentile(0.999), componentMicros,
            toolCpu / elapsed.TotalSeconds);
    }

    private double Percentile(double p) =>
        roundTrips[Math.Min(roundTrips.Length - 1, (int)(p * roundTrips.Length))] * 1_000_000.0 / Stopwatch.Frequency;

    private bool Flush()
    {
        if (sendStart == sendEnd) return false;
        int n = socket.Send(sendBuffer, sendStart, sendEnd - sendStart, SocketFlags.None, out SocketError error);
        if (error is not (SocketError.Success or SocketError.WouldBlock)) throw new SocketException((int)error);
        if (n <= 0) return false;
        sendStart += n;
        if (sendStart == sendEnd) sendStart = sendEnd = 0;
        else if (sendStart > sendBuffer.Length / 2)
        {
            sendBuffer.AsSpan(sendStart, sendEnd - sendStart).CopyTo(sendBuffer);
            sendEnd -= sendStart;
            sendStart = 0;
        }
        return true;
    }

    private bool Receive()
    {
        int n = socket.Receive(receiveBuffer, 0, receiveBuffer.Length, SocketFlags.None, out SocketError error);
        if (error == SocketError.WouldBlock) return false;
        if (error != SocketError.Success) throw new SocketException((int)error);
        if (n == 0)
        {
            throw new InvalidOperationException($"The component closed the connection after {completed} echoes in this run." +
                (FirstUnexpected.Count > 0 ? " It had sent: " + string.Join(" ", FirstUnexpected) : ""));
        }
        scanner.Feed(receiveBuffer.AsSpan(0, n), OnStanza);
        return true;
    }

    private void OnStanza(ReadOnlySpan<byte> stanza)
    {
        if (stanza.StartsWith("<message"u8) && TryGetId(stanza, out int id) && id - firstId is >= 0 and int index && index < sentAt.Length)
        {
            roundTrips[completed++] = Stopwatch.GetTimestamp() - sentAt[index];
            return;
        }
        if (stanza.StartsWith("<iq"u8) && IsToOwnDomain(stanza))
        {
            if (DropSelfIqs) return;
            if (sendBuffer.Length - sendEnd < stanza.Length) throw new InvalidOperationException("The send buffer is full.");
            stanza.CopyTo(sendBuffer.AsSpan(sendEnd));
            sendEnd += stanza.Length;
            return;
        }
        if (unexpected++ < 3) FirstUnexpected.Add(System.Text.Encoding.UTF8.GetString(stanza));
    }

    /// <summary>The first few stanzas that were neither an echo nor a barrier, as received.</summary>
    public List<string> FirstUnexpected { get; } = [];

    private static bool TryGetId(ReadOnlySpan<byte> stanza, out int id)
    {
        id = 0;
        int at = stanza.IndexOf(" id="u8);
        return at >= 0 && Utf8Parser.TryParse(stanza[(at + 5)..], out id, out _);
    }

    private bool IsToOwnDomain(ReadOnlySpan<byte> stanza)
    {
        int at = stanza.IndexOf(" to="u8);
        if (at < 0) return false;
        ReadOnlySpan<byte> value = stanza[(at + 5)..];
        int end = value.IndexOfAny((byte)'\'', (byte)'"');
        return end >= 0 && value[..end].EndsWith(domain);
    }

    /// <summary>Stanzas that were neither an echo nor a barrier (for the report).</summary>
    public int Unexpected => unexpected;
}
