using Alchemist.Tests.Shared;
using BenchmarkDotNet.Attributes;

namespace Alchemist.Benchmarks;

/// <summary>
/// Training and prediction of the default end model (hashed word 1-2 and char 2-5 n-grams, multinomial logistic
/// regression, L-BFGS) on 100k texts: the SMS and YouTube train texts repeated, each copy with a short tag so that
/// copies differ, with soft labels of the kind a label model gives (0.9 on the gold class).
/// </summary>
/// <remarks>100k items is one typical labeling batch; the figure to watch is seconds and bytes allocated per training.</remarks>
public class EndModelBenchmarks
{
    private EndModelTrainingSet<string> _trainingSet = null!;
    private string[] _items = null!;
    private ITrainedEndModel<string> _trained = null!;
    private ITrainedEndModel<string> _seedSized = null!;

    /// <summary>Gets or sets the number of training items.</summary>
    [Params(100_000)]
    public int Items { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        WrenchSplit sms = TestData.Load("sms").Train;
        WrenchSplit youtube = TestData.Load("youtube").Train;
        string[] texts = [.. sms.Texts.Concat(youtube.Texts).Select(t => t ?? string.Empty)];
        int[] gold = [.. sms.GoldLabels.Concat(youtube.GoldLabels)];
        string[] tags = ["", " ok", " thanks", " lol", " :)", " now", " pls", " x"];
        _items = new string[Items];
        var soft = new double[Items * 2];
        for (int i = 0; i < Items; i++)
        {
            int source = i % texts.Length;
            _items[i] = texts[source] + tags[(i / texts.Length) % tags.Length];
            soft[(i * 2) + gold[source]] = 0.9;
            soft[(i * 2) + 1 - gold[source]] = 0.1;
        }

        _trainingSet = EndModelTrainingSet.FromSoftLabels(_items, new ClassProbabilities(Items, 2, soft));
        _trained = Train();

        // A model of the seed-model voter's size: trained on 120 texts, so it knows few of the predicted texts' n-grams.
        _seedSized = LogisticRegressionEndModel.ForText()
            .TrainAsync(EndModelTrainingSet.FromLabels(texts[..120], gold[..120], classCount: 2)).AsTask().GetAwaiter().GetResult();
    }

    [Benchmark]
    public ITrainedEndModel<string> Train() => LogisticRegressionEndModel.ForText().TrainAsync(_trainingSet).AsTask().GetAwaiter().GetResult();

    [Benchmark]
    public ClassProbabilities Predict() => _trained.PredictProbabilitiesAsync(_items).AsTask().GetAwaiter().GetResult();

    /// <summary>Predicts the items with a model trained on 120 texts, as the seed-model voter predicts every item of a run.</summary>
    [Benchmark]
    public ClassProbabilities PredictWithSeedSizedModel() => _seedSized.PredictProbabilitiesAsync(_items).AsTask().GetAwaiter().GetResult();
}
