using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using Alchemist.Tests.Offline;
using Alchemist.Tests.Shared;
using BenchmarkDotNet.Attributes;

namespace Alchemist.Benchmarks;

/// <summary>
/// Sandboxed programs against the same programs as plain C# (issue 15, item 2): eleven typical programs (five mined by the
/// offline synthesizer from the YouTube dev split, six in the styles LLMs write: one keyword, lower-cased keyword search, split
/// and a keyword set, a static regex, static <c>Regex</c> helpers, the loop-heavy <see cref="SandboxBenchmarks"/>
/// program) over the YouTube train texts repeated to <see cref="Rows"/> rows.
/// </summary>
/// <remarks>
/// <para>
/// <b>Plain</b> is each program's source compiled as is, with no sandbox check or rewrite, and loaded into this
/// process: what the code costs by itself. <b>Sandboxed</b> is the same source through <see cref="ProgramCompiler"/>
/// (checks, budget rewrite, <see cref="SandboxedLabelingFunction{TItem}.Apply"/>). Both are called directly, one
/// program after the other on one thread, so the figure is evaluations per second of the program code path, free of
/// the applier's parallelism. <see cref="RunSpeed"/> prints the per-program figures, interleaved.
/// </para>
/// </remarks>
public class SandboxSpeedBenchmarks
{
    /// <summary>The number of programs.</summary>
    public const int ProgramCount = 11;

    private string[] _items = [];
    private readonly List<ProgramCompilation<string>> _compilations = [];
    private readonly List<AssemblyLoadContext> _plainContexts = [];
    private readonly List<ProgramCompilation<string>> _withoutSteps = [];
    private Func<string, int>[] _plain = [];
    private ILabelingFunction<string>[] _sandboxed = [];

    /// <summary>Gets or sets the number of rows.</summary>
    [Params(100_000)]
    public int Rows { get; set; }

    /// <summary>Gets the programs: five mined offline from the YouTube dev split, six LLM-style.</summary>
    public static IReadOnlyList<LabelingProgram> Programs()
    {
        WrenchDataset dataset = TestData.Load("youtube");
        var request = new SynthesisRequest<string>(dataset.Task)
        {
            Examples = [.. dataset.Valid!.Texts.Zip(dataset.Valid.GoldLabels, (t, l) => new LabeledExample<string>(t ?? string.Empty, l))],
            UnlabeledSample = [.. dataset.Train.Texts.Select(t => t ?? string.Empty)],
            ProgramCount = 5,
        };
        List<LabelingProgram> mined = new OfflineProgramSynthesizer().SynthesizeAsync(request).ToBlockingEnumerable().ToList();
        return [.. mined.Take(5), .. LlmStylePrograms()];
    }

    private static IEnumerable<LabelingProgram> LlmStylePrograms()
    {
        yield return Llm("llm-keyword-contains", """
            using System;

            public static class KeywordContains
            {
                public static int Label(string text) => text.Contains("subscribe", StringComparison.OrdinalIgnoreCase) ? 1 : -1;
            }
            """);
        yield return Llm("llm-lowercase-keywords", """
            using System;
            using System.Linq;

            public static class LowercaseKeywords
            {
                private static readonly string[] SpamPhrases = new[] { "check out", "my channel", "subscribe", "follow me" };
                private static readonly string[] HamPhrases = new[] { "song", "love this", "chills", "beautiful" };

                public static int Label(string item)
                {
                    string? text = item?.ToLowerInvariant();
                    if (text is null)
                    {
                        return -1;
                    }

                    var spamScore = SpamPhrases.Count(p => text.Contains(p, StringComparison.Ordinal));
                    var hamScore = HamPhrases.Count(p => text.Contains(p, StringComparison.Ordinal));
                    return spamScore > 0 ? 1 : hamScore > 0 ? 0 : -1;
                }
            }
            """);
        yield return Llm("llm-split-keyword-set", """
            using System;
            using System.Collections.Generic;
            using System.Linq;

            public static class SplitKeywordSet
            {
                private static readonly HashSet<string> SpamWords = new(StringComparer.OrdinalIgnoreCase)
                {
                    "subscribe", "channel", "check", "free", "giveaway", "follow", "visit",
                };

                public static int Label(string text)
                {
                    if (string.IsNullOrWhiteSpace(text))
                    {
                        return -1;
                    }

                    var tokens = text.Split(new[] { ' ', '\t', '\n', ',', '.', '!', '?' }, StringSplitOptions.RemoveEmptyEntries);
                    int hits = tokens.Count(t => SpamWords.Contains(t));
                    return hits >= 2 ? 1 : -1;
                }
            }
            """);
        yield return Llm("llm-static-regex", """
            using System.Text.RegularExpressions;

            public static class LinkDetector
            {
                private static readonly Regex UrlPattern = new Regex(@"(https?://|www\.)\S+", RegexOptions.IgnoreCase | RegexOptions.Compiled);
                private static readonly Regex Shortener = new(@"\b(bit\.ly|goo\.gl|tinyurl\.com)/\w+", RegexOptions.IgnoreCase);

                public static int Label(string comment) => UrlPattern.IsMatch(comment) || Shortener.IsMatch(comment) ? 1 : -1;
            }
            """);
        yield return Llm("llm-regex-statics", """
            using System.Text.RegularExpressions;

            public static class RegexStatics
            {
                public static int Label(string text)
                {
                    if (Regex.IsMatch(text, @"\b(sub|subscribe|subscribers?)\b", RegexOptions.IgnoreCase))
                    {
                        return 1;
                    }

                    return Regex.Count(text, @"[!?]") > 3 ? 1 : Regex.IsMatch(text, @"\b(song|music|voice)\b", RegexOptions.IgnoreCase) ? 0 : -1;
                }
            }
            """);
        yield return SandboxBenchmarks.Variant(0);
    }

    private static LabelingProgram Llm(string name, string source) => new(name, source, new ProgramProvenance { Synthesizer = "benchmark" });

    /// <summary>Prints evaluations per second of each program, plain and sandboxed, in interleaved rounds on one thread, from the processor time of the fastest round.</summary>
    /// <remarks>Run with <c>dotnet run -c Release --project benchmarks/Alchemist.Benchmarks -- --sandbox-speed [rows] [rounds] [--sources] [--workers]</c>.</remarks>
    public static void RunSpeed(TextWriter output, string[] args)
    {
        int rows = args.Length > 0 && int.TryParse(args[0], CultureInfo.InvariantCulture, out int r) ? r : 100_000;
        int rounds = args.Length > 1 && int.TryParse(args[1], CultureInfo.InvariantCulture, out int n) ? n : 5;
        var benchmarks = new SandboxSpeedBenchmarks { Rows = rows };
        benchmarks.Setup();
        if (args.Contains("--sources"))
        {
            foreach (ProgramCompilation<string> compilation in benchmarks._compilations)
            {
                output.WriteLine("// ----- " + compilation.Program.Name + "\n" + compilation.Program.Source);
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{ProgramCount} programs x {rows:N0} rows, one thread; processor time of the thread, the fastest of {rounds} interleaved rounds (the machine is shared); load average {LoadAverage()}"));
        output.WriteLine("| program | plain (M evals/s) | sandboxed without step charges | sandboxed (M evals/s) | sandboxed / plain time |");
        output.WriteLine("|---|---:|---:|---:|---:|");
        double plainTotal = 0, sandboxedTotal = 0, noStepsTotal = 0;
        using var self = Process.GetCurrentProcess();
        for (int p = 0; p < ProgramCount; p++)
        {
            double plain = double.MaxValue, sandboxed = double.MaxValue, noSteps = double.MaxValue;
            for (int round = 0; round < rounds; round++)
            {
                plain = Math.Min(plain, ProcessorSeconds(self, () => RunPlain(benchmarks._plain[p], benchmarks._items)));
                sandboxed = Math.Min(sandboxed, ProcessorSeconds(self, () => RunSandboxed(benchmarks._sandboxed[p], benchmarks._items)));
                noSteps = Math.Min(noSteps, ProcessorSeconds(self, () => RunSandboxed(benchmarks._withoutSteps[p].Function!, benchmarks._items)));
            }

            plainTotal += plain;
            sandboxedTotal += sandboxed;
            noStepsTotal += noSteps;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {benchmarks._compilations[p].Program.Name} | {rows / plain / 1e6:0.000} | {rows / noSteps / 1e6:0.000} | {rows / sandboxed / 1e6:0.000} | {sandboxed / plain:0.00}x |"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| all | {ProgramCount * rows / plainTotal / 1e6:0.000} | {ProgramCount * rows / noStepsTotal / 1e6:0.000} | {ProgramCount * rows / sandboxedTotal / 1e6:0.000} | {sandboxedTotal / plainTotal:0.00}x |"));
        output.WriteLine("load average after: " + LoadAverage());
        benchmarks.Cleanup();
        if (args.Contains("--workers"))
        {
            RunApplier(output, benchmarks._items, rounds);
        }
    }

    /// <summary>The programs over the rows through <see cref="LabelingFunctionApplier"/> (one thread per core), in process and in two labeling workers, interleaved; wall time and the processor time of the host and its workers.</summary>
    private static void RunApplier(TextWriter output, string[] items, int rounds)
    {
        IReadOnlyList<LabelingProgram> programs = Programs();
        var compiler = new ProgramCompiler();
        List<ProgramCompilation<string>> inProcess = [.. programs.Select(p => compiler.Compile<string>(p))];
        using var host = new WorkerProgramHost(WorkerHostOptions.From(new SandboxOptions(), null));
        List<WorkerCompilation<string>> inWorkers = [.. programs.Select(p => host.Compile<string>(p, CancellationToken.None))];
        ILabelingFunction<string>[] local = [.. inProcess.Select(c => (ILabelingFunction<string>)c.Function!)];
        ILabelingFunction<string>[] remote = [.. inWorkers.Select(c => (ILabelingFunction<string>)(c.Function ?? throw new InvalidOperationException("Rejected: " + string.Join("; ", c.Diagnostics))))];
        var applier = new LabelingFunctionApplier();
        LabelMatrix expected = applier.Apply(items, local, 2).Matrix;
        LabelMatrix actual = applier.Apply(items, remote, 2).Matrix;
        for (int j = 0; j < expected.FunctionCount; j++)
        {
            if (!expected.GetColumn(j).AsSpan().SequenceEqual(actual.GetColumn(j)))
            {
                throw new InvalidOperationException($"The workers' votes of {programs[j].Name} differ from the in-process ones.");
            }
        }

        using var self = Process.GetCurrentProcess();
        double bestLocalWall = double.MaxValue, bestLocalCpu = double.MaxValue, bestRemoteWall = double.MaxValue, bestRemoteCpu = double.MaxValue;
        for (int round = 0; round < rounds; round++)
        {
            (double wall, double cpu) = Measure(self, host, () => applier.Apply(items, local, 2));
            bestLocalWall = Math.Min(bestLocalWall, wall);
            bestLocalCpu = Math.Min(bestLocalCpu, cpu);
            (wall, cpu) = Measure(self, host, () => applier.Apply(items, remote, 2));
            bestRemoteWall = Math.Min(bestRemoteWall, wall);
            bestRemoteCpu = Math.Min(bestRemoteCpu, cpu);
        }

        double evaluations = (double)items.Length * programs.Count;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"applier, {programs.Count} programs x {items.Length:N0} rows, fastest of {rounds} interleaved rounds: in process {bestLocalWall:0.00} s wall ({evaluations / bestLocalWall / 1e6:0.000} M evals/s), {bestLocalCpu:0.00} s processor; " +
            $"workers {bestRemoteWall:0.00} s wall ({evaluations / bestRemoteWall / 1e6:0.000} M evals/s), {bestRemoteCpu:0.00} s processor (host and workers); load average {LoadAverage()}"));
        inProcess.ForEach(c => c.Dispose());
        inWorkers.ForEach(c => c.Dispose());
    }

    private static (double Wall, double Processor) Measure(Process self, WorkerProgramHost host, Func<LabelingResult> run)
    {
        self.Refresh();
        TimeSpan cpu = self.TotalProcessorTime + host.WorkerProcessorTime;
        long started = Stopwatch.GetTimestamp();
        GC.KeepAlive(run());
        double wall = Stopwatch.GetElapsedTime(started).TotalSeconds;
        self.Refresh();
        return (wall, (self.TotalProcessorTime + host.WorkerProcessorTime - cpu).TotalSeconds);
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>Measures the processor time of this thread (Linux; elsewhere of the process, at its coarser resolution).</summary>
    private static double ProcessorSeconds(Process self, Func<long> run)
    {
        double before = ThreadSeconds(self);
        GC.KeepAlive(run());
        return ThreadSeconds(self) - before;
    }

    private static double ThreadSeconds(Process self)
    {
        if (OperatingSystem.IsLinux() && NativeMethods.clock_gettime(NativeMethods.ClockThreadCpuTime, out NativeMethods.TimeSpec time) == 0)
        {
            return time.Seconds + (time.Nanoseconds / 1e9);
        }

        self.Refresh();
        return self.TotalProcessorTime.TotalSeconds;
    }

    private static class NativeMethods
    {
        public const int ClockThreadCpuTime = 3;

        [DllImport("libc", EntryPoint = "clock_gettime")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable IDE1006, CA5392, SYSLIB1054 // the C name; a benchmark-only call
        public static extern int clock_gettime(int clock, out TimeSpec time);
#pragma warning restore IDE1006, CA5392, SYSLIB1054

        [StructLayout(LayoutKind.Sequential)]
        public struct TimeSpec
        {
            public long Seconds;
            public long Nanoseconds;
        }
    }

    [GlobalSetup]
    public void Setup()
    {
        string[] texts = [.. TestData.Load("youtube").Train.Texts.Select(t => t!)];
        _items = [.. Enumerable.Range(0, Rows).Select(i => texts[i % texts.Length])];
        IReadOnlyList<LabelingProgram> programs = Programs();
        var compiler = new ProgramCompiler();
        var plain = new List<Func<string, int>>();
        foreach (LabelingProgram program in programs)
        {
            ProgramCompilation<string> compilation = compiler.Compile<string>(program);
            _compilations.Add(compilation);
            if (!compilation.Succeeded)
            {
                throw new InvalidOperationException($"{program.Name} was rejected: " + string.Join("; ", compilation.Diagnostics));
            }

            _withoutSteps.Add(new ProgramCompiler(new SandboxOptions { ChargeSteps = false }).Compile<string>(program));
            BuildResult built = UncheckedProgramBuilder.Build(program, typeof(string));
            var context = new AssemblyLoadContext("plain-" + program.Name, isCollectible: true);
            _plainContexts.Add(context);
            Assembly assembly = context.LoadFromStream(new MemoryStream(built.Image!));
            plain.Add(assembly.GetType(built.EntryTypeName!, throwOnError: true)!.GetMethod("Label")!.CreateDelegate<Func<string, int>>());
        }

        _plain = [.. plain];
        _sandboxed = [.. _compilations.Select(c => (ILabelingFunction<string>)c.Function!)];

        // Warm both past tiered compilation, and check that they vote alike.
        for (int p = 0; p < _plain.Length; p++)
        {
            for (int warm = 0; warm < 3; warm++)
            {
                if (RunPlain(_plain[p], _items) != RunSandboxed(_sandboxed[p], _items))
                {
                    throw new InvalidOperationException($"{programs[p].Name} votes differently sandboxed and plain.");
                }
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _compilations.ForEach(c => c.Dispose());
        _compilations.Clear();
        _withoutSteps.ForEach(c => c.Dispose());
        _withoutSteps.Clear();
        _plain = [];
        _plainContexts.ForEach(c => c.Unload());
        _plainContexts.Clear();
    }

    /// <summary>The programs compiled as plain C#, called directly on one thread.</summary>
    [Benchmark(Baseline = true)]
    public long Plain()
    {
        long sum = 0;
        foreach (Func<string, int> program in _plain)
        {
            sum += RunPlain(program, _items);
        }

        return sum;
    }

    /// <summary>The same programs through the sandbox, called directly on one thread.</summary>
    [Benchmark]
    public long Sandboxed()
    {
        long sum = 0;
        foreach (ILabelingFunction<string> program in _sandboxed)
        {
            sum += RunSandboxed(program, _items);
        }

        return sum;
    }

    private static long RunPlain(Func<string, int> program, string[] items)
    {
        long sum = 0;
        foreach (string item in items)
        {
            sum += CallPlain(program, item);
        }

        return sum;
    }

    /// <summary>Calls a plain program, running a call whose regular expression timed out again, as the sandbox does (the programs set their own timeouts; the machine is shared).</summary>
    private static int CallPlain(Func<string, int> program, string item)
    {
        for (int retries = 0; ; retries++)
        {
            try
            {
                return program(item);
            }
            catch (System.Text.RegularExpressions.RegexMatchTimeoutException) when (retries < 2)
            {
            }
        }
    }

    private static long RunSandboxed(ILabelingFunction<string> program, string[] items)
    {
        long sum = 0;
        foreach (string item in items)
        {
            sum += program.Apply(item);
        }

        return sum;
    }
}
