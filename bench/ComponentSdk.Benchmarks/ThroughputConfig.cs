using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace ComponentSdk.Benchmarks;

/// <summary>Adds MB/s and stanzas/s columns, computed from the median time per stanza.</summary>
public sealed class ThroughputConfig : ManualConfig
{
    public ThroughputConfig()
    {
        AddColumn(StatisticColumn.Median);
        AddColumn(new ThroughputColumn("Stanzas/s", perStanzaNs => 1e9 / perStanzaNs));
        AddColumn(new ThroughputColumn("MB/s", perStanzaNs => CodecBenchmarks.BytesPerStanza / perStanzaNs * 1e9 / 1e6));
    }

    private sealed class ThroughputColumn(string name, Func<double, double> fromNanoseconds) : IColumn
    {
        public string Id => name;
        public string ColumnName => name;
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => $"{name}, from the median time per stanza";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
        {
            double? median = summary[benchmarkCase]?.ResultStatistics?.Median;
            if (median is null || CodecBenchmarks.BytesPerStanza == 0) return "-";
            return fromNanoseconds(median.Value).ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
        }

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public bool IsAvailable(Summary summary) => true;
    }
}
