namespace Alchemist.Tests.Distillation;

public class SoftmaxObjectiveTests
{
    [Theory]
    [InlineData(2, 0)]
    [InlineData(2, 3)]
    [InlineData(3, 2)]
    public void Evaluate_AnyPoint_GradientMatchesFiniteDifferences(int classes, int denseDimension)
    {
        SoftmaxObjective objective = Problem(rows: 40, columns: 12, classes, denseDimension, seed: 5, maxDegreeOfParallelism: null);
        var random = new Random(9);
        double[] point = [.. Enumerable.Range(0, objective.Dimension).Select(_ => random.NextDouble() - 0.5)];
        var gradient = new double[objective.Dimension];
        var scratch = new double[objective.Dimension];

        objective.Evaluate(point, gradient);

        const double h = 1e-6;
        for (int j = 0; j < objective.Dimension; j++)
        {
            double saved = point[j];
            point[j] = saved + h;
            double up = objective.Evaluate(point, scratch);
            point[j] = saved - h;
            double down = objective.Evaluate(point, scratch);
            point[j] = saved;
            Assert.Equal((up - down) / (2 * h), gradient[j], precision: 5);
        }
    }

    [Fact]
    public void Evaluate_ManyGradientBlocks_SameBitsForAnyParallelism()
    {
        // 9000 rows: nine storage blocks in five gradient blocks, so a thread-dependent sum would show.
        SoftmaxObjective parallel = Problem(rows: 9000, columns: 500, classes: 3, denseDimension: 2, seed: 1, maxDegreeOfParallelism: null);
        SoftmaxObjective sequential = Problem(rows: 9000, columns: 500, classes: 3, denseDimension: 2, seed: 1, maxDegreeOfParallelism: 1);
        var random = new Random(2);
        double[] point = [.. Enumerable.Range(0, parallel.Dimension).Select(_ => random.NextDouble() - 0.5)];
        var first = new double[parallel.Dimension];
        var second = new double[parallel.Dimension];

        double a = parallel.Evaluate(point, first);
        double b = sequential.Evaluate(point, second);

        Assert.Equal(a, b);
        Assert.Equal(first, second);
    }

    [Fact]
    public void Ctor_IndexOutOfRange_Throws()
    {
        var rows = new SparseRows([new SparseRowBlock([0, 1], [7], [1f])]);

        Assert.Throws<ArgumentException>("rows", () => new SoftmaxObjective(rows, hashedColumns: 7, null, 0, rowCount: 1, classes: 2, [1.0, 0.0], l2: 1, maxDegreeOfParallelism: null));
    }

    private static SoftmaxObjective Problem(int rows, int columns, int classes, int denseDimension, int seed, int? maxDegreeOfParallelism)
    {
        var random = new Random(seed);
        var builder = new SparseRowsBuilder();
        var blocks = new List<SparseRowBlock>();
        for (int i = 0; i < rows; i++)
        {
            int[] indices = [.. Enumerable.Range(0, columns).Where(_ => random.NextDouble() < 0.2)];
            float[] values = [.. indices.Select(_ => (float)random.NextDouble())];
            builder.AddRow(indices, values);
            if ((i + 1) % SparseRows.RowsPerBlock == 0 || i == rows - 1)
            {
                blocks.Add(builder.TakeBlock());
            }
        }

        float[] dense = [.. Enumerable.Range(0, rows * denseDimension).Select(_ => (float)(random.NextDouble() - 0.5))];
        var targets = new double[rows * classes];
        for (int i = 0; i < rows; i++)
        {
            double weight = random.NextDouble();
            targets[(i * classes) + random.Next(classes)] += 0.7 * weight;
            targets[(i * classes) + random.Next(classes)] += 0.3 * weight;
        }

        return new SoftmaxObjective(new SparseRows([.. blocks]), columns, denseDimension > 0 ? dense : null, denseDimension, rows, classes, targets, l2: 0.3, maxDegreeOfParallelism);
    }
}
