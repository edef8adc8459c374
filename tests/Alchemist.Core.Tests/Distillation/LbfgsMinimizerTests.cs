namespace Alchemist.Tests.Distillation;

public class LbfgsMinimizerTests
{
    [Fact]
    public void Minimize_IllConditionedQuadratic_ReachesTheMinimum()
    {
        var objective = new Quadratic([1, 10, 100, 1000], [3, -2, 0.5, 7]);
        var point = new double[4];

        LbfgsMinimizerResult result = new LbfgsMinimizer(historySize: 5, maxIterations: 200, tolerance: 1e-14).Minimize(objective, point, CancellationToken.None);

        Assert.True(result.Converged);
        Assert.Equal([3, -2, 0.5, 7], point.Select(x => Math.Round(x, 4)));
    }

    [Fact]
    public void Minimize_Rosenbrock_ReachesTheMinimum()
    {
        var point = new double[] { -1.2, 1 };

        new LbfgsMinimizer(historySize: 10, maxIterations: 500, tolerance: 1e-15).Minimize(new Rosenbrock(), point, CancellationToken.None);

        Assert.Equal(1, point[0], precision: 3);
        Assert.Equal(1, point[1], precision: 3);
    }

    [Fact]
    public void Minimize_CanceledToken_Throws()
    {
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.Throws<OperationCanceledException>(() => new LbfgsMinimizer(5, 10, 0).Minimize(new Rosenbrock(), [0, 0], cancellation.Token));
    }

    private sealed class Quadratic(double[] curvature, double[] center) : IDifferentiableObjective
    {
        public int Dimension => curvature.Length;

        public double Evaluate(double[] point, double[] gradient)
        {
            double value = 0;
            for (int i = 0; i < point.Length; i++)
            {
                double d = point[i] - center[i];
                value += 0.5 * curvature[i] * d * d;
                gradient[i] = curvature[i] * d;
            }

            return value;
        }
    }

    private sealed class Rosenbrock : IDifferentiableObjective
    {
        public int Dimension => 2;

        public double Evaluate(double[] point, double[] gradient)
        {
            double x = point[0], y = point[1];
            gradient[0] = (-2 * (1 - x)) - (400 * x * (y - (x * x)));
            gradient[1] = 200 * (y - (x * x));
            return ((1 - x) * (1 - x)) + (100 * (y - (x * x)) * (y - (x * x)));
        }
    }
}
