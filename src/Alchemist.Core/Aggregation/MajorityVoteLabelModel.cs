namespace Alchemist;

/// <summary>A label model that gives each class the share of the votes it received: the majority vote.</summary>
/// <remarks>
/// An item with no votes gets the uniform distribution, so every class ties. The most-voted class, and the ties, are
/// those of Snorkel's <c>MajorityLabelVoter</c>; unlike it, the probabilities keep the vote shares, which a distilled
/// end model can learn from. Fitting only records the shape and the class balance (given, or the share of all votes).
/// </remarks>
public sealed class MajorityVoteLabelModel : LabelModel
{
    /// <summary>The name of this model in the catalog: <c>"majority"</c>.</summary>
    public const string ModelName = "majority";

    /// <inheritdoc />
    public override string Name => ModelName;

    /// <inheritdoc />
    protected override LabelModelFitReport FitCore(LabelMatrix matrix, LabelModelFitOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(options);
        double[] balance;
        if (options.ClassBalance is not null)
        {
            balance = [.. options.ClassBalance];
        }
        else
        {
            var counts = new double[matrix.ClassCount];
            foreach (sbyte vote in matrix.AsSpan())
            {
                if (vote >= 0)
                {
                    counts[vote]++;
                }
            }

            double total = counts.Sum() + counts.Length;
            balance = [.. counts.Select(c => (c + 1) / total)];
        }

        return new LabelModelFitReport { ModelName = ModelName, ClassBalance = balance };
    }

    /// <inheritdoc />
    protected override void PredictRowCore(ReadOnlySpan<sbyte> votes, Span<double> destination)
    {
        destination.Clear();
        int total = 0;
        foreach (sbyte vote in votes)
        {
            if (vote >= 0)
            {
                destination[vote]++;
                total++;
            }
        }

        if (total == 0)
        {
            destination.Fill(1.0 / destination.Length);
            return;
        }

        double scale = 1.0 / total;
        for (int c = 0; c < destination.Length; c++)
        {
            destination[c] *= scale;
        }
    }
}
