using System.Collections.ObjectModel;
using System.Globalization;

namespace Alchemist;

/// <summary>Represents the votes of <c>m</c> labeling functions on <c>n</c> items: a compact, contiguous, row-major matrix.</summary>
/// <remarks>
/// <para>
/// Each vote is an <see cref="sbyte"/>: a class index in <c>0..K-1</c> or <see cref="Label.Abstain"/>. A million items
/// by a hundred functions takes 100 MB. Row <c>i</c> is <see cref="GetRow(int)"/>, a contiguous span of the <c>m</c>
/// votes on item <c>i</c>; the whole matrix is <see cref="AsSpan"/>, so label models can vectorize over it.
/// </para>
/// <para>Instances are immutable and thread-safe.</para>
/// <para>
/// The matrix of a streamed <see cref="LabelingPipeline"/> run larger than
/// <see cref="LabelingPipelineOptions.MatrixMemoryBudget"/> lives in a memory-mapped temporary file instead of an array
/// (<see cref="LabelingRun.MatrixSpillBytes"/>), owned by the <see cref="LabelingRun"/> that returned it: after
/// <see cref="LabelingRun.Dispose()"/> its members throw <see cref="ObjectDisposedException"/>, and a span it lent
/// before must not be read. Until then it reads as any other matrix.
/// </para>
/// </remarks>
public sealed class LabelMatrix
{
    // Exactly one of the two holds the votes: an array, or a memory-mapped file (a spilled matrix).
    private readonly sbyte[]? _array;
    private readonly MappedVotes? _mapped;

    /// <summary>Initializes a new instance of the <see cref="LabelMatrix"/> class from a copy of row-major votes.</summary>
    /// <param name="itemCount">The number of items (rows), <c>n</c>.</param>
    /// <param name="functionCount">The number of labeling functions (columns), <c>m</c>.</param>
    /// <param name="classCount">The number of classes, <c>K</c>, from 2 to <see cref="Label.MaxClassCount"/>.</param>
    /// <param name="votes">The <c>n * m</c> votes, row by row; each is <c>-1</c> or a class index.</param>
    /// <param name="functionNames">The names of the functions, one per column; <c>lf0, lf1, ...</c> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative, or <paramref name="classCount"/> is outside 2..127.</exception>
    /// <exception cref="ArgumentException">The length of <paramref name="votes"/> or <paramref name="functionNames"/> does not match, or a vote is outside <c>-1..K-1</c>.</exception>
    public LabelMatrix(int itemCount, int functionCount, int classCount, ReadOnlySpan<sbyte> votes, IReadOnlyList<string>? functionNames = null)
        : this(itemCount, functionCount, classCount, votes.ToArray(), functionNames, validate: true)
    {
    }

    private LabelMatrix(int itemCount, int functionCount, int classCount, sbyte[] votes, IReadOnlyList<string>? functionNames, bool validate)
        : this(itemCount, functionCount, classCount, votes, mapped: null, functionNames, validate)
    {
    }

    private LabelMatrix(int itemCount, int functionCount, int classCount, sbyte[]? votes, MappedVotes? mapped, IReadOnlyList<string>? functionNames, bool validate)
    {
        ReadOnlySpan<sbyte> all = votes ?? mapped!.Span;
        ArgumentOutOfRangeException.ThrowIfNegative(itemCount);
        ArgumentOutOfRangeException.ThrowIfNegative(functionCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(classCount, Label.MaxClassCount);
        // Only an internal wrap may give a longer array (spare room for a column appended in place); the matrix is its first n * m votes.
        if ((long)itemCount * functionCount != all.Length && (validate || (long)itemCount * functionCount > all.Length))
        {
            throw new ArgumentException($"A {itemCount} x {functionCount} label matrix needs {(long)itemCount * functionCount} votes; {all.Length} were given.", nameof(votes));
        }

        if (functionNames is not null && functionNames.Count != functionCount)
        {
            throw new ArgumentException($"{functionNames.Count} function names were given for {functionCount} functions.", nameof(functionNames));
        }

        if (validate)
        {
            for (int i = 0; i < itemCount * functionCount; i++)
            {
                if (all[i] < Label.Abstain || all[i] >= classCount)
                {
                    throw new ArgumentException(
                        $"The vote of function {i % Math.Max(functionCount, 1)} on item {i / Math.Max(functionCount, 1)} is {all[i]}; votes must be -1 (abstain) or a class index in 0..{classCount - 1}.",
                        nameof(votes));
                }
            }
        }

        ItemCount = itemCount;
        FunctionCount = functionCount;
        ClassCount = classCount;
        _array = votes;
        _mapped = mapped;
        FunctionNames = functionNames is null ? DefaultNames(functionCount) : new ReadOnlyCollection<string>([.. functionNames]);
    }

    /// <summary>Gets the number of items (rows), <c>n</c>.</summary>
    public int ItemCount { get; }

    /// <summary>Gets the number of labeling functions (columns), <c>m</c>.</summary>
    public int FunctionCount { get; }

    /// <summary>Gets the number of classes, <c>K</c>.</summary>
    public int ClassCount { get; }

    /// <summary>Gets the names of the labeling functions, one per column.</summary>
    public IReadOnlyList<string> FunctionNames { get; }

    /// <summary>Gets the memory-mapped file the votes live in, or <see langword="null"/> for a matrix held in an array.</summary>
    internal MappedVotes? Mapped => _mapped;

    /// <summary>Gets the storage of the votes (the first <c>n * m</c> are the matrix's; it may be longer).</summary>
    /// <exception cref="ObjectDisposedException">The matrix was spilled and its run disposed.</exception>
    private Span<sbyte> Votes => _array ?? _mapped!.Span;

    /// <summary>Gets the vote of one function on one item.</summary>
    /// <param name="item">The row.</param>
    /// <param name="function">The column.</param>
    /// <returns>A class index, or <see cref="Label.Abstain"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="item"/> or <paramref name="function"/> is out of range.</exception>
    public int this[int item, int function]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)item, (uint)ItemCount, nameof(item));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)function, (uint)FunctionCount, nameof(function));
            return Votes[(item * FunctionCount) + function];
        }
    }

    /// <summary>Creates a label matrix from rows of integer votes, as WRENCH and Snorkel store them.</summary>
    /// <param name="rows">One row per item, each with the same number of votes.</param>
    /// <param name="classCount">The number of classes.</param>
    /// <param name="functionNames">The function names, or <see langword="null"/>.</param>
    /// <returns>A new label matrix.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="rows"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The rows differ in length, or a vote is outside <c>-1..K-1</c>.</exception>
    public static LabelMatrix FromRows(IEnumerable<IReadOnlyList<int>> rows, int classCount, IReadOnlyList<string>? functionNames = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(classCount, Label.MaxClassCount);

        var votes = new List<sbyte>();
        int functionCount = -1;
        int itemCount = 0;
        foreach (IReadOnlyList<int> row in rows)
        {
            ArgumentNullException.ThrowIfNull(row, nameof(rows));
            if (functionCount < 0)
            {
                functionCount = row.Count;
            }
            else if (row.Count != functionCount)
            {
                throw new ArgumentException($"Row {itemCount} has {row.Count} votes; the rows before it have {functionCount}.", nameof(rows));
            }

            for (int j = 0; j < row.Count; j++)
            {
                int vote = row[j];
                if (vote < Label.Abstain || vote >= classCount)
                {
                    throw new ArgumentException($"The vote of function {j} on item {itemCount} is {vote}; votes must be -1 (abstain) or a class index in 0..{classCount - 1}.", nameof(rows));
                }

                votes.Add((sbyte)vote);
            }

            itemCount++;
        }

        functionCount = Math.Max(functionCount, functionNames?.Count ?? 0);
        return new LabelMatrix(itemCount, functionCount, classCount, [.. votes], functionNames, validate: false);
    }

    /// <summary>Gets the votes on one item: a contiguous span of <see cref="FunctionCount"/> votes.</summary>
    /// <param name="item">The row.</param>
    /// <returns>The votes of every function on <paramref name="item"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="item"/> is out of range.</exception>
    public ReadOnlySpan<sbyte> GetRow(int item)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)item, (uint)ItemCount, nameof(item));
        return Votes.Slice(item * FunctionCount, FunctionCount);
    }

    /// <summary>Gets every vote, row by row: <c>span[i * m + j]</c> is the vote of function <c>j</c> on item <c>i</c>.</summary>
    /// <returns>A read-only view of the whole matrix.</returns>
    public ReadOnlySpan<sbyte> AsSpan() => Votes[..(ItemCount * FunctionCount)];

    /// <summary>Copies the votes of one function into <paramref name="destination"/>.</summary>
    /// <param name="function">The column.</param>
    /// <param name="destination">A buffer of at least <see cref="ItemCount"/> votes.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="function"/> is out of range.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public void CopyColumn(int function, Span<sbyte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)function, (uint)FunctionCount, nameof(function));
        if (destination.Length < ItemCount)
        {
            throw new ArgumentException($"The destination holds {destination.Length} votes; the column has {ItemCount}.", nameof(destination));
        }

        int m = FunctionCount;
        ReadOnlySpan<sbyte> votes = Votes;
        for (int i = 0, at = function; i < ItemCount; i++, at += m)
        {
            destination[i] = votes[at];
        }
    }

    /// <summary>Gets a copy of the votes of one function.</summary>
    /// <param name="function">The column.</param>
    /// <returns>A new array of <see cref="ItemCount"/> votes.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="function"/> is out of range.</exception>
    public sbyte[] GetColumn(int function)
    {
        var column = new sbyte[ItemCount];
        CopyColumn(function, column);
        return column;
    }

    /// <summary>Creates a matrix with only some of the functions, in the order given.</summary>
    /// <param name="functions">The columns to keep.</param>
    /// <returns>A new label matrix with <c>functions.Count</c> columns.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="functions"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A column is out of range.</exception>
    public LabelMatrix SelectFunctions(IReadOnlyList<int> functions)
    {
        ArgumentNullException.ThrowIfNull(functions);
        foreach (int f in functions)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)f, (uint)FunctionCount, nameof(functions));
        }

        int k = functions.Count;
        var votes = new sbyte[(long)ItemCount * k];
        for (int i = 0; i < ItemCount; i++)
        {
            ReadOnlySpan<sbyte> row = GetRow(i);
            for (int j = 0; j < k; j++)
            {
                votes[(i * k) + j] = row[functions[j]];
            }
        }

        string[] names = [.. functions.Select(f => FunctionNames[f])];
        return new LabelMatrix(ItemCount, k, ClassCount, votes, names, validate: false);
    }

    /// <summary>Creates a matrix of a contiguous range of items, for example one partition of a large input.</summary>
    /// <param name="start">The first row.</param>
    /// <param name="count">The number of rows.</param>
    /// <returns>A new label matrix with <paramref name="count"/> rows.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the matrix.</exception>
    public LabelMatrix SliceItems(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + (long)count, ItemCount, nameof(count));
        sbyte[] votes = Votes.Slice(start * FunctionCount, count * FunctionCount).ToArray();
        return new LabelMatrix(count, FunctionCount, ClassCount, votes, FunctionNames, validate: false);
    }

    /// <summary>Creates a matrix with one more column at the end, such as the votes of a model beside the functions'.</summary>
    /// <param name="name">The name of the new column; distinct from the others.</param>
    /// <param name="votes">The column's votes, one per item, each -1 or a class index.</param>
    /// <returns>A new label matrix with <see cref="FunctionCount"/> + 1 columns.</returns>
    internal LabelMatrix AppendColumn(string name, ReadOnlySpan<sbyte> votes)
    {
        if (votes.Length != ItemCount)
        {
            throw new ArgumentException($"The new column has {votes.Length} votes for {ItemCount} items.", nameof(votes));
        }

        int m = FunctionCount + 1;
        var all = new sbyte[(long)ItemCount * m];
        for (int i = 0; i < ItemCount; i++)
        {
            GetRow(i).CopyTo(all.AsSpan(i * m, m - 1));
            all[(i * m) + m - 1] = votes[i];
        }

        return new LabelMatrix(ItemCount, m, ClassCount, all, [.. FunctionNames, name], validate: true);
    }

    /// <summary>
    /// Creates a matrix with one more column at the end, every vote in it an abstention until <see cref="WriteColumn"/>
    /// fills it, moving the rows apart inside this matrix's own array when it has room for the column (an array the
    /// applier reserved it in, <see cref="LabelingFunctionApplier"/>), so that no second matrix is held; otherwise as
    /// <see cref="AppendColumn"/> does.
    /// </summary>
    /// <param name="name">The name of the new column; distinct from the others.</param>
    /// <returns>The matrix with <see cref="FunctionCount"/> + 1 columns.</returns>
    /// <remarks>When the rows were moved, the caller gives up this instance: its votes are no longer its own.</remarks>
    internal LabelMatrix AppendColumnInPlace(string name)
    {
        int n = ItemCount;
        int m = FunctionCount;
        Span<sbyte> all = Votes;
        if (all.Length < (long)n * (m + 1))
        {
            sbyte[] abstain = new sbyte[n];
            abstain.AsSpan().Fill(Label.Abstain);
            return AppendColumn(name, abstain);
        }

        // Row i moves from i * m to i * (m + 1), never below where it was: from the last row back, no row is
        // overwritten before it moved (CopyTo copies overlapping spans as memmove does).
        for (int i = n - 1; i >= 0; i--)
        {
            all.Slice(i * m, m).CopyTo(all.Slice(i * (m + 1), m));
            all[(i * (m + 1)) + m] = Label.Abstain;
        }

        return new LabelMatrix(n, m + 1, ClassCount, _array, _mapped, [.. FunctionNames, name], validate: false);
    }

    /// <summary>Writes the votes of one column on a range of items (for a column <see cref="AppendColumnInPlace"/> added), before the matrix is shared.</summary>
    /// <param name="function">The column.</param>
    /// <param name="firstItem">The row of <c>votes[0]</c>.</param>
    /// <param name="votes">The votes, each -1 or a class index.</param>
    internal void WriteColumn(int function, int firstItem, ReadOnlySpan<int> votes)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)function, (uint)FunctionCount, nameof(function));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(firstItem + (long)votes.Length, ItemCount, nameof(votes));
        int m = FunctionCount;
        Span<sbyte> all = Votes;
        for (int i = 0; i < votes.Length; i++)
        {
            int vote = votes[i];
            if (vote < Label.Abstain || vote >= ClassCount)
            {
                throw new ArgumentException($"The vote on item {firstItem + i} is {vote}; votes must be -1 (abstain) or a class index in 0..{ClassCount - 1}.", nameof(votes));
            }

            all[((firstItem + i) * m) + function] = (sbyte)vote;
        }
    }

    /// <summary>
    /// Creates the matrix without its last column by moving the rows together inside this matrix's own array, so that
    /// no second matrix is held: the inverse of <see cref="AppendColumnInPlace"/>. The caller gives up this instance.
    /// </summary>
    /// <returns>The matrix with <see cref="FunctionCount"/> - 1 columns, over the same array.</returns>
    internal LabelMatrix RemoveLastColumnInPlace()
    {
        int n = ItemCount;
        int m = FunctionCount;
        if (m == 0)
        {
            throw new InvalidOperationException("The matrix has no column to remove.");
        }

        // Row i moves from i * m to i * (m - 1), never above where it was: from the first row on, no row is
        // overwritten before it moved.
        Span<sbyte> all = Votes;
        for (int i = 0; i < n; i++)
        {
            all.Slice(i * m, m - 1).CopyTo(all.Slice(i * (m - 1), m - 1));
        }

        return new LabelMatrix(n, m - 1, ClassCount, _array, _mapped, [.. FunctionNames.Take(m - 1)], validate: false);
    }

    /// <summary>The smallest vote array <see cref="AllocateVotes"/> puts on the pinned object heap: the large-object threshold (85,000 bytes).</summary>
    internal const int PinnedVotesThreshold = 85_000;

    /// <summary>
    /// Allocates zeroed storage for the votes of a matrix that lives as long as a run (a streamed run's one matrix, sized
    /// once for the source's count): on the pinned object heap when it would otherwise be a large object.
    /// </summary>
    /// <remarks>
    /// The garbage collector sizes the large-object heap's allocation budget between full collections from what survived
    /// the last one (up to several times it). A matrix on that heap (110 MB at 10M items x 11 columns) therefore lets the
    /// run's transient large arrays (featurization and training buffers) pile up as garbage in proportion to the item
    /// count before a full collection frees them. The pinned object heap has a budget of its own, which nothing else in a
    /// run allocates against, so the matrix there raises no other heap's budget. It is still an ordinary managed array,
    /// freed when nothing references it; arrays below the large-object threshold stay where <c>new</c> puts them.
    /// </remarks>
    /// <param name="length">The number of votes.</param>
    /// <returns>A zeroed array of <paramref name="length"/> votes.</returns>
    internal static sbyte[] AllocateVotes(int length) =>
        length >= PinnedVotesThreshold ? GC.AllocateArray<sbyte>(length, pinned: true) : new sbyte[length];

    /// <summary>Wraps an array without copying or validating it; the caller guarantees every vote is valid and gives up the array, which may be longer than <c>n * m</c> (room for <see cref="AppendColumnInPlace"/>).</summary>
    internal static LabelMatrix Wrap(int itemCount, int functionCount, int classCount, sbyte[] votes, IReadOnlyList<string>? functionNames) =>
        new(itemCount, functionCount, classCount, votes, functionNames, validate: false);

    /// <summary>Wraps a memory-mapped file of votes without copying or validating them, as the other <c>Wrap</c> wraps an array; the matrix does not own the file (<see cref="LabelingRun.Dispose()"/> disposes it).</summary>
    internal static LabelMatrix Wrap(int itemCount, int functionCount, int classCount, MappedVotes votes, IReadOnlyList<string>? functionNames) =>
        new(itemCount, functionCount, classCount, null, votes, functionNames, validate: false);

    /// <inheritdoc />
    public override string ToString() => $"LabelMatrix {ItemCount} items x {FunctionCount} functions, {ClassCount} classes";

    private static ReadOnlyCollection<string> DefaultNames(int count) =>
        new([.. Enumerable.Range(0, count).Select(i => "lf" + i.ToString(CultureInfo.InvariantCulture))]);
}
