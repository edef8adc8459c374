using System.Numerics.Tensors;

namespace Alchemist;

/// <summary>A deterministic limited-memory BFGS minimizer with a backtracking (Armijo) line search, allocation-free per iteration.</summary>
/// <remarks>
/// It stops when the largest gradient component falls below the tolerance times the initial one (a criterion that does
/// not depend on the objective's irreducible part, such as the entropy of soft targets), when an iteration no longer
/// lowers the objective, or at the iteration cap. Every vector operation goes through <see cref="TensorPrimitives"/>. There is no randomness: the same objective and
/// starting point always give the same iterates.
/// </remarks>
internal sealed class LbfgsMinimizer
{
    private const double ArmijoConstant = 1e-4;
    private const int MaxLineSearchSteps = 40;

    private readonly int _historySize;
    private readonly int _maxIterations;
    private readonly double _tolerance;

    /// <summary>The number of (step, gradient change) pairs the label models keep: 10, as the end model's default.</summary>
    public const int DefaultHistorySize = 10;

    public LbfgsMinimizer(int historySize, int maxIterations, double tolerance)
    {
        _historySize = historySize;
        _maxIterations = maxIterations;
        _tolerance = tolerance;
    }

    /// <summary>Minimizes a function given as a delegate from <paramref name="point"/>, which receives the minimizer, keeping <see cref="DefaultHistorySize"/> pairs.</summary>
    public static LbfgsMinimizerResult Minimize(DelegateObjective.Evaluator objective, double[] point, int maxIterations, double tolerance, CancellationToken cancellationToken) =>
        new LbfgsMinimizer(DefaultHistorySize, maxIterations, tolerance).Minimize(new DelegateObjective(point.Length, objective), point, cancellationToken);

    /// <summary>Minimizes the objective from <paramref name="point"/>, which receives the minimizer.</summary>
    public LbfgsMinimizerResult Minimize(IDifferentiableObjective objective, double[] point, CancellationToken cancellationToken)
    {
        int n = objective.Dimension;
        if (n == 0)
        {
            // Nothing to move (every function silent, say): the start is the minimum.
            return new LbfgsMinimizerResult(0, true, objective.Evaluate(point, []));
        }

        int m = _historySize;
        var s = new double[m][];
        var y = new double[m][];
        for (int i = 0; i < m; i++)
        {
            s[i] = new double[n];
            y[i] = new double[n];
        }

        var rho = new double[m];
        var alpha = new double[m];
        var gradient = new double[n];
        var nextGradient = new double[n];
        var direction = new double[n];
        var next = new double[n];
        int stored = 0, newest = -1;

        double value = objective.Evaluate(point, gradient);
        double gradientTolerance = Math.Max(1e-12, _tolerance * Math.Max(1.0, Math.Abs(TensorPrimitives.MaxMagnitude<double>(gradient))));
        int iteration = 0;
        bool converged = false;
        while (iteration < _maxIterations)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Math.Abs(TensorPrimitives.MaxMagnitude<double>(gradient)) <= gradientTolerance)
            {
                converged = true;
                break;
            }

            iteration++;
            TwoLoopRecursion(gradient, direction, s, y, rho, alpha, stored, newest);
            double slope = TensorPrimitives.Dot<double>(gradient, direction);
            if (!(slope < 0))
            {
                // Not a descent direction (the curvature pairs went stale): restart from steepest descent.
                TensorPrimitives.Negate<double>(gradient, direction);
                slope = -TensorPrimitives.Dot<double>(gradient, gradient);
                stored = 0;
                newest = -1;
            }

            double step = stored == 0 ? Math.Min(1.0, 1.0 / Math.Sqrt(-slope)) : 1.0;
            double nextValue = double.NaN;
            bool accepted = false;
            for (int attempt = 0; attempt < MaxLineSearchSteps; attempt++)
            {
                TensorPrimitives.MultiplyAdd<double>(direction, step, point, next);
                nextValue = objective.Evaluate(next, nextGradient);
                if (nextValue <= value + (ArmijoConstant * step * slope))
                {
                    accepted = true;
                    break;
                }

                step *= 0.5;
            }

            if (!accepted)
            {
                // No decrease along the direction within machine precision: the point is as good as it gets.
                converged = true;
                break;
            }

            newest = (newest + 1) % m;
            TensorPrimitives.Subtract<double>(next, point, s[newest]);
            TensorPrimitives.Subtract<double>(nextGradient, gradient, y[newest]);
            double sy = TensorPrimitives.Dot<double>(s[newest], y[newest]);
            if (sy > 1e-12)
            {
                rho[newest] = 1.0 / sy;
                stored = Math.Min(stored + 1, m);
            }
            else
            {
                // Skip the pair; its slot held the oldest pair when the history was full, which is now lost too.
                newest = (newest + m - 1) % m;
                stored = Math.Min(stored, m - 1);
            }

            double decrease = value - nextValue;
            next.AsSpan().CopyTo(point);
            nextGradient.AsSpan().CopyTo(gradient);
            value = nextValue;
            if (decrease <= 1e-12 * Math.Max(1.0, Math.Abs(value)))
            {
                converged = true;
                break;
            }
        }

        return new LbfgsMinimizerResult(iteration, converged, value);
    }

    private static void TwoLoopRecursion(double[] gradient, double[] direction, double[][] s, double[][] y, double[] rho, double[] alpha, int stored, int newest)
    {
        int m = s.Length;
        gradient.AsSpan().CopyTo(direction);
        for (int t = 0; t < stored; t++)
        {
            int i = (newest - t + m) % m;
            alpha[i] = rho[i] * TensorPrimitives.Dot<double>(s[i], direction);
            TensorPrimitives.MultiplyAdd<double>(y[i], -alpha[i], direction, direction);
        }

        if (stored > 0)
        {
            double yy = TensorPrimitives.Dot<double>(y[newest], y[newest]);
            TensorPrimitives.Multiply<double>(direction, 1.0 / (rho[newest] * yy), direction);
        }

        for (int t = stored - 1; t >= 0; t--)
        {
            int i = (newest - t + m) % m;
            double beta = rho[i] * TensorPrimitives.Dot<double>(y[i], direction);
            TensorPrimitives.MultiplyAdd<double>(s[i], alpha[i] - beta, direction, direction);
        }

        TensorPrimitives.Negate<double>(direction, direction);
    }
}

/// <summary>Represents the outcome of a minimization.</summary>
/// <param name="Iterations">The iterations done.</param>
/// <param name="Converged">Whether the convergence criterion was met before the cap.</param>
/// <param name="Value">The final value of the objective.</param>
internal readonly record struct LbfgsMinimizerResult(int Iterations, bool Converged, double Value);
