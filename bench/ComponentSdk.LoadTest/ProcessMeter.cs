using System.Diagnostics;

namespace ComponentSdk.LoadTest;

/// <summary>CPU time and memory of a process, read from the OS (/proc on Linux).</summary>
internal sealed class ProcessMeter(Process process)
{
    public TimeSpan CpuTime
    {
        get
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
    }

    /// <summary>The peak resident set size (VmHWM) in bytes, or the current one where the peak is not reported.</summary>
    public long PeakRss
    {
        get
        {
            string status = $"/proc/{process.Id}/status";
            if (File.Exists(status))
            {
                foreach (string line in File.ReadLines(status))
                {
                    if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                        return long.Parse(line[6..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
                }
            }
            process.Refresh();
            return process.PeakWorkingSet64;
        }
    }
}
