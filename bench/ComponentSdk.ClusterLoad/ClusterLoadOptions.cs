using System.Globalization;

namespace ComponentSdk.ClusterLoad;

/// <summary>The cluster load tool's command line.</summary>
internal sealed record ClusterLoadOptions
{
    public const string Usage = """
        ComponentSdk.ClusterLoad: echo throughput through an ejabberd cluster to one or more component processes.
        Start the cluster first (tests/servers/ejabberd-cluster/start); users bob and alice send, each on its own node.

          --echo PATH          components/Echo's Echo.dll, launched once per --components entry (required)
          --components PORTS   the component port of each Echo process, e.g. 19347,19357 (default 19347)
          --users PORTS        client ports: bob logs in on the first, alice on the second (default 19222,19232)
          --count N            messages per user and run (default 20000)
          --window N           messages per user awaiting their echo (default 200)
          --runs N             runs; the summary shows medians (default 3)
          --server-pids PIDS   processes whose CPU is the server's (the cluster's NODE1_PID,NODE2_PID)
          --certificate PATH   the server's certificate, trusted for STARTTLS (the cluster's STATEDIR/localhost.crt)
        """;

    public string? Echo { get; init; }
    public IReadOnlyList<int> Components { get; init; } = [19347];
    public IReadOnlyList<int> Users { get; init; } = [19222, 19232];
    public int Count { get; init; } = 20_000;
    public int Window { get; init; } = 200;
    public int Runs { get; init; } = 3;
    public IReadOnlyList<int> ServerPids { get; init; } = [];
    public string? Certificate { get; init; }

    /// <summary>Null when help was asked for.</summary>
    public static ClusterLoadOptions? Parse(string[] args)
    {
        var options = new ClusterLoadOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Number() => int.Parse(Next(), CultureInfo.InvariantCulture);
            IReadOnlyList<int> Numbers() => [.. Next().Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture))];
            options = args[i] switch
            {
                "--help" or "-h" => null,
                "--echo" => options with { Echo = Next() },
                "--components" => options with { Components = Numbers() },
                "--users" => options with { Users = Numbers() },
                "--count" => options with { Count = Number() },
                "--window" => options with { Window = Number() },
                "--runs" => options with { Runs = Number() },
                "--server-pids" => options with { ServerPids = Numbers() },
                "--certificate" => options with { Certificate = Next() },
                _ => throw new ArgumentException($"Unknown argument {args[i]}; see --help."),
            };
            if (options is null) return null;
        }
        if (options.Echo is null) throw new ArgumentException("--echo PATH (components/Echo's Echo.dll) is required; see --help.");
        if (options.Users.Count is < 1 or > 2) throw new ArgumentException("--users takes one or two client ports (bob, alice).");
        return options;
    }
}
