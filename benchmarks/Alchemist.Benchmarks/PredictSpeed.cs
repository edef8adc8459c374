using System.Diagnostics;
using System.Globalization;
using Alchemist.Tests.Shared;

namespace Alchemist.Benchmarks;

/// <summary>
/// The end model's prediction pass on its own (docs/experiments/scale-one-machine.md), on one thread so that its
/// processor time can be read on a shared machine: a model trained on YouTube's train texts (as the final model of a
/// run knows nearly every n-gram it meets) and one trained on the first 120 (as the seed-model voter's knows few)
/// predict the train texts repeated to <c>--items</c>, in alternating rounds. Prints each round's processor time and a
/// hash of the probabilities' bits, which must not change from one build to the next.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project benchmarks/Alchemist.Benchmarks -- predict-speed [--items N] [--rounds R]</c>
/// </remarks>
internal static class PredictSpeed
{
    public static async Task RunAsync(TextWriter output, string[] args)
    {
        int items = int.Parse(Argument(args, "--items") ?? "200000", CultureInfo.InvariantCulture);
        int rounds = int.Parse(Argument(args, "--rounds") ?? "5", CultureInfo.InvariantCulture);
        WrenchSplit train = TestData.Load("youtube").Train;
        string[] texts = [.. train.Texts.Select(t => t ?? string.Empty)];
        int[] gold = [.. train.GoldLabels];
        var options = new LogisticRegressionEndModelOptions { MaxDegreeOfParallelism = 1 };
        (string Name, ITrainedEndModel<string> Model)[] models =
        [
            ("full", await LogisticRegressionEndModel.ForText(options).TrainAsync(EndModelTrainingSet.FromLabels(texts, gold, classCount: 2))),
            ("seed", await LogisticRegressionEndModel.ForText(options).TrainAsync(EndModelTrainingSet.FromLabels(texts[..120], gold[..120], classCount: 2))),
        ];
        string[] predicted = [.. Enumerable.Range(0, items).Select(i => texts[i % texts.Length])];

        using var process = Process.GetCurrentProcess();
        for (int round = 0; round <= rounds; round++)
        {
            foreach ((string name, ITrainedEndModel<string> model) in models)
            {
                process.Refresh();
                TimeSpan before = process.TotalProcessorTime;
                ClassProbabilities p = await model.PredictProbabilitiesAsync(predicted);
                process.Refresh();
                TimeSpan cpu = process.TotalProcessorTime - before;

                ulong hash = 14695981039346656037UL;
                foreach (double value in p.AsSpan())
                {
                    hash = (hash ^ (ulong)BitConverter.DoubleToInt64Bits(value)) * 1099511628211UL;
                }

                // Round 0 warms up (tiered compilation) and is not printed.
                if (round > 0)
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round} {name}: {items:N0} texts, processor {cpu.TotalMilliseconds:F0} ms, probabilities hash {hash:x16}"));
                }
            }
        }
    }

    private static string? Argument(string[] args, string name)
    {
        int index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
