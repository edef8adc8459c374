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

    public EndModelTrainingReport TrainingReport { get; }

    public async ValueTask<ClassProbabilities> PredictProbabilitiesAsync(IReadOnlyList<TItem> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        float[]? embeddings = null;
        if (_embeddingGenerator is not null && _space.EmbeddingDimension > 0)
        {
            string[] texts = [.. items.Select(item => _textSelector(item) ?? string.Empty)];
            (embeddings, _) = await EmbeddingFeatures.GenerateAsync(_embeddingGenerator, texts, _options.EmbeddingBatchSize, _space.EmbeddingDimension, cancellationToken).ConfigureAwait(false);
        }

        SparseRows raw = _featurizer.Featurize(items, _textSelector, _options.MaxDegreeOfParallelism, cancellationToken);
        SparseRows rows = _space.Transform(raw, embeddings);
        int k = ClassCount;
        var probabilities = new double[(long)rows.RowCount * k];
        var parallelOptions = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism ?? -1 };
        Parallel.For(0, (rows.RowCount + 4095) / 4096, parallelOptions, block =>
        {
            int end = Math.Min(rows.RowCount, (block + 1) * 4096);
            for (int i = block * 4096; i < end; i++)
            {
                Span<double> row = probabilities.AsSpan(i * k, k);
                SoftmaxObjective.Score(rows, i, _weights, _intercepts, row);
                SoftmaxObjective.Softmax(row);
            }
        });

        return new ClassProbabilities(rows.RowCount, k, probabilities);
    }
}
