namespace Alchemist;

/// <summary>Represents a smooth function to minimize: its value and gradient at a point.</summary>
internal interface IDifferentiableObjective
{
    /// <summary>Gets the number of parameters.</summary>
    int Dimension { get; }

    /// <summary>Computes the value and the gradient at a point.</summary>
    /// <param name="point">The parameters.</param>
    /// <param name="gradient">Receives the gradient.</param>
    /// <returns>The value.</returns>
    double Evaluate(double[] point, double[] gradient);
}
