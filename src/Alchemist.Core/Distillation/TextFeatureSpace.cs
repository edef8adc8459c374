namespace Alchemist;

/// <summary>Represents the features a trained end model knows: the hashed buckets seen in training (one column each, with its inverse document frequency) and, optionally, embedding dimensions after them.</summary>
/// <remarks>
/// <para>
/// A bucket never seen in training would get no weight, so it is dropped before rows are normalized (as a fixed
/// vocabulary does in TF-IDF). The hashed part of each row has unit length, and so has the embedding part before it is
/// scaled by the embedding scale.
/// </para>
/// </remarks>
internal sealed class TextFeatureSpace
{
    private readonly int[] _columnOfBucket;
    private readonly float[] _idf;
    private readonly float _embeddingScale;

    private TextFeatureSpace(int[] columnOfBucket, float[] idf, int embeddingDimension, float embeddingScale)
    {
        _columnOfBucket = columnOfBucket;
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
    public int HashBits => System.Numerics.BitOperations.Log2((uint)_columnOfBucket.Length);

    /// <summary>Gets the inverse document frequency of each hashed column.</summary>
    public ReadOnlySpan<float> Idf => _idf;

    /// <summary>Gets the length the embedding part of a row is scaled to.</summary>
    public float EmbeddingScale => _embeddingScale;

    /// <summary>Gets the hash bucket of each hashed column, in column order.</summary>
    public int[] BucketsOfColumns()
    {
        var buckets = new int[HashedCount];
        for (int bucket = 0; bucket < _columnOfBucket.Length; bucket++)
        {
            if (_columnOfBucket[bucket] >= 0)
            {
                buckets[_columnOfBucket[bucket]] = bucket;
            }
        }

        return buckets;
    }

    /// <summary>Rebuilds a feature space from its parts (see <see cref="BucketsOfColumns"/>), as a saved model holds them.</summary>
    /// <exception cref="InvalidDataException">A bucket is outside the hash space or appears twice, or the lengths differ.</exception>
    public static TextFeatureSpace FromColumns(int hashBits, int[] bucketOfColumn, float[] idf, int embeddingDimension, float embeddingScale)
    {
        if (bucketOfColumn.Length != idf.Length)
        {
            throw new InvalidDataException($"The model file gives {bucketOfColumn.Length} hashed columns but {idf.Length} inverse document frequencies.");
        }

        var columnOfBucket = new int[1 << hashBits];
        Array.Fill(columnOfBucket, -1);
        for (int column = 0; column < bucketOfColumn.Length; column++)
        {
            int bucket = bucketOfColumn[column];
            if ((uint)bucket >= (uint)columnOfBucket.Length || columnOfBucket[bucket] >= 0)
            {
                throw new InvalidDataException($"The model file maps column {column} to hash bucket {bucket}, which is outside the {columnOfBucket.Length} buckets or already taken.");
            }

            columnOfBucket[bucket] = column;
        }

        return new TextFeatureSpace(columnOfBucket, idf, embeddingDimension, embeddingScale);
    }

    /// <summary>Builds the feature space of the training rows; <paramref name="raw"/> is <see langword="null"/> when the hashed features are not used.</summary>
    public static TextFeatureSpace Fit(SparseRows? raw, LogisticRegressionEndModelOptions options, int embeddingDimension)
    {
        var columnOfBucket = new int[1 << options.HashBits];
        Array.Fill(columnOfBucket, -1);
        if (raw is null)
        {
            return new TextFeatureSpace(columnOfBucket, [], embeddingDimension, (float)options.EmbeddingScale);
        }

        // Document frequency per bucket: each bucket appears at most once per row.
        var documentFrequency = new int[columnOfBucket.Length];
        foreach (SparseRowBlock block in raw.Blocks)
        {
            foreach (int bucket in block.Indices.AsSpan(0, block.EntryCount))
            {
                documentFrequency[bucket]++;
            }
        }

        int columns = 0;
        for (int bucket = 0; bucket < documentFrequency.Length; bucket++)
        {
            if (documentFrequency[bucket] > 0)
            {
                columnOfBucket[bucket] = columns++;
            }
        }

        var idf = new float[columns];
        double n = raw.RowCount;
        for (int bucket = 0; bucket < documentFrequency.Length; bucket++)
        {
            int column = columnOfBucket[bucket];
            if (column >= 0)
            {
                idf[column] = options.UseInverseDocumentFrequency
                    ? (float)(Math.Log((1 + n) / (1 + documentFrequency[bucket])) + 1)
                    : 1f;
            }
        }

        return new TextFeatureSpace(columnOfBucket, idf, embeddingDimension, (float)options.EmbeddingScale);
    }

    /// <summary>Maps a raw row of (bucket, term frequency) to (column, weight) in place, dropping unseen buckets, weighting by IDF and scaling to unit length; returns the new length.</summary>
    /// <remarks>Training and prediction both go through here, so a text gets the same values in both.</remarks>
    public int TransformRow(Span<int> indices, Span<float> values)
    {
        int length = 0;
        double sumOfSquares = 0;
        for (int e = 0; e < indices.Length; e++)
        {
            int column = _columnOfBucket[indices[e]];
            if (column >= 0)
            {
                float value = values[e] * _idf[column];
                indices[length] = column;
                values[length++] = value;
                sumOfSquares += value * value;
            }
        }

        if (sumOfSquares > 0)
        {
            float scale = (float)(1 / Math.Sqrt(sumOfSquares));
            foreach (ref float value in values[..length])
            {
                value *= scale;
            }
        }

        return length;
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
}
