using Alchemist.Testing;

namespace Alchemist.Tests.Aggregation;

public class HyperFineTuningTests
{
    // Seven items, four functions, three classes: rows of one, two and four votes, an empty row, a column voting once.
    private static readonly LabelMatrix Small = LabelMatrix.FromRows(
        [[0, 0, -1, 1], [1, 1, 1, -1], [2, -1, 2, -1], [-1, -1, -1, -1], [0, 1, 0, -1], [2, 2, -1, -1], [-1, 0, -1, -1]],
        classCount: 3);

    [Theory]
    [InlineData(0, 1.0, 1.0)]
    [InlineData(2, 0.7, 0.3)]
    public void Loss_Gradient_MatchesCentralDifferencesForEveryParameter(int positiveVote, double positiveWeight, double negativeWeight)
    {
        HyperGradient pass = HyperGradient.Build(Small, (sbyte)positiveVote);
        double[] parameters = HyperGradient.Flatten(HyperNetwork.ReadPretrainedTensors());
        int[] rows = [0, 1, 2, 3, 5, 6];
        double[] targets = [.. rows.Select(i => Small.GetRow(i)[0] == positiveVote ? 1.0 : 0.0)];
        var gradient = new double[HyperGradient.ParameterCount];

        double loss = pass.Loss(parameters, rows, targets, positiveWeight, negativeWeight, gradient);

        Assert.True(double.IsFinite(loss) && loss > 0);
        Assert.Equal(4_641, HyperGradient.ParameterCount);
        const double h = 1e-6;
        int nonZero = 0;
        for (int p = 0; p < parameters.Length; p++)
        {
            double saved = parameters[p];
            parameters[p] = saved + h;
            double up = pass.Loss(parameters, rows, targets, positiveWeight, negativeWeight, null);
            parameters[p] = saved - h;
            double down = pass.Loss(parameters, rows, targets, positiveWeight, negativeWeight, null);
            parameters[p] = saved;
            double numeric = (up - down) / (2 * h);
            Assert.True(
                Math.Abs(numeric - gradient[p]) <= 1e-7 + (1e-5 * Math.Abs(numeric)),
                $"parameter {p}: analytic {gradient[p]:R}, central difference {numeric:R}");
            nonZero += gradient[p] != 0 ? 1 : 0;
        }

        // Every tensor's gradient is reached (the layer-0 maps of a one-wide input included).
        for (int t = 0; t < HyperNetwork.TensorShapes.Count; t++)
        {
            int end = t + 1 < HyperGradient.Offsets.Length ? HyperGradient.Offsets[t + 1] : HyperGradient.ParameterCount;
            Assert.Contains(gradient.AsSpan(HyperGradient.Offsets[t], end - HyperGradient.Offsets[t]).ToArray(), g => g != 0);
        }

        Assert.True(nonZero > 4_000, $"{nonZero} non-zero gradients");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Probabilities_PretrainedParameters_MatchTheFoldedForwardPass(int classes)
    {
        LabelMatrix matrix = LabelMatrixGenerator.Create(seed: 11, items: 300, functions: 7, classes: classes).Matrix;
        double[] parameters = HyperGradient.Flatten(HyperNetwork.ReadPretrainedTensors());
        var model = new HyperLabelModel();
        model.Fit(matrix);
        double[] folded = model.PredictUncalibrated(matrix);

        int passes = classes == 2 ? 1 : classes;
        var perPass = new double[passes][];
        for (int c = 0; c < passes; c++)
        {
            perPass[c] = new double[matrix.ItemCount];
            HyperGradient.Build(matrix, (sbyte)(classes == 2 ? 1 : c)).Probabilities(parameters, perPass[c]);
        }

        for (int i = 0; i < matrix.ItemCount; i++)
        {
            if (classes == 2)
            {
                Assert.Equal(folded[(i * 2) + 1], perPass[0][i], 1e-6);
                continue;
            }

            double sum = perPass.Sum(p => p[i]);
            for (int c = 0; c < classes; c++)
            {
                Assert.Equal(folded[(i * classes) + c], perPass[c][i] / sum, 1e-6);
            }
        }
    }

    [Fact]
    public void AdamState_FirstStep_MovesEachParameterByTheLearningRateAgainstItsGradientSign()
    {
        var adam = new HyperFineTuning.AdamState(3, learningRate: 0.01);
        double[] parameters = [1, 2, 3];

        adam.Step(parameters, [0.5, -2, 0]);

        // With bias correction, the first step is lr * g / (|g| + eps): the sign of g, times lr.
        Assert.Equal(1 - 0.01, parameters[0], 9);
        Assert.Equal(2 + 0.01, parameters[1], 9);
        Assert.Equal(3, parameters[2]);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void FineTune_LowersTheLabeledLossAndIsDeterministic(int classes)
    {
        SyntheticLabelMatrix dev = LabelMatrixGenerator.Create(seed: 21, items: 400, functions: 6, classes: classes);
        var tuning = new HyperFineTuning { LearningRate = 1e-3 };

        HyperNetwork[] first = tuning.FineTune(dev.Matrix, dev.TrueLabels, CancellationToken.None);
        HyperNetwork[] second = tuning.FineTune(dev.Matrix, dev.TrueLabels, CancellationToken.None);

        Assert.Equal(classes == 2 ? 1 : classes, first.Length);
        for (int c = 0; c < first.Length; c++)
        {
            Assert.Equal(first[c].Hidden1, second[c].Hidden1);
            Assert.Equal(first[c].Output, second[c].Output);
            Assert.NotEqual(HyperNetwork.Pretrained.Output, first[c].Output);
        }

        var pretrained = new HyperLabelModel();
        pretrained.Fit(dev.Matrix);
        var semi = new HyperLabelModel { FineTuning = tuning };
        LabelModelFitReport report = semi.Fit(dev.Matrix, new LabelModelFitOptions { DevMatrix = dev.Matrix, DevLabels = dev.TrueLabels });
        Assert.Equal("hyper-semi", report.ModelName);
        Assert.True(
            LogLoss(semi.PredictUncalibrated(dev.Matrix), dev.TrueLabels, classes) < LogLoss(pretrained.PredictUncalibrated(dev.Matrix), dev.TrueLabels, classes),
            "fine-tuning on the labels did not lower their log-loss");
    }

    [Fact]
    public void Fit_WithoutDevLabels_IsThePretrainedModelBitForBit()
    {
        LabelMatrix matrix = LabelMatrixGenerator.Create(seed: 4, items: 2_000, functions: 9, classes: 3).Matrix;
        var pretrained = new HyperLabelModel();
        pretrained.Fit(matrix);
        var semi = new HyperLabelModel { FineTunesOnDevLabels = true };
        semi.Fit(matrix);

        Assert.Equal(pretrained.PredictProbabilities(matrix).AsSpan().ToArray(), semi.PredictProbabilities(matrix).AsSpan().ToArray());
    }

    private static double LogLoss(double[] probabilities, IReadOnlyList<int> labels, int classes) =>
        Enumerable.Range(0, labels.Count).Average(i => -Math.Log(probabilities[(i * classes) + labels[i]]));
}
