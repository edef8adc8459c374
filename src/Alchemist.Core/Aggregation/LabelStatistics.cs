namespace Alchemist;

/// <summary>
/// Represents everything the unsupervised label models need from a label matrix: per-function vote counts, pairwise
/// overlap, agreement and joint vote counts, and the distinct vote rows with their counts. Statistics of partitions
/// merge exactly, so a matrix built on several machines can be fitted without gathering it.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Compute(LabelMatrix, LabelStatisticsOptions?)"/> reads the matrix once; <see cref="Merge"/> adds the
/// statistics of consecutive partitions. Every figure is an integer count, so the statistics of a matrix and the
/// merged statistics of its partitions, taken in order, are identical, and so is any fit made from them
/// (<see cref="LabelModel.Fit(LabelStatistics, LabelModelFitOptions?, CancellationToken)"/>).
/// </para>
/// <para>
/// Joint counts (how often function <c>j</c> voted <c>a</c> while function <c>k</c> voted <c>b</c>) are kept only while
/// <c>m * K</c> is at most <see cref="MaxJointDimension"/>; beyond that, overlap and agreement counts stand in for them.
/// The distinct rows are usually few (real labeling functions produce a few hundred vote patterns), but a matrix of
/// random votes can have as many distinct rows as items.
/// </para>
/// <para>Instances are immutable and thread-safe.</para>
/// </remarks>
public sealed partial class LabelStatistics
{
    /// <summary>The largest <c>m * K</c> for which joint vote counts are kept (a <c>mK x mK</c> table).</summary>
    public const int MaxJointDimension = 1024;

    private readonly long[] _voteCounts;
    private readonly long[]? _overlaps;
    private readonly long[]? _agreements;
    private readonly long[]? _joint;
    private readonly DistinctRowTable? _rows;

    private LabelStatistics(
        int functionCount,
        int classCount,
        IReadOnlyList<string> functionNames,
        long itemCount,
        long coveredItemCount,
        long[] voteCounts,
        long[]? overlaps,
        long[]? agreements,
        long[]? joint,
        DistinctRowTable? rows)
    {
        FunctionCount = functionCount;
        ClassCount = classCount;
        FunctionNames = functionNames;
        ItemCount = itemCount;
        CoveredItemCount = coveredItemCount;
        _voteCounts = voteCounts;
        _overlaps = overlaps;
        _agreements = agreements;
        _joint = joint;
        _rows = rows;
    }

    /// <summary>Gets the number of items the statistics describe.</summary>
    public long ItemCount { get; }

    /// <summary>Gets the number of items on which at least one function voted.</summary>
    public long CoveredItemCount { get; }

    /// <summary>Gets the number of labeling functions, <c>m</c>.</summary>
    public int FunctionCount { get; }

    /// <summary>Gets the number of classes, <c>K</c>.</summary>
    public int ClassCount { get; }

    /// <summary>Gets the names of the labeling functions, one per column.</summary>
    public IReadOnlyList<string> FunctionNames { get; }

    /// <summary>Gets a value indicating whether overlap and agreement counts were gathered.</summary>
    public bool HasPairCounts => _overlaps is not null;

    /// <summary>Gets a value indicating whether joint vote counts were gathered (pair counts were, and <c>m * K</c> is at most <see cref="MaxJointDimension"/>).</summary>
    public bool HasJointCounts => _joint is not null;

    /// <summary>Gets a value indicating whether the distinct vote rows were gathered.</summary>
    public bool HasDistinctRows => _rows is not null;

    /// <summary>Gets the number of distinct vote rows, or 0 when they were not gathered.</summary>
    public int DistinctRowCount => _rows?.Count ?? 0;

    /// <summary>Gets the vote counts, <c>m x K</c>, row-major.</summary>
    internal ReadOnlySpan<long> VoteCounts => _voteCounts;

    /// <summary>Gets the full, symmetric <c>mK x mK</c> joint counts, or <see langword="null"/>.</summary>
    internal long[]? Joint => _joint;

    /// <summary>Gets the full, symmetric <c>m x m</c> overlap counts (the diagonal holds each function's votes), or <see langword="null"/>.</summary>
    internal long[]? Overlaps => _overlaps;

    /// <summary>Gets the full, symmetric <c>m x m</c> agreement counts, or <see langword="null"/>.</summary>
    internal long[]? Agreements => _agreements;

    /// <summary>Gets the distinct rows, or <see langword="null"/>.</summary>
    internal DistinctRowTable? Rows => _rows;

    /// <summary>Gets how many times a function voted for a class.</summary>
    /// <param name="function">The function (column).</param>
    /// <param name="label">The class.</param>
    /// <returns>The number of items on which <paramref name="function"/> voted <paramref name="label"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public long GetVoteCount(int function, int label)
    {
        CheckFunction(function, nameof(function));
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)label, (uint)ClassCount, nameof(label));
        return _voteCounts[(function * ClassCount) + label];
    }

    /// <summary>Gets how many times a function voted at all.</summary>
    /// <param name="function">The function (column).</param>
    /// <returns>The number of items on which <paramref name="function"/> did not abstain.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="function"/> is out of range.</exception>
    public long GetVoteCount(int function)
    {
        CheckFunction(function, nameof(function));
        long total = 0;
        foreach (long count in _voteCounts.AsSpan(function * ClassCount, ClassCount))
        {
            total += count;
        }

        return total;
    }

    /// <summary>Gets how many items both functions voted on.</summary>
    /// <param name="first">One function.</param>
    /// <param name="second">Another function, or the same one for its own vote count.</param>
    /// <returns>The overlap count.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A function is out of range.</exception>
    /// <exception cref="InvalidOperationException">Pair counts were not gathered.</exception>
    public long GetOverlapCount(int first, int second)
    {
        CheckFunction(first, nameof(first));
        CheckFunction(second, nameof(second));
        return (_overlaps ?? throw Missing("Pair counts", nameof(LabelStatisticsOptions.IncludePairCounts)))[(first * FunctionCount) + second];
    }

    /// <summary>Gets how many items both functions voted on with the same class.</summary>
    /// <param name="first">One function.</param>
    /// <param name="second">Another function.</param>
    /// <returns>The agreement count.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A function is out of range.</exception>
    /// <exception cref="InvalidOperationException">Pair counts were not gathered.</exception>
    public long GetAgreementCount(int first, int second)
    {
        CheckFunction(first, nameof(first));
        CheckFunction(second, nameof(second));
        return (_agreements ?? throw Missing("Pair counts", nameof(LabelStatisticsOptions.IncludePairCounts)))[(first * FunctionCount) + second];
    }

    /// <summary>Gets how many items <paramref name="first"/> voted <paramref name="firstLabel"/> on while <paramref name="second"/> voted <paramref name="secondLabel"/>.</summary>
    /// <param name="first">One function.</param>
    /// <param name="firstLabel">Its vote.</param>
    /// <param name="second">Another function.</param>
    /// <param name="secondLabel">Its vote.</param>
    /// <returns>The joint count.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    /// <exception cref="InvalidOperationException">Joint counts were not gathered; see <see cref="HasJointCounts"/>.</exception>
    public long GetJointCount(int first, int firstLabel, int second, int secondLabel)
    {
        CheckFunction(first, nameof(first));
        CheckFunction(second, nameof(second));
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)firstLabel, (uint)ClassCount, nameof(firstLabel));
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)secondLabel, (uint)ClassCount, nameof(secondLabel));
        long[] joint = _joint ?? throw new InvalidOperationException(
            $"Joint counts were not gathered: they need pair counts and at most {MaxJointDimension} function-class pairs ({FunctionCount} x {ClassCount} here).");
        int d = FunctionCount * ClassCount;
        return joint[((long)((first * ClassCount) + firstLabel) * d) + (second * ClassCount) + secondLabel];
    }

    /// <summary>Gets one distinct vote row, in order of first occurrence.</summary>
    /// <param name="index">The index, in <c>0..DistinctRowCount-1</c>.</param>
    /// <returns>The <see cref="FunctionCount"/> votes of the row.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    /// <exception cref="InvalidOperationException">Distinct rows were not gathered.</exception>
    public ReadOnlySpan<sbyte> GetDistinctRow(int index)
    {
        DistinctRowTable rows = _rows ?? throw Missing("Distinct rows", nameof(LabelStatisticsOptions.IncludeDistinctRows));
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)rows.Count, nameof(index));
        return rows.GetRow(index);
    }

    /// <summary>Gets the number of items whose votes are the distinct row <paramref name="index"/>.</summary>
    /// <param name="index">The index, in <c>0..DistinctRowCount-1</c>.</param>
    /// <returns>The number of items.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    /// <exception cref="InvalidOperationException">Distinct rows were not gathered.</exception>
    public long GetDistinctRowCount(int index)
    {
        DistinctRowTable rows = _rows ?? throw Missing("Distinct rows", nameof(LabelStatisticsOptions.IncludeDistinctRows));
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)rows.Count, nameof(index));
        return rows.GetWeight(index);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"LabelStatistics {ItemCount} items x {FunctionCount} functions, {ClassCount} classes" +
        (HasDistinctRows ? $", {DistinctRowCount} distinct rows" : string.Empty);

    private static InvalidOperationException Missing(string what, string option) =>
        new($"{what} were not gathered; compute the statistics with LabelStatisticsOptions.{option} set to true.");

    private void CheckFunction(int function, string paramName) =>
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)function, (uint)FunctionCount, paramName);
}
