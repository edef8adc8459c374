namespace Alchemist;

/// <summary>
/// The label model's class distribution of every item of a matrix, for a streamed run's end-model sample: held once per
/// distinct vote row and found by the item's votes when the model predicts each row of this matrix from its votes alone
/// (a model that predicts row by row, or the hyper label model on the matrix it grouped when fitted: no per-item array
/// beside the matrix), otherwise one per item (<see cref="LabelModel.PredictProbabilities(LabelMatrix)"/>).
/// </summary>
/// <remarks>Either way, an item's distribution is the same, bit for bit, as the model's prediction of the whole matrix.</remarks>
internal sealed class ItemDistributions
{
    private readonly LabelMatrix _votes;
    private readonly ClassProbabilities? _perItem;
    private readonly DistinctRowTable? _rows;
    private readonly double[]? _rowValues;

    private ItemDistributions(LabelMatrix votes, int classCount, ClassProbabilities? perItem, DistinctRowTable? rows, double[]? rowValues)
    {
        _votes = votes;
        ClassCount = classCount;
        _perItem = perItem;
        _rows = rows;
        _rowValues = rowValues;
    }

    /// <summary>Gets the number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>Gets the number of distinct rows the distributions are held for, or <see langword="null"/> when they are held per item.</summary>
    public int? DistinctRows => _rows?.Count;

    /// <summary>Predicts the distributions of a matrix's items with a fitted model.</summary>
    /// <param name="model">The fitted model.</param>
    /// <param name="votes">The matrix it was fitted on; it must not change while the distributions are read.</param>
    public static ItemDistributions Predict(LabelModel model, LabelMatrix votes)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(votes);
        int k = model.ClassCount;
        if (model.PredictsRowByRowFor(votes) && DistinctRowTable.BuildIfCompact(votes) is { } rows)
        {
            var values = new double[(long)rows.Count * k];
            for (int r = 0; r < rows.Count; r++)
            {
                model.PredictProbabilities(rows.GetRow(r), values.AsSpan(r * k, k));
            }

            return new ItemDistributions(votes, k, null, rows, values);
        }

        return new ItemDistributions(votes, k, model.PredictProbabilities(votes), null, null);
    }

    /// <summary>Gets the distribution of one item.</summary>
    /// <param name="item">The item's row in the matrix.</param>
    public ReadOnlySpan<double> GetRow(int item)
    {
        if (_perItem is not null)
        {
            return _perItem.GetRow(item);
        }

        int row = _rows!.IndexOf(_votes.GetRow(item));
        return _rowValues.AsSpan(row * ClassCount, ClassCount);
    }
}
