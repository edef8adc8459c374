namespace Alchemist;

/// <summary>
/// Gathers a streaming backend's shards (<see cref="IStreamingLabelingBackend"/>) into a streamed run's one label
/// matrix, sized once for the source's count with room for spare columns, as the local streamed applier sizes its own:
/// each shard's votes are written into their rows and columns as it comes back, and the programs' faults summed. A
/// matrix larger than the run's memory budget (<see cref="LabelingPipelineOptions.MatrixMemoryBudget"/>) lives in a
/// memory-mapped temporary file (<see cref="MappedVotes"/>), as the local streamed applier's does: the matrix
/// <see cref="Complete"/> returns then owns nothing, its caller disposes <see cref="LabelMatrix.Mapped"/>, and
/// <see cref="Abandon"/> releases it when the gathering fails.
/// </summary>
internal sealed class ShardGather
{
    private readonly int _itemCount;
    private readonly int _width;
    private readonly int _classCount;
    private readonly int[] _columns;
    private readonly string[] _names;
    private readonly sbyte[]? _array;
    private readonly MappedVotes? _mapped;
    private readonly long[] _seen;
    private readonly long[] _exceptions;
    private readonly long[] _invalid;
    private readonly bool[] _quarantined;
    private readonly (long FirstItem, string Message)?[] _firstErrors;
    private readonly List<(long First, int Count)> _ranges = [];

    /// <summary>Initializes a new instance of the <see cref="ShardGather"/> class, allocating the matrix.</summary>
    /// <param name="itemCount">The number of items of the run, <c>n</c>.</param>
    /// <param name="names">The name of every column of the matrix, <c>m</c> of them.</param>
    /// <param name="columns">The matrix column of each program the backend labels with, in the order it was given them.</param>
    /// <param name="spareColumns">The number of columns the matrix keeps room for (<see cref="LabelMatrix.AppendColumnInPlace"/>).</param>
    /// <param name="classCount">The number of classes.</param>
    /// <param name="memoryBudget">The largest matrix held in memory, in bytes; a larger one is a mapped file. <see langword="null"/> never spills.</param>
    /// <param name="spillDirectory">The folder of the spill file; the system's temporary folder when <see langword="null"/>.</param>
    public ShardGather(int itemCount, string[] names, int[] columns, int spareColumns, int classCount, long? memoryBudget = null, string? spillDirectory = null)
    {
        _itemCount = itemCount;
        _width = names.Length;
        _names = names;
        _columns = columns;
        _classCount = classCount;
        long length = checked((long)itemCount * (_width + spareColumns));
        _mapped = MappedVotes.CreateIfOverBudget(length, memoryBudget, spillDirectory);
        _array = _mapped is null ? LabelMatrix.AllocateVotes(checked((int)length)) : null;

        int r = columns.Length;
        _seen = new long[r];
        _exceptions = new long[r];
        _invalid = new long[r];
        _quarantined = new bool[r];
        _firstErrors = new (long, string)?[r];
    }

    /// <summary>Gets the number of items written so far.</summary>
    public long ItemsWritten { get; private set; }

    /// <summary>Gets the storage of the matrix's votes: the array, or the mapped file.</summary>
    private Span<sbyte> Votes => _mapped is null ? _array : _mapped.Span;

    /// <summary>Writes a shard's votes into the matrix and adds its faults.</summary>
    /// <exception cref="InvalidOperationException">The shard has another shape than the backend was asked for, or lies outside the items.</exception>
    public void Add(LabeledShard shard)
    {
        LabelMatrix part = shard.Votes;
        int count = part.ItemCount;
        if (part.FunctionCount != _columns.Length || part.ClassCount != _classCount || shard.FirstItem + count > _itemCount)
        {
            throw new InvalidOperationException(
                $"The labeling backend returned a shard of {count} items from item {shard.FirstItem} x {part.FunctionCount} programs ({part.ClassCount} classes) for {_itemCount} items x {_columns.Length} programs ({_classCount} classes).");
        }

        int first = (int)shard.FirstItem;
        if (_columns.Length == _width && IsIdentity(_columns))
        {
            part.AsSpan().CopyTo(Votes[(first * _width)..]);
        }
        else
        {
            Span<sbyte> votes = Votes;
            for (int i = 0; i < count; i++)
            {
                ReadOnlySpan<sbyte> row = part.GetRow(i);
                int offset = (first + i) * _width;
                for (int c = 0; c < row.Length; c++)
                {
                    votes[offset + _columns[c]] = row[c];
                }
            }
        }

        for (int c = 0; c < _columns.Length; c++)
        {
            LabelingFunctionFaults f = shard.Faults[c];
            _seen[c] += f.ItemsSeen;
            _exceptions[c] += f.Exceptions;
            _invalid[c] += f.InvalidVotes;
            _quarantined[c] |= f.Quarantined;
            if (f.FirstError is { } message && (_firstErrors[c] is not { } current || shard.FirstItem < current.FirstItem))
            {
                // The first error of the run is that of the lowest shard that has one, whatever order the shards came in.
                _firstErrors[c] = (shard.FirstItem, message);
            }
        }

        _ranges.Add((shard.FirstItem, count));
        ItemsWritten += count;
    }

    /// <summary>Writes the votes of other columns, applied here, into the matrix.</summary>
    /// <param name="local">Their votes on every item.</param>
    /// <param name="columns">The matrix column of each column of <paramref name="local"/>.</param>
    public void AddColumns(LabelMatrix local, int[] columns)
    {
        Span<sbyte> votes = Votes;
        for (int i = 0; i < _itemCount; i++)
        {
            ReadOnlySpan<sbyte> row = local.GetRow(i);
            int offset = i * _width;
            for (int c = 0; c < row.Length; c++)
            {
                votes[offset + columns[c]] = row[c];
            }
        }
    }

    /// <summary>The matrix (with its spare room) and the backend's programs' faults, in the order they were given to it.</summary>
    /// <exception cref="InvalidOperationException">The shards do not cover every item exactly once.</exception>
    public (LabelMatrix Matrix, LabelingFunctionFaults[] Faults) Complete()
    {
        _ranges.Sort();
        long next = 0;
        foreach ((long first, int count) in _ranges)
        {
            if (first != next)
            {
                throw new InvalidOperationException(
                    first < next
                        ? $"The labeling backend returned item {first} in two shards; every item must be in exactly one."
                        : $"The labeling backend returned no shard for items {next} to {first - 1}; every item must be in exactly one.");
            }

            next += count;
        }

        if (next != _itemCount)
        {
            throw new InvalidOperationException($"The labeling backend returned shards for {next} items; the run has {_itemCount}.");
        }

        var faults = new LabelingFunctionFaults[_columns.Length];
        for (int c = 0; c < faults.Length; c++)
        {
            faults[c] = new LabelingFunctionFaults(_names[_columns[c]], _seen[c], _exceptions[c], _invalid[c], _quarantined[c], _firstErrors[c]?.Message);
        }

        LabelMatrix matrix = _mapped is null
            ? LabelMatrix.Wrap(_itemCount, _width, _classCount, _array!, _names)
            : LabelMatrix.Wrap(_itemCount, _width, _classCount, _mapped, _names);
        return (matrix, faults);
    }

    /// <summary>Releases the mapped file of a gathering that failed (no matrix was handed over); nothing for an array.</summary>
    public void Abandon() => _mapped?.Dispose();

    private static bool IsIdentity(int[] columns)
    {
        for (int c = 0; c < columns.Length; c++)
        {
            if (columns[c] != c)
            {
                return false;
            }
        }

        return true;
    }
}
