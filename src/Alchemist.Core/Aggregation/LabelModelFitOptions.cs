namespace Alchemist;

/// <summary>Represents what a label model may use beside the label matrix when it is fitted: a class balance and a labeled dev split.</summary>
/// <remarks>The dev split is for fitting and model choice only; never pass test data here.</remarks>
public sealed class LabelModelFitOptions
{
    /// <summary>Gets or sets the known class balance (prior probabilities), or <see langword="null"/> to estimate it.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public IReadOnlyList<double>? ClassBalance { get; set; }

    /// <summary>Gets or sets the votes of the same functions on a labeled dev split, or <see langword="null"/> when there is none.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public LabelMatrix? DevMatrix { get; set; }

    /// <summary>Gets or sets the gold labels of the dev split, one per row of <see cref="DevMatrix"/>.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public IReadOnlyList<int>? DevLabels { get; set; }

    /// <summary>Gets or sets the seed of any randomness in fitting, so that a fit is reproducible.</summary>
    /// <value>The default is 0.</value>
    public int Seed { get; set; }

    /// <summary>Gets a value indicating whether a dev split was given.</summary>
    public bool HasDevSplit => DevMatrix is not null && DevLabels is not null;

    internal void Validate(LabelMatrix matrix, string paramName)
    {
        if (ClassBalance is not null)
        {
            if (ClassBalance.Count != matrix.ClassCount)
            {
                throw new ArgumentException($"The class balance has {ClassBalance.Count} values for {matrix.ClassCount} classes.", paramName);
            }

            double sum = 0;
            foreach (double p in ClassBalance)
            {
                if (!(p > 0 && p < 1))
                {
                    throw new ArgumentException($"The class balance holds {p}; every class needs a probability strictly between 0 and 1.", paramName);
                }

                sum += p;
            }

            if (Math.Abs(sum - 1) > 1e-6)
            {
                throw new ArgumentException($"The class balance sums to {sum}; it must sum to 1.", paramName);
            }
        }

        if ((DevMatrix is null) != (DevLabels is null))
        {
            throw new ArgumentException("DevMatrix and DevLabels must be given together.", paramName);
        }

        if (DevMatrix is not null && DevLabels is not null)
        {
            if (DevMatrix.FunctionCount != matrix.FunctionCount || DevMatrix.ClassCount != matrix.ClassCount)
            {
                throw new ArgumentException(
                    $"The dev matrix has {DevMatrix.FunctionCount} functions and {DevMatrix.ClassCount} classes; the label matrix has {matrix.FunctionCount} and {matrix.ClassCount}.",
                    paramName);
            }

            if (DevLabels.Count != DevMatrix.ItemCount)
            {
                throw new ArgumentException($"{DevLabels.Count} dev labels were given for {DevMatrix.ItemCount} dev items.", paramName);
            }

            for (int i = 0; i < DevLabels.Count; i++)
            {
                if (!Label.IsClass(DevLabels[i], matrix.ClassCount))
                {
                    throw new ArgumentException($"Dev label {i} is {DevLabels[i]}; it must be a class index in 0..{matrix.ClassCount - 1}.", paramName);
                }
            }
        }
    }
}
