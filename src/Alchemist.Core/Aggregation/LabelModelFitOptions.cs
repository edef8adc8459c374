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

    /// <summary>Gets or sets where the class balance comes from when <see cref="ClassBalance"/> is not given.</summary>
    /// <value>The default is <see cref="ClassBalanceEstimation.Automatic"/>: the dev split when given, otherwise the votes.</value>
    public ClassBalanceEstimation ClassBalanceEstimation { get; set; }

    /// <summary>Gets or sets the metric by which fits are scored on the dev split: the warning against majority vote, and the choice of the <c>auto</c> model.</summary>
    /// <value>The default is <see cref="LabelModelMetric.Accuracy"/>. <see cref="LabelModelMetric.F1"/> needs a binary task.</value>
    public LabelModelMetric Metric { get; set; }

    /// <summary>Gets or sets the seed of any randomness in fitting, so that a fit is reproducible.</summary>
    /// <value>The default is 0.</value>
    public int Seed { get; set; }

    /// <summary>Gets a value indicating whether a dev split was given.</summary>
    public bool HasDevSplit => DevMatrix is not null && DevLabels is not null;

    /// <summary>Creates a copy of these options.</summary>
    /// <returns>A new instance with the same values.</returns>
    public LabelModelFitOptions Clone() => (LabelModelFitOptions)MemberwiseClone();

    internal void Validate(int functionCount, int classCount, string paramName)
    {
        if (!Enum.IsDefined(ClassBalanceEstimation))
        {
            throw new ArgumentException($"ClassBalanceEstimation is {ClassBalanceEstimation}, which is not a defined value.", paramName);
        }

        if (!Enum.IsDefined(Metric))
        {
            throw new ArgumentException($"Metric is {Metric}, which is not a defined value.", paramName);
        }

        if (Metric == LabelModelMetric.F1 && classCount != 2)
        {
            throw new ArgumentException($"The F1 metric scores class 1 of a binary task; this task has {classCount} classes. Use LabelModelMetric.Accuracy.", paramName);
        }

        if (ClassBalanceEstimation == ClassBalanceEstimation.DevSplit && !HasDevSplit && ClassBalance is null)
        {
            throw new ArgumentException("ClassBalanceEstimation is DevSplit, but no dev split was given; set DevMatrix and DevLabels, or choose another estimation.", paramName);
        }

        if (ClassBalance is not null)
        {
            if (ClassBalance.Count != classCount)
            {
                throw new ArgumentException($"The class balance has {ClassBalance.Count} values for {classCount} classes.", paramName);
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
            if (DevMatrix.FunctionCount != functionCount || DevMatrix.ClassCount != classCount)
            {
                throw new ArgumentException(
                    $"The dev matrix has {DevMatrix.FunctionCount} functions and {DevMatrix.ClassCount} classes; the label matrix has {functionCount} and {classCount}.",
                    paramName);
            }

            if (DevLabels.Count != DevMatrix.ItemCount)
            {
                throw new ArgumentException($"{DevLabels.Count} dev labels were given for {DevMatrix.ItemCount} dev items.", paramName);
            }

            for (int i = 0; i < DevLabels.Count; i++)
            {
                if (!Label.IsClass(DevLabels[i], classCount))
                {
                    throw new ArgumentException($"Dev label {i} is {DevLabels[i]}; it must be a class index in 0..{classCount - 1}.", paramName);
                }
            }
        }
    }
}
