using System.Xml.Linq;
using ComponentSdk.Xml;

namespace ComponentSdk.ClusterLoad;

/// <summary>
/// A user that sends numbered messages to bot@echo.localhost, at most a window of them awaiting their echo, and
/// counts the echoes (a copy is counted apart).
/// </summary>
internal sealed class LoadUser(ConnectionOptions options) : Component(options)
{
    private SemaphoreSlim window = new(1);
    private TaskCompletionSource done = new();
    private int expected;
    private int received;
    private int copies;
    private bool[] seen = [];

    public int Copies => Volatile.Read(ref copies);

    /// <summary>Sends <paramref name="count"/> messages with <paramref name="inFlight"/> awaiting their echo; completes when all came back.</summary>
    public async Task RunAsync(int count, int inFlight, CancellationToken cancellationToken)
    {
        window = new SemaphoreSlim(inFlight);
        done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        seen = new bool[count];
        Volatile.Write(ref received, 0);
        Volatile.Write(ref expected, count);
        for (int i = 0; i < count; i++)
        {
            await window.WaitAsync(cancellationToken);
            await SendAsync(new XElement(XmppNames.Message, new XAttribute(XmppNames.To, "bot@echo.localhost"), new XAttribute(XmppNames.Type, "chat"),
                new XElement(XmppNames.Body, i)), cancellationToken);
        }
        await done.Task.WaitAsync(cancellationToken);
    }

    protected override ValueTask OnMessageAsync(XElement message, CancellationToken cancellationToken)
    {
        if (message.Type() == "error" || message.Element(XmppNames.Body) is not { } body || !int.TryParse(body.Value, out int n) || n >= seen.Length) return ValueTask.CompletedTask;
        if (seen[n])
        {
            Interlocked.Increment(ref copies);
            return ValueTask.CompletedTask;
        }
        seen[n] = true;
        window.Release();
        if (Interlocked.Increment(ref received) == Volatile.Read(ref expected)) done.TrySetResult();
        return ValueTask.CompletedTask;
    }
}
