using System.Diagnostics;
using System.Globalization;

namespace Alchemist.Benchmarks;

/// <summary>
/// The label model's part of the aggregate stage at scale (issue #15, docs/experiments/scale-one-machine.md): <c>auto</c>
/// fitted on a WRENCH folder's train weak labels with its valid split as the dev split, as the run's aggregation stage
/// fits it, then the fitted matrix predicted grouped by distinct rows (the fitted instance) and as a whole (a copy of it,
/// which takes the per-item path), and the distinct-row table built with and without each item's row. Interleaved
/// rounds; prints wall and process processor time per step (the minimum over rounds is the figure to read on a shared
/// machine) and checks that both predictions are equal bit for bit.
/// </summary>
/// <remarks><c>dotnet run -c Release --project benchmarks/Alchemist.Benchmarks -- aggregate-speed --data DIR [--rounds N]</c></remarks>
internal static class AggregateSpeed
{
    public static void Run(TextWriter output, string[] args)
    {
        int at = Array.IndexOf(args, "--data");
        string data = at >= 0 && at + 1 < args.Length ? args[at + 1] : throw new ArgumentException("--data DIR is required.");
        int roundsAt = Array.IndexOf(args, "--rounds");
        int rounds = roundsAt >= 0 && roundsAt + 1 < args.Length ? int.Parse(args[roundsAt + 1], CultureInfo.InvariantCulture) : 5;

        WrenchDataset dataset = WrenchDataset.Load(data);
        LabelMatrix matrix = dataset.Train.WeakLabels;
        WrenchSplit dev = dataset.Valid ?? throw new ArgumentException($"{data} has no valid split to serve as the dev split.");
        var copy = new LabelMatrix(matrix.ItemCount, matrix.FunctionCount, matrix.ClassCount, matrix.AsSpan(), matrix.FunctionNames);
        output.WriteLine($"{matrix}; dev {dev.Count} items");

        var steps = new Dictionary<string, List<(double Wall, double Cpu)>>(StringComparer.Ordinal);
        for (int round = 0; round < rounds; round++)
        {
            AutoLabelModel auto = null!;
            Measure(steps, "fit auto (with the table; no per-item row index since 4 Dec, eighth session)", () =>
            {
                auto = (AutoLabelModel)LabelModelCatalog.CreateDefault().Create(AutoLabelModel.ModelName);
                auto.Fit(matrix, new LabelModelFitOptions { Seed = 42, DevMatrix = dev.WeakLabels, DevLabels = dev.GoldLabels });
            });

            ClassProbabilities grouped = null!, whole = null!;
            Measure(steps, "predict the fitted matrix, per distinct row", () => grouped = auto.PredictProbabilities(matrix));
            Measure(steps, "predict a copy, per item (main's path)", () => whole = auto.PredictProbabilities(copy));
            if (!grouped.AsSpan().SequenceEqual(whole.AsSpan()))
            {
                throw new InvalidOperationException("The grouped prediction differs from the per-item one.");
            }

            Measure(steps, "table without items' rows (main's build)", () => DistinctRowTable.BuildIfCompact(matrix));
            Measure(steps, "table with items' rows", () => DistinctRowTable.BuildIfCompact(matrix, out _));
            if (round == 0)
            {
                output.WriteLine($"selected {auto.FitReport.Selected}; {DistinctRowTable.BuildIfCompact(matrix)!.Count} distinct rows");
            }
        }

        foreach ((string step, List<(double Wall, double Cpu)> times) in steps)
        {
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{step,-50} wall min {times.Min(t => t.Wall),7:0.0} ms   cpu min {times.Min(t => t.Cpu),7:0.0} ms   (walls {string.Join(", ", times.Select(t => t.Wall.ToString("0", CultureInfo.InvariantCulture)))})"));
        }
    }

    private static void Measure(Dictionary<string, List<(double Wall, double Cpu)>> steps, string name, Action action)
    {
        (TimeSpan wall, TimeSpan used) = ProcessClock.Measure(action);
        if (!steps.TryGetValue(name, out List<(double Wall, double Cpu)>? list))
        {
            steps[name] = list = [];
        }

        list.Add((wall.TotalMilliseconds, used.TotalMilliseconds));
    }
}
