using System.Numerics;
using System.Runtime.CompilerServices;

namespace Alchemist;

/// <summary>Represents the features a trained end model knows: the hashed buckets seen in training (one column each, with its inverse document frequency) and, optionally, embedding dimensions after them.</summary>
/// <remarks>
/// <para>
/// A bucket never seen in training would get no weight, so it is dropped before rows are normalized (as a fixed
/// vocabulary does in TF-IDF). The hashed part of each row has unit length, and so has the embedding part before it is
/// scaled by the embedding scale.
/// </para>
/// <para>
/// The known buckets are a bit set over the hash space with, for every 64 buckets, the number of known buckets before
/// them: a bucket's rank among the known buckets is one count of bits away, and the columns are numbered in bucket
/// order (a saved model's other order goes through one more small array). That is 32 KB per million buckets where an
/// array of a column per bucket took 4 MB, so looking up the columns of a row stays in the processor's cache.
/// </para>
/// </remarks>
internal sealed class TextFeatureSpace
{
    private readonly int _hashBits;

    // Two values per 64 buckets: the bits of the known buckets, then the number of known buckets before them.
    private readonly ulong[] _knownBuckets;

    // The column of each known bucket by its rank, or null when columns are in bucket order (the rank is the column).
    private readonly int[]? _columnOfRank;
    private readonly float[] _idf;
    private readonly float _embeddingScale;

    private TextFeatureSpace(int hashBits, ulong[] knownBuckets, int[]? columnOfRank, float[] idf, int embeddingDimension, float embeddingScale)
    {
        _hashBits = hashBits;
        _knownBuckets = knownBuckets;
        _columnOfRank = columnOfRank;
        _idf = idf;
        EmbeddingDimension = embeddingDimension;
        _embeddingScale = embeddingScale;
    }

    /// <summary>Gets the number of hashed columns; 0 when the hashed features are not used.</summary>
    public int HashedCount => _idf.Length;

    /// <summary>Gets the number of embedding dimensions, 0 without embeddings.</summary>
    public int EmbeddingDimension { get; }

    /// <summary>Gets the number of columns: the hashed ones, then the embedding dimensions.</summary>
    public int ColumnCount => HashedCount + EmbeddingDimension;

    /// <summary>Gets the number of bits of the hash space the buckets come from.</summary>
    public int HashBits => _hashBits;

    /// <summary>Gets the inverse document frequency of each hashed column.</summary>
    public ReadOnlySpan<float> Idf => _idf;

    /// <summary>Gets the length the embedding part of a row is scaled to.</summary>
    public float EmbeddingScale => _embeddingScale;

    /// <summary>Gets the hash bucket of each hashed column, in column order.</summary>
    public int[] BucketsOfColumns()
    {
        var buckets = new int[HashedCount];
        int rank = 0;
        for (int word = 0; word < _knownBuckets.Length / 2; word++)
        {
            for (ulong bits = _knownBuckets[2 * word]; bits != 0; bits &= bits - 1)
            {
                int bucket = (word * 64) + BitOperations.TrailingZeroCount(bits);
                buckets[_columnOfRank is null ? rank : _columnOfRank[rank]] = bucket;
                rank++;
            }
        }

        return buckets;
    }

    /// <summary>Gets the column of a bucket, or -1 when the bucket was not seen in training.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ColumnOf(int bucket)
    {
        int word = 2 * (bucket >> 6);
        ulong bits = _knownBuckets[word];
        ulong bit = 1UL << bucket;
        if ((bits & bit) == 0)
        {
            return -1;
        }

        int rank = (int)_knownBuckets[word + 1] + BitOperations.PopCount(bits & (bit - 1));
        return _columnOfRank is null ? rank : _columnOfRank[rank];
    }

    /// <summary>Rebuilds a feature space from its parts (see <see cref="BucketsOfColumns"/>), as a saved model holds them.</summary>
    /// <exception cref="InvalidDataException">A bucket is outside the hash space or appears twice, or the lengths differ.</exception>
    public static TextFeatureSpace FromColumns(int hashBits, int[] bucketOfColumn, float[] idf, int embeddingDimension, float embeddingScale)
    {
        if (bucketOfColumn.Length != idf.Length)
        {
            throw new InvalidDataException($"The model file gives {bucketOfColumn.Length} hashed columns but {idf.Length} inverse document frequencies.");
        }

        int bucketCount = 1 << hashBits;
        var known = new ulong[2 * Math.Max(1, bucketCount / 64)];
        bool inBucketOrder = true;
        for (int column = 0; column < bucketOfColumn.Length; column++)
        {
            int bucket = bucketOfColumn[column];
            if ((uint)bucket >= (uint)bucketCount || (known[2 * (bucket >> 6)] & (1UL << bucket)) != 0)
            {
                throw new InvalidDataException($"The model file maps column {column} to hash bucket {bucket}, which is outside the {bucketCount} buckets or already taken.");
            }

            known[2 * (bucket >> 6)] |= 1UL << bucket;
            inBucketOrder &= column == 0 || bucket > bucketOfColumn[column - 1];
        }

        CountRanks(known);
        int[]? columnOfRank = null;
        if (!inBucketOrder)
        {
            var space = new TextFeatureSpace(hashBits, known, null, idf, embeddingDimension, embeddingScale);
            columnOfRank = new int[bucketOfColumn.Length];
            for (int column = 0; column < bucketOfColumn.Length; column++)
            {
                columnOfRank[space.ColumnOf(bucketOfColumn[column])] = column;
            }
        }

        return new TextFeatureSpace(hashBits, known, columnOfRank, idf, embeddingDimension, embeddingScale);
    }

    /// <summary>Builds the feature space of the training rows; <paramref name="raw"/> is <see langword="null"/> when the hashed features are not used.</summary>
    public static TextFeatureSpace Fit(SparseRows? raw, LogisticRegressionEndModelOptions options, int embeddingDimension)
    {
        int bucketCount = 1 << options.HashBits;
        var known = new ulong[2 * Math.Max(1, bucketCount / 64)];
        if (raw is null)
        {
            return new TextFeatureSpace(options.HashBits, known, null, [], embeddingDimension, (float)options.EmbeddingScale);
        }

        // Document frequency per bucket: each bucket appears at most once per row.
        var documentFrequency = new int[bucketCount];
        foreach (SparseRowBlock block in raw.Blocks)
        {
            foreach (int bucket in block.Indices.AsSpan(0, block.EntryCount))
            {
                documentFrequency[bucket]++;
            }
        }

        // Columns are numbered in bucket order, so a bucket's column is its rank among the known buckets.
        var idf = new List<float>();
        double n = raw.RowCount;
        for (int bucket = 0; bucket < documentFrequency.Length; bucket++)
        {
            if (documentFrequency[bucket] > 0)
            {
                known[2 * (bucket >> 6)] |= 1UL << bucket;
                idf.Add(options.UseInverseDocumentFrequency
                    ? (float)(Math.Log((1 + n) / (1 + documentFrequency[bucket])) + 1)
                    : 1f);
            }
        }

        CountRanks(known);
        return new TextFeatureSpace(options.HashBits, known, null, [.. idf], embeddingDimension, (float)options.EmbeddingScale);
    }

    /// <summary>Maps a raw row of (bucket, term frequency) to (column, weight) in place, dropping unseen buckets, weighting by IDF and scaling to unit length; returns the new length.</summary>
    /// <remarks>Training and prediction both go through here, so a text gets the same values in both.</remarks>
    public int TransformRow(Span<int> indices, Span<float> values)
    {
        int length = 0;
        for (int e = 0; e < indices.Length; e++)
        {
            int column = ColumnOf(indices[e]);
            if (column >= 0)
            {
                indices[length] = column;
                values[length++] = values[e];
            }
        }

        WeightKnownRow(indices[..length], values);
        return length;
    }

    /// <summary>Weights a row already in columns (<see cref="TransformRow"/>'s kept entries, or <see cref="HashedTextFeaturizer.FeaturizeKnownColumns"/>'s row) by IDF and scales it to unit length, in place.</summary>
    public void WeightKnownRow(ReadOnlySpan<int> columns, Span<float> values)
    {
        double sumOfSquares = 0;
        for (int e = 0; e < columns.Length; e++)
        {
            float value = values[e] * _idf[columns[e]];
            values[e] = value;
            sumOfSquares += value * value;
        }

        if (sumOfSquares > 0)
        {
            float scale = (float)(1 / Math.Sqrt(sumOfSquares));
            foreach (ref float value in values[..columns.Length])
            {
                value *= scale;
            }
        }
    }

    /// <summary>Transforms the raw training rows in place (see <see cref="TransformRow"/>), block by block in parallel.</summary>
    public void TransformInPlace(SparseRows raw, int? maxDegreeOfParallelism, CancellationToken cancellationToken)
    {
        var parallelOptions = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = maxDegreeOfParallelism ?? -1 };
        Parallel.For(0, raw.Blocks.Length, parallelOptions, b =>
        {
            SparseRowBlock block = raw.Blocks[b];
            int[] starts = block.RowStarts;
            int write = 0;
            for (int row = 0; row < block.RowCount; row++)
            {
                int start = starts[row];
                int length = TransformRow(block.Indices.AsSpan(start, starts[row + 1] - start), block.Values.AsSpan(start, starts[row + 1] - start));

                // Rows only shrink, so compacting towards the start of the block never overwrites unread entries.
                block.Indices.AsSpan(start, length).CopyTo(block.Indices.AsSpan(write));
                block.Values.AsSpan(start, length).CopyTo(block.Values.AsSpan(write));
                starts[row] = write;
                write += length;
            }

            starts[block.RowCount] = write;
        });
    }

    /// <summary>Scales an embedding to unit length times the embedding scale, into <paramref name="destination"/> (which may be the source).</summary>
    public void NormalizeEmbedding(ReadOnlySpan<float> embedding, Span<float> destination)
    {
        double sumOfSquares = 0;
        foreach (float value in embedding)
        {
            sumOfSquares += value * value;
        }

        float scale = sumOfSquares > 0 ? (float)(_embeddingScale / Math.Sqrt(sumOfSquares)) : 0f;
        for (int d = 0; d < embedding.Length; d++)
        {
            destination[d] = embedding[d] * scale;
        }
    }

    /// <summary>Normalizes every embedding of a row-major array in place.</summary>
    public void NormalizeEmbeddings(float[] embeddings)
    {
        for (int start = 0; start + EmbeddingDimension <= embeddings.Length && EmbeddingDimension > 0; start += EmbeddingDimension)
        {
            Span<float> row = embeddings.AsSpan(start, EmbeddingDimension);
            NormalizeEmbedding(row, row);
        }
    }

    /// <summary>Writes, after the bits of each 64 buckets, the number of known buckets before them.</summary>
    private static void CountRanks(ulong[] known)
    {
        ulong before = 0;
        for (int word = 0; word < known.Length; word += 2)
        {
            known[word + 1] = before;
            before += (ulong)BitOperations.PopCount(known[word]);
        }
    }
}
