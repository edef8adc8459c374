using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace Alchemist;

/// <summary>Minimizes a smooth function with Math.NET's L-BFGS: deterministic, no learning rate, no seed.</summary>
/// <remarks>
/// Math.NET reports a run that hits its iteration cap, or whose line search cannot make progress, by throwing; this
/// wrapper keeps the best point evaluated so far instead and reports that the run did not converge.
/// </remarks>
internal static class Lbfgs
{
    /// <summary>The signature of an objective: writes the gradient at <c>x</c> into <c>gradient</c> and returns the value.</summary>
    public delegate double Objective(ReadOnlySpan<double> x, Span<double> gradient);

    public static LbfgsResult Minimize(Objective objective, double[] start, int maxIterations, double gradientTolerance, CancellationToken cancellationToken)
    {
        double best = double.PositiveInfinity;
        double[] bestPoint = [.. start];
        int evaluations = 0;
        var gradient = new double[start.Length];
        (double, Vector<double>) Evaluate(Vector<double> x)
        {
            cancellationToken.ThrowIfCancellationRequested();
            double[] point = x.AsArray() ?? x.ToArray();
            double value = objective(point, gradient);
            evaluations++;
            if (value < best && double.IsFinite(value))
            {
                best = value;
                point.CopyTo(bestPoint, 0);
            }

            return (value, Vector<double>.Build.DenseOfArray([.. gradient]));
        }

        var minimizer = new LimitedMemoryBfgsMinimizer(gradientTolerance, parameterTolerance: 1e-12, functionProgressTolerance: 1e-14, memory: 10, maximumIterations: maxIterations);
        try
        {
            MinimizationResult result = minimizer.FindMinimum(ObjectiveFunction.Gradient(Evaluate), Vector<double>.Build.DenseOfArray([.. start]));
            double[] point = result.MinimizingPoint.ToArray();
            double value = objective(point, gradient);
            return value <= best
                ? new LbfgsResult(point, value, result.Iterations, true)
                : new LbfgsResult(bestPoint, best, result.Iterations, true);
        }
        catch (MaximumIterationsException)
        {
            return new LbfgsResult(bestPoint, best, maxIterations, false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && (ex is OptimizationException || ex is ArgumentException || ex is InvalidOperationException))
        {
            // The line search gave up: the best point seen is as far as the optimizer gets; converged if the gradient there is tiny.
            double value = objective(bestPoint, gradient);
            double norm = Math.Sqrt(gradient.Sum(g => g * g));
            return new LbfgsResult(bestPoint, value, evaluations, norm <= gradientTolerance * 10);
        }
    }
}

/// <summary>The outcome of <see cref="Lbfgs.Minimize"/>.</summary>
internal sealed record LbfgsResult(double[] Point, double Value, int Iterations, bool Converged);
