using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace ComponentSdk.Transport;

/// <summary>
/// <c>send(2)</c> with <c>MSG_DONTWAIT</c> on Linux: one call that never blocks, on a socket whose descriptor stays in
/// blocking mode for its reader thread. .NET's <see cref="Socket.Send(ReadOnlySpan{byte})"/> has no per-call
/// non-blocking flag.
/// </summary>
internal static class NonBlockingSend
{
    private const int MsgDontWait = 0x40, MsgNoSignal = 0x4000;
    private const int EIntr = 4, EAgain = 11, EPipe = 32, EConnReset = 104;

    /// <summary>True where this call exists (Linux).</summary>
    public static bool IsSupported => OperatingSystem.IsLinux();

    /// <summary>Sends what the socket takes now; returns the count, 0 when it would block.</summary>
    /// <exception cref="SocketException">The connection failed.</exception>
    public static int Send(SafeHandle socket, ReadOnlySpan<byte> bytes)
    {
        while (true)
        {
            nint sent = send(socket, ref MemoryMarshal.GetReference(bytes), (nuint)bytes.Length, MsgDontWait | MsgNoSignal);
            if (sent >= 0) return (int)sent;
            int errno = Marshal.GetLastPInvokeError();
            if (errno == EIntr) continue;
            if (errno == EAgain) return 0;
            throw new SocketException((int)(errno is EPipe or EConnReset ? SocketError.ConnectionReset : SocketError.SocketError));
        }
    }

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code; a blittable ref is pinned for the call as it is.
    [DllImport("libc", SetLastError = true)]
    private static extern nint send(SafeHandle socket, ref byte buffer, nuint length, int flags);
#pragma warning restore SYSLIB1054
}
