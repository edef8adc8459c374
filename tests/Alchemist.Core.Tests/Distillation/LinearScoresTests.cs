namespace Alchemist.Tests.Distillation;

public class LinearScoresTests
{
    [Theory]
    [InlineData(2, 0, 0)]
    [InlineData(2, 7, 0)]
    [InlineData(2, 8, 3)]
    [InlineData(3, 9, 0)]
    [InlineData(5, 6, 4)]
    public void Score_AnyClassCount_MatchesTheNaiveSum(int classes, int entries, int denseDimension)
    {
        (int[] indices, float[] values, float[] dense, double[] weights, double[] intercepts) = Problem(classes, entries, denseDimension, columns: 20, seed: classes + entries);
        var scores = new double[classes];

        LinearScores.Score(indices, values, dense, 20, weights, intercepts, scores);

        for (int c = 0; c < classes; c++)
        {
            double expected = intercepts[c];
            for (int e = 0; e < entries; e++)
            {
                expected += values[e] * weights[(indices[e] * classes) + c];
            }

            for (int d = 0; d < denseDimension; d++)
            {
                expected += dense[d] * weights[((20 + d) * classes) + c];
            }

            Assert.Equal(expected, scores[c], precision: 12);
        }
    }

    [Theory]
    [InlineData(2, 9, 2)]
    [InlineData(3, 5, 0)]
    [InlineData(4, 8, 3)]
    public void AddGradient_AnyClassCount_AddsTheOuterProduct(int classes, int entries, int denseDimension)
    {
        (int[] indices, float[] values, float[] dense, double[] start, double[] residual) = Problem(classes, entries, denseDimension, columns: 20, seed: 3 * classes);
        double[] gradient = [.. start];

        LinearScores.AddGradient(indices, values, dense, 20, residual.AsSpan(0, classes), gradient);

        double[] expected = [.. start];
        for (int e = 0; e < entries; e++)
        {
            for (int c = 0; c < classes; c++)
            {
                expected[(indices[e] * classes) + c] += values[e] * residual[c];
            }
        }

        for (int d = 0; d < denseDimension; d++)
        {
            for (int c = 0; c < classes; c++)
            {
                expected[((20 + d) * classes) + c] += dense[d] * residual[c];
            }
        }

        Assert.Equal(expected.Select(x => Math.Round(x, 12)), gradient.Select(x => Math.Round(x, 12)));
    }

    [Fact]
    public void Softmax_LargeScores_GivesADistributionAndTheLogNormalizer()
    {
        double[] scores = [1000, 1001, 999];

        double logNormalizer = LinearScores.Softmax(scores);

        Assert.Equal(1.0, scores.Sum(), precision: 12);
        Assert.True(scores[1] > scores[0] && scores[0] > scores[2]);
        Assert.Equal(1001 + Math.Log(1 + Math.Exp(-1) + Math.Exp(-2)), logNormalizer, precision: 9);
    }

    private static (int[] Indices, float[] Values, float[] Dense, double[] Weights, double[] Intercepts) Problem(int classes, int entries, int denseDimension, int columns, int seed)
    {
        var random = new Random(seed);
        int[] indices = [.. Enumerable.Range(0, columns).OrderBy(_ => random.Next()).Take(entries)];
        float[] values = [.. indices.Select(_ => (float)random.NextDouble())];
        float[] dense = [.. Enumerable.Range(0, denseDimension).Select(_ => (float)(random.NextDouble() - 0.5))];
        double[] weights = [.. Enumerable.Range(0, (columns + denseDimension) * classes).Select(_ => random.NextDouble() - 0.5)];
        double[] intercepts = [.. Enumerable.Range(0, classes).Select(_ => random.NextDouble())];
        return (indices, values, dense, weights, intercepts);
    }
}
