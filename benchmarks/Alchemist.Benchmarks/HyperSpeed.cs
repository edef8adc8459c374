using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Alchemist.Testing;

namespace Alchemist.Benchmarks;

/// <summary>
/// The <c>hyper</c> label model's fit and prediction at scale (issue #13, docs/experiments/hyper-label-model.md): a
/// matrix drawn by <see cref="LabelMatrixGenerator"/> (seed 42, accuracies 0.55-0.95, coverages 0.1-0.6), fitted with
/// the public <see cref="HyperLabelModel"/>, then the fitted matrix predicted. Prints the wall and the process's
/// processor time of each step per round (on a shared machine the processor time is the figure to read).
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project benchmarks/Alchemist.Benchmarks -- hyper-speed --items 1000000 --functions 100 --classes 2 [--tile N] [--rounds N] [--dump FILE]</c>.
/// <c>--tile N</c> draws N rows and repeats them to the item count (item <c>i</c> is row <c>i mod N</c>: N distinct vote
/// patterns, the case of real labeling functions); without it every row is drawn (rows that barely repeat, the worst
/// case). <c>--dump FILE</c> writes the last round's probabilities as raw little-endian doubles, for <c>cmp</c> between builds.
/// </remarks>
internal static class HyperSpeed
{
    public static void Run(TextWriter output, string[] args)
    {
        Dictionary<string, string> options = FigureArguments.Options(args);
        int items = Int(options, "items", 1_000_000);
        int functions = Int(options, "functions", 100);
        int classes = Int(options, "classes", 2);
        int tile = Int(options, "tile", 0);
        int rounds = Int(options, "rounds", 1);
        options.TryGetValue("dump", out string? dump);

        long drawn = Stopwatch.GetTimestamp();
        LabelMatrix matrix = Draw(items, functions, classes, tile);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{matrix}{(tile > 0 ? $", {tile} patterns repeated" : string.Empty)}; drawn in {Stopwatch.GetElapsedTime(drawn).TotalSeconds:0.00} s; {Environment.ProcessorCount} processors"));

        ClassProbabilities probabilities = null!;
        for (int round = 0; round < rounds; round++)
        {
            var model = new HyperLabelModel();
            (double fitWall, double fitCpu) = Measure(() => model.Fit(matrix));
            (double predictWall, double predictCpu) = Measure(() => probabilities = model.PredictProbabilities(matrix));
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"round {round + 1}: fit wall {fitWall:0.000} s cpu {fitCpu:0.000} s   predict wall {predictWall:0.000} s cpu {predictCpu:0.000} s   (load average {LoadAverage()})"));
        }

        if (dump is not null && probabilities is not null)
        {
            File.WriteAllBytes(dump, MemoryMarshal.AsBytes(probabilities.AsSpan()).ToArray());
            output.WriteLine($"probabilities written to {dump}");
        }
    }

    /// <summary>Draws the matrix: every row, or <paramref name="tile"/> rows repeated to the item count.</summary>
    private static LabelMatrix Draw(int items, int functions, int classes, int tile)
    {
        if (tile <= 0 || tile >= items)
        {
            return LabelMatrixGenerator.Create(seed: 42, items, functions, classes).Matrix;
        }

        ReadOnlySpan<sbyte> patterns = LabelMatrixGenerator.Create(seed: 42, tile, functions, classes).Matrix.AsSpan();
        var votes = new sbyte[(long)items * functions];
        for (int i = 0; i < items; i++)
        {
            patterns.Slice(i % tile * functions, functions).CopyTo(votes.AsSpan(i * functions, functions));
        }

        return new LabelMatrix(items, functions, classes, votes);
    }

    private static (double Wall, double Cpu) Measure(Action action)
    {
        (TimeSpan wall, TimeSpan cpu) = ProcessClock.Measure(action);
        return (wall.TotalSeconds, cpu.TotalSeconds);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static int Int(Dictionary<string, string> options, string name, int fallback) =>
        options.TryGetValue(name, out string? value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
}
