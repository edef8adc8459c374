namespace Alchemist;

/// <summary>
/// Gathers a streaming backend's shards (<see cref="IStreamingLabelingBackend"/>) into a streamed run's one label
/// matrix, sized once for the source's count with room for spare columns, as the local streamed applier sizes its own:
/// each shard's votes are written into their rows and columns as it comes back, and the programs' faults summed.
/// </summary>
internal sealed class ShardGather
{
    private readonly int _itemCount;
    private readonly int _width;
    private readonly int _classCount;
    private readonly int[] _columns;
    private readonly string[] _names;
    private readonly sbyte[] _votes;
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
    public ShardGather(int itemCount, string[] names, int[] columns, int spareColumns, int classCount)
    {
        _itemCount = itemCount;
        _width = names.Length;
        _names = names;
        _columns = columns;
        _classCount = classCount;
        _votes = AllocateVotes(itemCount, _width, spareColumns);
        int r = columns.Length;
        _seen = new long[r];
        _exceptions = new long[r];
        _invalid = new long[r];
        _quarantined = new bool[r];
        _firstErrors = new (long, string)?[r];
    }

    /// <summary>Gets the number of items written so far.</summary>
    public long ItemsWritten { get; private set; }

    /// <summary>
    /// Allocates the votes of a streamed run's matrix: <c>n x (m + spare)</c> bytes, the spare room for a column appended
    /// in place. The one allocation of the matrix of a streamed run with a backend, the place a label matrix stored
    /// elsewhere (a file) would be made instead.
    /// </summary>
    internal static sbyte[] AllocateVotes(int itemCount, int functionCount, int spareColumns) =>
        new sbyte[checked((long)itemCount * (functionCount + spareColumns))];

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
            part.AsSpan().CopyTo(_votes.AsSpan(first * _width));
        }
        else
        {
            for (int i = 0; i < count; i++)
            {
                ReadOnlySpan<sbyte> row = part.GetRow(i);
                int offset = (first + i) * _width;
                for (int c = 0; c < row.Length; c++)
                {
                    _votes[offset + _columns[c]] = row[c];
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
        for (int i = 0; i < _itemCount; i++)
        {
            ReadOnlySpan<sbyte> row = local.GetRow(i);
            int offset = i * _width;
            for (int c = 0; c < row.Length; c++)
            {
                _votes[offset + columns[c]] = row[c];
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

        return (LabelMatrix.Wrap(_itemCount, _width, _classCount, _votes, _names), faults);
    }

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
