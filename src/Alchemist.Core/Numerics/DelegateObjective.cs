namespace Alchemist;

/// <summary>An <see cref="IDifferentiableObjective"/> over a function that writes the gradient at a point and returns the value there.</summary>
/// <param name="dimension">The number of parameters.</param>
/// <param name="evaluate">Writes the gradient at its first argument into its second and returns the value.</param>
internal sealed class DelegateObjective(int dimension, DelegateObjective.Evaluator evaluate) : IDifferentiableObjective
{
    /// <summary>The signature of an objective: writes the gradient at <c>x</c> into <c>gradient</c> and returns the value.</summary>
    public delegate double Evaluator(ReadOnlySpan<double> x, Span<double> gradient);

    /// <inheritdoc/>
    public int Dimension => dimension;

    /// <inheritdoc/>
    public double Evaluate(double[] point, double[] gradient) => evaluate(point, gradient);
}
