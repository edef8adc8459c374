using System.Diagnostics;
using System.Globalization;
using Alchemist.Tests.Shared;
using BenchmarkDotNet.Attributes;

namespace Alchemist.Benchmarks;

/// <summary>
/// The cost of running programs out of process (issue 16): the ten sandbox benchmark programs
/// (<see cref="SandboxBenchmarks.Variant"/>) over the YouTube train texts repeated to 100,000 rows, applied by the
/// same <see cref="LabelingFunctionApplier"/> in process and in sandbox worker processes (one labeling worker per
/// core). The workers are started and the programs compiled in the setup, as a run's gate leaves them for its apply
/// stage; <see cref="RunColdStart"/> measures a whole cold run, compiling included, in a fresh process.
/// </summary>
public class WorkerBenchmarks
{
    /// <summary>The number of programs.</summary>
    public const int ProgramCount = 10;

    private string[] _items = [];
    private readonly List<ProgramCompilation<string>> _inProcess = [];
    private readonly List<WorkerCompilation<string>> _inWorkers = [];
    private WorkerProgramHost? _host;
    private ILabelingFunction<string>[] _inProcessFunctions = [];
    private ILabelingFunction<string>[] _workerFunctions = [];

    /// <summary>Gets or sets the number of rows.</summary>
    [Params(100_000)]
    public int Rows { get; set; }

    /// <summary>Measures, in a fresh process, a cold in-process run and a cold worker run: compile the ten programs, then label the rows.</summary>
    /// <remarks>Run with <c>dotnet run -c Release --project benchmarks/Alchemist.Benchmarks -- --workers-cold</c>.</remarks>
    public static void RunColdStart(TextWriter output)
    {
        string[] items = Items(100_000);
        LabelingProgram[] programs = [.. Enumerable.Range(0, ProgramCount).Select(SandboxBenchmarks.Variant)];

        long started = Stopwatch.GetTimestamp();
        var compiler = new ProgramCompiler();
        List<ProgramCompilation<string>> inProcess = [.. programs.Select(p => compiler.Compile<string>(p))];
        double inProcessCompile = Stopwatch.GetElapsedTime(started).TotalSeconds;
        LabelMatrix expected = new LabelingFunctionApplier().Apply(items, [.. inProcess.Select(c => (ILabelingFunction<string>)c.Function!)], 2).Matrix;
        double inProcessTotal = Stopwatch.GetElapsedTime(started).TotalSeconds;
        inProcess.ForEach(c => c.Dispose());

        started = Stopwatch.GetTimestamp();
        using (var host = new WorkerProgramHost(WorkerHostOptions.From(new SandboxOptions(), null)))
        {
            List<WorkerCompilation<string>> inWorkers = [.. programs.Select(p => host.Compile<string>(p, CancellationToken.None))];
            double workerCompile = Stopwatch.GetElapsedTime(started).TotalSeconds;
            LabelMatrix actual = new LabelingFunctionApplier().Apply(items, [.. inWorkers.Select(c => (ILabelingFunction<string>)c.Function!)], 2).Matrix;
            double workerTotal = Stopwatch.GetElapsedTime(started).TotalSeconds;
            Check(expected, actual);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"cold, {ProgramCount} programs x {items.Length} rows: in process {inProcessTotal:0.00} s (compile {inProcessCompile:0.00} s); workers {workerTotal:0.00} s (compile {workerCompile:0.00} s), {workerTotal / inProcessTotal:0.00}x"));
            inWorkers.ForEach(c => c.Dispose());
        }

        // Warm, interleaved so that both sides see the same machine load.
        var benchmarks = new WorkerBenchmarks { Rows = items.Length };
        benchmarks.Setup();
        var inProcessTimes = new double[Rounds];
        var workerTimes = new double[Rounds];
        var inProcessCpu = new double[Rounds];
        var workerCpu = new double[Rounds];
        using var self = Process.GetCurrentProcess();
        for (int round = 0; round < Rounds; round++)
        {
            self.Refresh();
            TimeSpan cpu = self.TotalProcessorTime;
            started = Stopwatch.GetTimestamp();
            benchmarks.InProcess();
            inProcessTimes[round] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            self.Refresh();
            inProcessCpu[round] = (self.TotalProcessorTime - cpu).TotalMilliseconds;

            cpu = self.TotalProcessorTime + benchmarks._host!.WorkerProcessorTime;
            started = Stopwatch.GetTimestamp();
            benchmarks.Workers();
            workerTimes[round] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            self.Refresh();
            workerCpu[round] = (self.TotalProcessorTime + benchmarks._host.WorkerProcessorTime - cpu).TotalMilliseconds;
        }

        benchmarks.Cleanup();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"warm, median of {Rounds} interleaved rounds: wall time in process {Median(inProcessTimes):0} ms, workers {Median(workerTimes):0} ms ({Median(workerTimes) / Median(inProcessTimes):0.00}x); " +
            $"processor time (host and workers) in process {Median(inProcessCpu):0} ms, workers {Median(workerCpu):0} ms ({Median(workerCpu) / Median(inProcessCpu):0.00}x)"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rounds, wall ms: in process [{Join(inProcessTimes)}], workers [{Join(workerTimes)}]; processor ms: in process [{Join(inProcessCpu)}], workers [{Join(workerCpu)}]; load average {LoadAverage()}"));
    }

    private static string Join(double[] values) => string.Join(", ", values.Select(t => t.ToString("0", CultureInfo.InvariantCulture)));

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private const int Rounds = 7;

    private static double Median(double[] values)
    {
        double[] sorted = [.. values.Order()];
        return sorted[sorted.Length / 2];
    }

    [GlobalSetup]
    public void Setup()
    {
        _items = Items(Rows);
        var compiler = new ProgramCompiler();
        _host = new WorkerProgramHost(WorkerHostOptions.From(new SandboxOptions(), null));
        for (int i = 0; i < ProgramCount; i++)
        {
            LabelingProgram program = SandboxBenchmarks.Variant(i);
            _inProcess.Add(compiler.Compile<string>(program));
            _inWorkers.Add(_host.Compile<string>(program, CancellationToken.None));
        }

        _inProcessFunctions = [.. _inProcess.Select(c => (ILabelingFunction<string>)(c.Function ?? throw new InvalidOperationException("Rejected: " + string.Join("; ", c.Diagnostics))))];
        _workerFunctions = [.. _inWorkers.Select(c => (ILabelingFunction<string>)(c.Function ?? throw new InvalidOperationException("Rejected: " + string.Join("; ", c.Diagnostics))))];

        // Warm both (tiered compilation in this process and in the workers), and check that they agree.
        Check(InProcess(), Workers());
        Check(InProcess(), Workers());
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _inProcess.ForEach(c => c.Dispose());
        _inWorkers.ForEach(c => c.Dispose());
        _host?.Dispose();
    }

    /// <summary>The ten programs over the rows, in this process (one thread per core).</summary>
    [Benchmark(Baseline = true)]
    public LabelMatrix InProcess() => new LabelingFunctionApplier().Apply(_items, _inProcessFunctions, 2).Matrix;

    /// <summary>The same in sandbox worker processes (one labeling worker per core).</summary>
    [Benchmark]
    public LabelMatrix Workers() => new LabelingFunctionApplier().Apply(_items, _workerFunctions, 2).Matrix;

    private static string[] Items(int rows)
    {
        string[] texts = [.. TestData.Load("youtube").Train.Texts.Select(t => t!)];
        return [.. Enumerable.Range(0, rows).Select(i => texts[i % texts.Length])];
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
}
