using Microsoft.Extensions.AI;

namespace Alchemist;

/// <summary>A multinomial logistic regression trained by <see cref="LogisticRegressionEndModel{TItem}"/>.</summary>
/// <typeparam name="TItem">The type of item.</typeparam>
internal sealed class TrainedLogisticRegression<TItem> : ITrainedEndModel<TItem>
{
    private readonly Func<TItem, string?> _textSelector;
    private readonly LogisticRegressionEndModelOptions _options;
    private readonly HashedTextFeaturizer _featurizer;
    private readonly TextFeatureSpace _space;
    private readonly IEmbeddingGenerator<string, Embedding<float>>? _embeddingGenerator;
    private readonly double[] _weights;
    private readonly double[] _intercepts;

    public TrainedLogisticRegression(
        Func<TItem, string?> textSelector,
        LogisticRegressionEndModelOptions options,
        HashedTextFeaturizer featurizer,
        TextFeatureSpace space,
        IEmbeddingGenerator<string, Embedding<float>>? embeddingGenerator,
        double[] parameters,
        int classCount,
        EndModelTrainingReport report)
    {
        _textSelector = textSelector;
        _options = options;
        _featurizer = featurizer;
        _space = space;
        _embeddingGenerator = embeddingGenerator;
        ClassCount = classCount;
        _weights = parameters[..(space.ColumnCount * classCount)];
        _intercepts = parameters[(space.ColumnCount * classCount)..];
        TrainingReport = report;
    }

    public int ClassCount { get; }

    /// <summary>Gets the options it was trained with (featurization) and predicts with (batch size, parallelism).</summary>
    internal LogisticRegressionEndModelOptions Options => _options;

    /// <summary>Gets a value indicating whether the model reads each item as its own text (<see cref="LogisticRegressionEndModel.PlainText"/>), so another process can rebuild it.</summary>
    internal bool ReadsPlainText => ReferenceEquals(_textSelector, LogisticRegressionEndModel.PlainText);

    /// <summary>Gets a value indicating whether the model was given an embedding generator.</summary>
    internal bool HasEmbeddingGenerator => _embeddingGenerator is not null;

    /// <summary>Gets the feature space.</summary>
    internal TextFeatureSpace Space => _space;

    /// <summary>Gets the weights, column by column, one per class.</summary>
    internal ReadOnlySpan<double> Weights => _weights;

    /// <summary>Gets the intercepts, one per class.</summary>
    internal ReadOnlySpan<double> Intercepts => _intercepts;

    public EndModelTrainingReport TrainingReport { get; }

    public async ValueTask<ClassProbabilities> PredictProbabilitiesAsync(IReadOnlyList<TItem> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        // The generator's vectors are kept as they come (a reference each), and each is normalized into a per-thread buffer as its row is scored.
        ReadOnlyMemory<float>[]? embeddings = null;
        if (_embeddingGenerator is not null && _space.EmbeddingDimension > 0)
        {
            string[] texts = [.. items.Select(item => _textSelector(item) ?? string.Empty)];
            embeddings = await EmbeddingFeatures.GenerateVectorsAsync(_embeddingGenerator, texts, _options.EmbeddingBatchSize, _space.EmbeddingDimension, cancellationToken).ConfigureAwait(false);
        }

        // Each row is featurized, transformed and scored on the spot with per-thread buffers: no feature matrix is built.
        int k = ClassCount;
        int dimension = _space.EmbeddingDimension;
        bool hashed = _space.HashedCount > 0;
        var probabilities = new double[(long)items.Count * k];
        var parallelOptions = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism ?? -1 };
        Parallel.For(0, SparseRows.BlockCount(items.Count), parallelOptions, () => (new HashedTextFeaturizer.Scratch(), new float[dimension]), (block, _, local) =>
        {
            (HashedTextFeaturizer.Scratch scratch, float[] dense) = local;
            int end = Math.Min(items.Count, (block + 1) * SparseRows.RowsPerBlock);
            for (int i = block * SparseRows.RowsPerBlock; i < end; i++)
            {
                int length = 0;
                if (hashed)
                {
                    // Only the buckets the model knows are counted: the row TransformRow would keep, in its order.
                    length = _featurizer.FeaturizeKnownColumns(_textSelector(items[i]), scratch, _space);
                    _space.WeightKnownRow(scratch.Buckets.AsSpan(0, length), scratch.Counts.AsSpan(0, length));
                }

                if (dimension > 0)
                {
                    _space.NormalizeEmbedding(embeddings![i].Span, dense);
                }

                Span<double> row = probabilities.AsSpan(i * k, k);
                LinearScores.Score(scratch.Buckets.AsSpan(0, length), scratch.Counts.AsSpan(0, length), dense, _space.HashedCount, _weights, _intercepts, row);
                LinearScores.Softmax(row);
            }

            return local;
        }, static _ => { });

        return new ClassProbabilities(items.Count, k, probabilities);
    }
}
