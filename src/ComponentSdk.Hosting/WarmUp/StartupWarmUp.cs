using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ComponentSdk.Hosting.WarmUp;

/// <summary>
/// Brings the SDK's hot path to optimized code before the first connection (<see cref="ComponentHostOptions.WarmUpMessages"/>):
/// a <see cref="WarmUpComponent"/> with the component's own transport and delivery settings exchanges that many
/// stanzas with a <see cref="WarmUpPeer"/> on loopback, so that .NET has compiled, profiled and recompiled the code
/// before real traffic arrives. Once per process, however many components it hosts. A warm-up that fails or takes too
/// long is logged and skipped: it never keeps a component from connecting.
/// </summary>
internal sealed partial class StartupWarmUp(IOptions<ComponentHostOptions> options, ILogger<StartupWarmUp> logger)
{
    private const string Domain = "warm-up.localhost";
    private const string Key = ComponentHostOptions.SectionName + ":" + nameof(ComponentHostOptions.WarmUpMessages);
    private static readonly TimeSpan CleanUpLimit = TimeSpan.FromSeconds(10);

    private readonly Lock gate = new();
    private Task? run;
    private int reportedStuck;

    /// <summary>How long the warm-up may take before it is given up.</summary>
    internal TimeSpan Limit { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Runs the warm-up the first time it is called (later callers wait for the same run); nothing when it is off.</summary>
    public async Task RunOnceAsync(ConnectionOptions template, CancellationToken cancellationToken)
    {
        int messages = options.Value.WarmUpMessages;
        if (messages <= 0) return;
        Task warmUp;
        lock (gate) warmUp = run ??= RunAsync(template, messages, cancellationToken);
        // The run gives up at Limit; this also bounds its clean-up, so that nothing here keeps a component from connecting.
        try
        {
            await warmUp.WaitAsync(Limit + CleanUpLimit, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            if (Interlocked.Exchange(ref reportedStuck, 1) == 0) LogWarmUpFailed(logger, "its clean-up did not end", Key);
        }
    }

    private async Task RunAsync(ConnectionOptions template, int stanzas, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(Limit);
        try
        {
            string secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            await using WarmUpPeer peer = await WarmUpPeer.StartAsync(Domain, secret, stanzas).ConfigureAwait(false);
            await using var component = new WarmUpComponent(OptionsFor(template, peer.Port, secret));
            await component.ConnectAsync(limit.Token).ConfigureAwait(false);
            await peer.Completion.WaitAsync(limit.Token).ConfigureAwait(false);
            await component.ShutdownAsync(limit.Token).ConfigureAwait(false);
            LogWarmedUp(logger, stanzas, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            string reason = ex is OperationCanceledException ? string.Create(CultureInfo.InvariantCulture, $"not done within {Limit.TotalSeconds:0.###} s") : ex.Message;
            LogWarmUpFailed(logger, reason, Key);
        }
    }

    /// <summary>
    /// The component's settings that choose the code a stanza runs through (transport, where handlers run, delivery,
    /// limits, liveness), on an Accept connection to the peer: no TLS, no login, no reconnecting, no trace.
    /// </summary>
    internal static ConnectionOptions OptionsFor(ConnectionOptions template, int port, string secret)
    {
        ConnectionOptions warm = template.Clone();
        warm.ConnectionType = ConnectionType.Accept;
        warm.Host = "127.0.0.1";
        warm.Port = port;
        warm.Hostname = Domain;
        warm.Password = secret;
        warm.Alias = "warm-up";
        warm.Version = null;
        warm.Xmlns = null;
        warm.StreamXmlns = null;
        warm.Debug = false;
        warm.Login = new LoginOptions();
        warm.Tls = new TlsOptions();
        warm.Jabberd2 = new Jabberd2Options();
        warm.StreamManagement = new StreamManagementOptions();
        warm.Reconnect.Enabled = false;
        return warm;
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Warmed up with {Stanzas} stanzas in {Milliseconds:0} ms before connecting")]
    private static partial void LogWarmedUp(ILogger logger, int stanzas, double milliseconds);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "The warm-up did not complete ({Reason}); connecting without it. {Key}=0 turns it off")]
    private static partial void LogWarmUpFailed(ILogger logger, string reason, string key);
}
