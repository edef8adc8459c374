using System.Diagnostics;
using System.Globalization;
using Alchemist.Tests.Shared;
using BenchmarkDotNet.Attributes;

namespace Alchemist.Benchmarks;

/// <summary>
/// The sandbox's costs: compiling a program once Roslyn is warm (the cold first compile is measured by
/// <see cref="RunColdStart"/> in a fresh process, since BenchmarkDotNet's in-process runs are warm by design), and the
/// step budget's overhead on a realistic, loop-heavy program applied to the YouTube train texts.
/// </summary>
public class SandboxBenchmarks
{
    /// <summary>The number of distinct programs compiled in turn, as a synthesis round of 50 programs would.</summary>
    public const int ProgramCount = 50;

    private readonly ProgramCompiler _compiler = new();
    private LabelingProgram[] _programs = [];
    private string[] _texts = [];
    private int _next;
    private ProgramCompilation<string> _withBudget = null!;
    private ProgramCompilation<string> _withoutBudget = null!;

    /// <summary>Creates one of <see cref="ProgramCount"/> variants of a realistic program (different keywords, thresholds and class names).</summary>
    public static LabelingProgram Variant(int index)
    {
        string[] pool = ["subscribe", "channel", "check", "free", "follow", "visit", "win", "gift", "click", "watch", "views", "money", "promo", "deal"];
        string keywords = string.Join(", ", Enumerable.Range(0, 5).Select(k => "\"" + pool[(index + (k * 3)) % pool.Length] + "\""));
        string source = $$"""
            using System.Text.RegularExpressions;

            public static class Spam{{index}}
            {
                private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase) { {{keywords}} };
                private static readonly Regex Link = new(@"https?://|www\.", RegexOptions.IgnoreCase);

                public static int Label(string text)
                {
                    int letters = 0, upper = 0;
                    foreach (char c in text)
                    {
                        if (char.IsLetter(c)) { letters++; if (char.IsUpper(c)) { upper++; } }
                    }

                    int hits = 0;
                    foreach (string word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    {
                        if (Keywords.Contains(word.Trim('!', '.', ','))) { hits++; }
                    }

                    bool shouting = letters > 12 && upper * 10 > letters * {{5 + (index % 4)}};
                    return Link.IsMatch(text) || hits >= 2 || shouting ? 1 : text.Split(' ').Count(w => w.Length > 3) > {{20 + index}} ? 0 : -1;
                }
            }
            """;
        return new LabelingProgram("bench-" + index.ToString(CultureInfo.InvariantCulture), source, new ProgramProvenance { Synthesizer = "benchmark" });
    }

    /// <summary>Measures the first compile of a fresh process (Roslyn and the sandbox cold), then the median of the next <see cref="ProgramCount"/> compiles.</summary>
    /// <remarks>Run with <c>dotnet run -c Release --project benchmarks/Alchemist.Benchmarks -- --sandbox-cold</c>, once per fresh process.</remarks>
    public static void RunColdStart(TextWriter output)
    {
        var compiler = new ProgramCompiler();
        long started = Stopwatch.GetTimestamp();
        using (ProgramCompilation<string> first = compiler.Compile<string>(Variant(0)))
        {
            if (!first.Succeeded)
            {
                throw new InvalidOperationException("The benchmark program was rejected: " + string.Join("; ", first.Diagnostics));
            }

            first.Function!.Apply("warm up the loaded program");
        }

        double cold = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var next = new double[ProgramCount];
        for (int i = 0; i < ProgramCount; i++)
        {
            started = Stopwatch.GetTimestamp();
            using ProgramCompilation<string> compilation = compiler.Compile<string>(Variant(i + 1));
            next[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sandbox compile: first (cold) {cold:0.0} ms; next {ProgramCount}: median {Median(next):0.0} ms, min {next.Min():0.0} ms, max {next.Max():0.0} ms"));

        // The budget's overhead, interleaved so that both sides see the same machine load.
        var benchmarks = new SandboxBenchmarks();
        benchmarks.Setup();
        var with = new double[40];
        var without = new double[40];
        for (int round = 0; round < with.Length; round++)
        {
            started = Stopwatch.GetTimestamp();
            benchmarks.ApplyWithoutBudget();
            without[round] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            started = Stopwatch.GetTimestamp();
            benchmarks.ApplyWithBudget();
            with[round] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        benchmarks.Cleanup();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"apply to {benchmarks._texts.Length} texts, median of {with.Length} interleaved rounds: without budget {Median(without):0.00} ms, with budget {Median(with):0.00} ms ({Median(with) / Median(without):0.00}x)"));
    }

    private static double Median(double[] values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    [GlobalSetup]
    public void Setup()
    {
        _programs = [.. Enumerable.Range(0, ProgramCount).Select(Variant)];
        _texts = [.. TestData.Load("youtube").Train.Texts.Select(t => t!)];
        _withBudget = new ProgramCompiler().Compile<string>(Variant(0));
        _withoutBudget = new ProgramCompiler(new SandboxOptions { ChargeSteps = false }).Compile<string>(Variant(0));
        if (!_withBudget.Succeeded || !_withoutBudget.Succeeded)
        {
            throw new InvalidOperationException("The benchmark program was rejected.");
        }

        // Warm both past tiered compilation so that the comparison is of optimized code.
        for (int i = 0; i < 50; i++)
        {
            ApplyWithBudget();
            ApplyWithoutBudget();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _withBudget.Dispose();
        _withoutBudget.Dispose();
    }

    /// <summary>Compiles the next of 50 distinct programs (parse, checks, rewrite, emit, load) and unloads it.</summary>
    [Benchmark]
    public bool CompileWarm()
    {
        using ProgramCompilation<string> compilation = _compiler.Compile<string>(_programs[_next++ % ProgramCount]);
        return compilation.Succeeded;
    }

    /// <summary>Applies the program, rewritten without step charges, to the 1,686 YouTube train texts.</summary>
    [Benchmark(Baseline = true)]
    public int ApplyWithoutBudget() => ApplyAll(_withoutBudget.Function!);

    /// <summary>Applies the same program with the step budget (loops, calls, LINQ elements and memory checks) to the same texts.</summary>
    [Benchmark]
    public int ApplyWithBudget() => ApplyAll(_withBudget.Function!);

    private int ApplyAll(SandboxedLabelingFunction<string> function)
    {
        int sum = 0;
        foreach (string text in _texts)
        {
            sum += function.Apply(text);
        }

        return sum;
    }
}
