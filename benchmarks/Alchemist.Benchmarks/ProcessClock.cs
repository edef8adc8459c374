using System.Diagnostics;

namespace Alchemist.Benchmarks;

/// <summary>The wall and processor time of one step of a figure command (on a shared machine the processor time is the figure to read).</summary>
internal static class ProcessClock
{
    /// <summary>Runs <paramref name="action"/> after a full collection (so it does not pay for the garbage of the step before) and returns its wall time and this process's processor time.</summary>
    public static (TimeSpan Wall, TimeSpan Cpu) Measure(Action action)
    {
        GC.Collect();
        using Process process = Process.GetCurrentProcess();
        TimeSpan cpu = process.TotalProcessorTime;
        long started = Stopwatch.GetTimestamp();
        action();
        TimeSpan wall = Stopwatch.GetElapsedTime(started);
        process.Refresh();
        return (wall, process.TotalProcessorTime - cpu);
    }
}
