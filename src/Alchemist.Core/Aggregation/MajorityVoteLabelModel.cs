namespace Alchemist;

/// <summary>A label model that gives each class the share of the votes it received: the majority vote.</summary>
/// <remarks>
/// An item with no votes gets the uniform distribution, so every class ties. The most-voted class, and the ties, are
/// those of Snorkel's <c>MajorityLabelVoter</c>; unlike it, the probabilities keep the vote shares, which a distilled
/// end model can learn from. Fitting only records the shape and the class balance (given, the dev split's, or the share
/// of all votes), which only <see cref="TieBreak.ClassPrior"/> uses.
/// </remarks>
public sealed class MajorityVoteLabelModel : LabelModel
{
    /// <summary>The name of this model in the catalog: <c>"majority"</c>.</summary>
    public const string ModelName = "majority";

    /// <inheritdoc />
    public override string Name => ModelName;

    /// <inheritdoc />
    internal override bool PredictsRowByRow => true;

    /// <inheritdoc />
    protected override LabelModelFitReport FitCore(LabelMatrix matrix, LabelModelFitOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(options);
        double[]? balance = ClassBalances.Resolve(options, matrix.ClassCount);
        if (balance is null)
        {
            var counts = new long[matrix.ClassCount];
            foreach (sbyte vote in matrix.AsSpan())
            {
                if (vote >= 0)
                {
                    counts[vote]++;
                }
            }

            balance = ClassBalances.FromVoteCounts(counts, matrix.ClassCount);
        }

        return new LabelModelFitReport { ModelName = ModelName, ClassBalance = balance };
    }

    /// <inheritdoc />
    /// <remarks>Needs only the vote counts.</remarks>
    protected override LabelModelFitReport FitCore(LabelStatistics statistics, LabelModelFitOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(options);
        double[] balance = ClassBalances.Resolve(options, statistics.ClassCount) ?? ClassBalances.FromVoteCounts(statistics.VoteCounts, statistics.ClassCount);
        return new LabelModelFitReport { ModelName = ModelName, ClassBalance = balance };
    }

    /// <inheritdoc />
    protected override void PredictRowCore(ReadOnlySpan<sbyte> votes, Span<double> destination) => VoteShares(votes, destination);

    /// <summary>Determines whether any function voted in a row.</summary>
    internal static bool HasVotes(ReadOnlySpan<sbyte> votes) => VoteScan.Any(votes);

    /// <summary>Fills <paramref name="destination"/> with the share of the votes each class received, uniform without votes.</summary>
    internal static void VoteShares(ReadOnlySpan<sbyte> votes, Span<double> destination)
    {
        int total = 0;
        if (destination.Length <= 8)
        {
            // A vectorized count per class beats a branch per vote while the classes are few.
            for (int c = 0; c < destination.Length; c++)
            {
                int count = VoteScan.Count(votes, (sbyte)c);
                destination[c] = count;
                total += count;
            }
        }
        else
        {
            destination.Clear();
            foreach (sbyte vote in votes)
            {
                if (vote >= 0)
                {
                    destination[vote]++;
                    total++;
                }
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
