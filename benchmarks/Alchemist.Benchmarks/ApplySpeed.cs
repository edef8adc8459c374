using System.Diagnostics;
using System.Globalization;

namespace Alchemist.Benchmarks;

/// <summary>
/// The apply stage of <c>alchemist run</c> on its own (docs/experiments/scale-one-machine.md): a run's stored programs
/// (its <c>programs/</c> folder) over the train texts of a WRENCH folder, applied by <see cref="LabelingFunctionApplier"/>
/// in sandbox worker processes (one labeling worker per core, started and loaded beforehand, as the gate leaves them)
/// and in process, interleaved. Prints wall time and the processor time of the host and of the workers per round, so
/// that the protocol's cost can be told from the programs' own work on a shared machine.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project benchmarks/Alchemist.Benchmarks -- apply-speed --data DIR --library DIR [--rounds N] [--workers-only]</c>
/// </remarks>
internal static class ApplySpeed
{
    public static void Run(TextWriter output, string[] args)
    {
        string data = Argument(args, "--data") ?? throw new ArgumentException("--data DIR is required.");
        string library = Argument(args, "--library") ?? throw new ArgumentException("--library DIR is required.");
        int rounds = int.Parse(Argument(args, "--rounds") ?? "3", CultureInfo.InvariantCulture);
        bool workersOnly = args.Contains("--workers-only");

        WrenchDataset dataset = WrenchDataset.Load(data);
        string[] items = [.. dataset.Train.Texts.Select(t => t ?? string.Empty)];
        IReadOnlyList<LabelingProgram> programs = ProgramLibrary.Load(library).Programs;
        int classCount = dataset.Task.ClassCount;

        using var host = new WorkerProgramHost(WorkerHostOptions.From(new SandboxOptions(), null));
        var compiler = new ProgramCompiler();
        List<WorkerCompilation<string>> inWorkers = [.. programs.Select(p => host.Compile<string>(p, CancellationToken.None))];
        List<ProgramCompilation<string>> inProcess = workersOnly ? [] : [.. programs.Select(p => compiler.Compile<string>(p))];
        ILabelingFunction<string>[] workerFunctions = [.. inWorkers.Select(c => (ILabelingFunction<string>)c.Function!)];
        ILabelingFunction<string>[] inProcessFunctions = [.. inProcess.Select(c => (ILabelingFunction<string>)c.Function!)];

        // Warm: load the programs into every worker and tier up both sides on a first slice.
        string[] warm = items[..Math.Min(items.Length, 50_000)];
        LabelMatrix warmWorkers = new LabelingFunctionApplier().Apply(warm, workerFunctions, classCount).Matrix;
        if (!workersOnly)
        {
            Check(new LabelingFunctionApplier().Apply(warm, inProcessFunctions, classCount).Matrix, warmWorkers);
        }

        if (args.Contains("--per-program") && !workersOnly)
        {
            // Each program alone on this thread, in process: what its own code costs per item.
            for (int f = 0; f < inProcessFunctions.Length; f++)
            {
                ILabelingFunction<string> function = inProcessFunctions[f];
                TimeSpan before = ThreadCpu();
                long sum = 0;
                foreach (string item in items)
                {
                    try
                    {
                        sum += function.Apply(item);
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        sum--;
                    }
                }

                double ns = (ThreadCpu() - before).TotalMilliseconds * 1e6 / items.Length;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{function.Name,-20} {ns,8:0} ns per item (thread cpu, one thread, in process) [{sum}]"));
            }
        }

        using var self = Process.GetCurrentProcess();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{programs.Count} programs x {items.Length:N0} items; load average {LoadAverage()}"));
        for (int round = 0; round < rounds; round++)
        {
            (double wall, double hostCpu, double workerCpu, LabelMatrix votes) = Measure(self, host, () => new LabelingFunctionApplier().Apply(items, workerFunctions, classCount).Matrix);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round}: workers    wall {wall:0.00} s, host cpu {hostCpu:0.00} s, workers cpu {workerCpu:0.00} s, total cpu {hostCpu + workerCpu:0.00} s; load {LoadAverage()}"));
            if (!workersOnly)
            {
                (wall, hostCpu, _, LabelMatrix expected) = Measure(self, host, () => new LabelingFunctionApplier().Apply(items, inProcessFunctions, classCount).Matrix);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {round}: in process wall {wall:0.00} s, cpu {hostCpu:0.00} s; load {LoadAverage()}"));
                Check(expected, votes);
            }
        }

        inWorkers.ForEach(c => c.Dispose());
        inProcess.ForEach(c => c.Dispose());
    }

    private static (double Wall, double HostCpu, double WorkerCpu, LabelMatrix Votes) Measure(Process self, WorkerProgramHost host, Func<LabelMatrix> apply)
    {
        self.Refresh();
        TimeSpan hostCpu = self.TotalProcessorTime;
        TimeSpan workerCpu = host.WorkerProcessorTime;
        long started = Stopwatch.GetTimestamp();
        LabelMatrix votes = apply();
        double wall = Stopwatch.GetElapsedTime(started).TotalSeconds;
        self.Refresh();
        return (wall, (self.TotalProcessorTime - hostCpu).TotalSeconds, (host.WorkerProcessorTime - workerCpu).TotalSeconds, votes);
    }

    private static void Check(LabelMatrix expected, LabelMatrix actual)
    {
        for (int j = 0; j < expected.FunctionCount; j++)
        {
            if (!expected.GetColumn(j).AsSpan().SequenceEqual(actual.GetColumn(j)))
            {
                throw new InvalidOperationException($"The workers' votes of program {j} differ from the in-process ones.");
            }
        }
    }

    private static TimeSpan ThreadCpu()
    {
        // CLOCK_THREAD_CPUTIME_ID; Process.TotalProcessorTime would count every thread.
        return OperatingSystem.IsLinux() && ClockGetTime(3, out TimeSpec spec) == 0
            ? TimeSpan.FromTicks((spec.Seconds * TimeSpan.TicksPerSecond) + (spec.Nanoseconds / 100))
            : Process.GetCurrentProcess().TotalProcessorTime;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    [System.Runtime.InteropServices.DefaultDllImportSearchPaths(System.Runtime.InteropServices.DllImportSearchPath.SafeDirectories)]
    private static extern int ClockGetTime(int clock, out TimeSpec spec);

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private static string? Argument(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
