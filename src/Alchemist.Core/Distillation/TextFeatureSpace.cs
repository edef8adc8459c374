namespace Alchemist;

/// <summary>Represents the features a trained end model knows: the hashed buckets seen in training (one column each, with its inverse document frequency) and, optionally, embedding dimensions after them.</summary>
/// <remarks>
/// A bucket never seen in training would get no weight, so it is dropped before rows are normalized (as a fixed
/// vocabulary does in TF-IDF). The hashed part of each row has unit length, and so has the embedding part before it is
/// scaled by the embedding scale.
/// </remarks>
internal sealed class TextFeatureSpace
{
    private readonly int[] _columnOfBucket;
    private readonly float[] _idf;
    private readonly bool _keepHashed;
    private readonly float _embeddingScale;

    private TextFeatureSpace(int[] columnOfBucket, float[] idf, int embeddingDimension, bool keepHashed, float embeddingScale)
    {
        _columnOfBucket = columnOfBucket;
        _idf = idf;
        EmbeddingDimension = embeddingDimension;
        _keepHashed = keepHashed;
        _embeddingScale = embeddingScale;
    }

    /// <summary>Gets the number of hashed columns.</summary>
    public int HashedCount => _keepHashed ? _idf.Length : 0;

    /// <summary>Gets the number of embedding dimensions, 0 without embeddings.</summary>
    public int EmbeddingDimension { get; }

    /// <summary>Gets the number of columns.</summary>
    public int ColumnCount => HashedCount + EmbeddingDimension;

    /// <summary>Builds the feature space of the training rows.</summary>
    public static TextFeatureSpace Fit(SparseRows raw, LogisticRegressionEndModelOptions options, int embeddingDimension)
    {
        bool keepHashed = embeddingDimension == 0 || options.KeepHashedFeaturesWithEmbeddings;
        var columnOfBucket = new int[1 << options.HashBits];
        Array.Fill(columnOfBucket, -1);
        if (!keepHashed)
        {
            return new TextFeatureSpace(columnOfBucket, [], embeddingDimension, keepHashed, (float)options.EmbeddingScale);
        }

        // Document frequency per bucket: each bucket appears at most once per row.
        var documentFrequency = new int[columnOfBucket.Length];
        foreach (int bucket in raw.Indices.AsSpan(0, raw.EntryCount))
        {
            documentFrequency[bucket]++;
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

        return new TextFeatureSpace(columnOfBucket, idf, embeddingDimension, keepHashed, (float)options.EmbeddingScale);
    }

    /// <summary>Maps raw rows (and embeddings, row-major, when the space has them) to weighted, normalized rows of columns.</summary>
    public SparseRows Transform(SparseRows raw, float[]? embeddings)
    {
        int n = raw.RowCount;
        var rowStarts = new int[n + 1];
        long capacity = (_keepHashed ? raw.EntryCount : 0) + ((long)n * EmbeddingDimension);
        var indices = new int[checked((int)capacity)];
        var values = new float[indices.Length];
        int offset = 0;
        for (int i = 0; i < n; i++)
        {
            if (_keepHashed)
            {
                int start = offset;
                double sumOfSquares = 0;
                for (int e = raw.RowStarts[i]; e < raw.RowStarts[i + 1]; e++)
                {
                    int column = _columnOfBucket[raw.Indices[e]];
                    if (column >= 0)
                    {
                        float value = raw.Values[e] * _idf[column];
                        indices[offset] = column;
                        values[offset++] = value;
                        sumOfSquares += value * value;
                    }
                }

                if (sumOfSquares > 0)
                {
                    float scale = (float)(1 / Math.Sqrt(sumOfSquares));
                    for (int e = start; e < offset; e++)
                    {
                        values[e] *= scale;
                    }
                }
            }

            if (EmbeddingDimension > 0)
            {
                ReadOnlySpan<float> embedding = embeddings.AsSpan(i * EmbeddingDimension, EmbeddingDimension);
                double sumOfSquares = 0;
                foreach (float value in embedding)
                {
                    sumOfSquares += value * value;
                }

                float scale = sumOfSquares > 0 ? (float)(_embeddingScale / Math.Sqrt(sumOfSquares)) : 0f;
                for (int d = 0; d < embedding.Length; d++)
                {
                    indices[offset] = HashedCount + d;
                    values[offset++] = embedding[d] * scale;
                }
            }

            rowStarts[i + 1] = offset;
        }

        if (offset < indices.Length)
        {
            Array.Resize(ref indices, offset);
            Array.Resize(ref values, offset);
        }

        return new SparseRows(rowStarts, indices, values);
    }
}
