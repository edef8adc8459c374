using System.Text.Json;
using Alchemist.Tests.Shared;

namespace Alchemist.Tests.Aggregation;

/// <summary>
/// The C# forward pass against the reference implementation's probabilities (data/hyperlm/reference-probabilities.json:
/// the YouTube and TREC test matrices, each computed on that matrix alone, before calibration).
/// </summary>
public class HyperLabelModelReferenceTests
{
    [Theory]
    [InlineData("youtube", 2)]
    [InlineData("trec", 6)]
    public void PredictUncalibrated_ReferenceMatrix_MatchesTheReferenceTo1e4(string dataset, int classes)
    {
        (LabelMatrix matrix, double[][] expected) = ReferenceCase(dataset);
        Assert.Equal(classes, matrix.ClassCount);
        var model = new HyperLabelModel();
        model.Fit(matrix);

        double[] actual = model.PredictUncalibrated(matrix);

        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            for (int c = 0; c < classes; c++)
            {
                worst = Math.Max(worst, Math.Abs(expected[i][c] - actual[(i * classes) + c]));
            }
        }

        Assert.True(worst <= 1e-4, $"{dataset}: the largest difference from the reference is {worst:E2}.");
    }

    [Theory]
    [InlineData("youtube")]
    [InlineData("trec")]
    public void PredictProbabilities_ReferenceMatrix_IsTheReferenceCalibration(string dataset)
    {
        (LabelMatrix matrix, double[][] expected) = ReferenceCase(dataset);
        var model = new HyperLabelModel();
        model.Fit(matrix);
        ClassProbabilities probabilities = model.PredictProbabilities(matrix);

        // calibrate_probs on the reference's own probabilities, written out here in numpy's order.
        int k = matrix.ClassCount;
        double tie = 1.0 / k;
        double high = expected.SelectMany(r => r).Where(p => p > tie).Max();
        double low = expected.SelectMany(r => r).Where(p => p < tie).Min();
        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double[] row = [.. expected[i].Select(p => p > tie ? ((p - tie) * tie / (high - tie)) + tie : p < tie ? ((p - tie) * tie / (tie - low)) + tie : p)];
            double sum = row.Sum();
            for (int c = 0; c < k; c++)
            {
                worst = Math.Max(worst, Math.Abs((row[c] / sum) - probabilities.GetRow(i)[c]));
            }
        }

        Assert.True(worst <= 1e-4, $"{dataset}: the largest difference from the reference's calibration is {worst:E2}.");
    }

    internal static (LabelMatrix Matrix, double[][] Probabilities) ReferenceCase(string dataset)
    {
        string path = Path.Combine(TestData.RepositoryRoot, "data", "hyperlm", "reference-probabilities.json");
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
        JsonElement found = document.RootElement.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("dataset").GetString() == dataset);
        int[][] rows = [.. found.GetProperty("matrix").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt32()).ToArray())];
        double[][] probabilities = [.. found.GetProperty("probabilities").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray())];
        return (LabelMatrix.FromRows(rows, found.GetProperty("classes").GetInt32()), probabilities);
    }
}
