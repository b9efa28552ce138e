using System.Globalization;

namespace ComponentSdk.LoadTest;

/// <summary>The load tool's command line.</summary>
internal sealed record LoadOptions
{
    public const string Usage = """
        ComponentSdk.LoadTest: the server side of XEP-0114 on 127.0.0.1, echo load against one component.

          --launch PATH        start the component (Echo.dll or an executable) and measure its CPU and memory
          --pid N              measure an already running component (connect it to --port yourself)
          --port N             port to listen on (default: any free port with --launch, 5347 otherwise)
          --domain NAME        the component's domain (default echo.localhost)
          --secret TEXT        the XEP-0114 secret (default secret)
          --windows 1,1000     messages awaiting their echo, one measurement per value (default 1,1000)
          --count N            messages per run at W>1 (default 200000)
          --latency-count N    messages per run at W=1 (default 20000)
          --warmup N           messages before measuring, at W=1000, for the JIT to settle (default 400000)
          --cold               first measure a freshly started component: 5,000 messages of warm-up, then --count
                               messages at W=1000, reported beside the warm rate (start-up and JIT cost)
          --runs N             runs of each window; the summary shows medians (default 3)
          --body N             body bytes (default 300)
          --drop-self-iqs      do not route back the iqs the component addresses to itself (its delivery checks), as a
                               minimal router that only routes messages does
          --env NAME=VALUE     an environment variable for the launched component only (runtime settings such as
                               DOTNET_TieredPGO=0); may be repeated
          -- ARGS              further arguments for a launched component
        """;

    public string? Launch { get; init; }
    public int? Pid { get; init; }
    public int Port { get; init; }
    public string Domain { get; init; } = "echo.localhost";
    public string Secret { get; init; } = "secret";
    public IReadOnlyList<int> Windows { get; init; } = [1, 1000];
    public int Count { get; init; } = 200_000;
    public int LatencyCount { get; init; } = 20_000;
    public int Warmup { get; init; } = 400_000;
    public int Runs { get; init; } = 3;
    public bool Cold { get; init; }
    public int BodyBytes { get; init; } = 300;
    public bool DropSelfIqs { get; init; }
    public IReadOnlyList<string> ComponentArguments { get; init; } = [];
    public IReadOnlyList<string> ComponentEnvironment { get; init; } = [];

    /// <summary>Null when help was asked for.</summary>
    public static LoadOptions? Parse(string[] args)
    {
        var options = new LoadOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Number() => int.Parse(Next(), CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--help" or "-h" => null,
                "--launch" => options with { Launch = Next() },
                "--pid" => options with { Pid = Number() },
                "--port" => options with { Port = Number() },
                "--domain" => options with { Domain = Next() },
                "--secret" => options with { Secret = Next() },
                "--windows" => options with { Windows = [.. Next().Split(',').Select(w => int.Parse(w, CultureInfo.InvariantCulture))] },
                "--count" => options with { Count = Number() },
                "--latency-count" => options with { LatencyCount = Number() },
                "--warmup" => options with { Warmup = Number() },
                "--runs" => options with { Runs = Number() },
                "--cold" => options with { Cold = true },
                "--body" => options with { BodyBytes = Number() },
                "--drop-self-iqs" => options with { DropSelfIqs = true },
                "--env" => options with { ComponentEnvironment = [.. options.ComponentEnvironment, Next()] },
                "--" => options with { ComponentArguments = args[(i + 1)..] },
                _ => throw new ArgumentException($"Unknown argument {args[i]}; see --help."),
            };
            if (options is null) return null;
            if (args[i] == "--") break;
        }
        if (options.Launch is null && options.Port == 0) options = options with { Port = 5347 };
        return options;
    }
}
