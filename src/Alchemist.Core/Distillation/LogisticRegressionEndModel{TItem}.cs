using System.Diagnostics;
using Microsoft.Extensions.AI;

namespace Alchemist;

/// <summary>The default end model: multinomial logistic regression over hashed word and character n-grams (TF-IDF weighted, unit-length rows), with an L2 penalty, trained by a deterministic L-BFGS.</summary>
/// <typeparam name="TItem">The type of item; its text comes from the selector given to the constructor.</typeparam>
/// <remarks>
/// <para>
/// Training minimizes the weighted cross-entropy between the targets of an <see cref="EndModelTrainingSet{TItem}"/> and
/// the model's distributions, so soft labels, confidence weights and one-hot seed labels all train the same model.
/// Classes are weighted against each other as <see cref="LogisticRegressionEndModelOptions.ClassWeighting"/> says
/// (balanced by default, for a rare class scored by F1). Features are hashed n-grams; only the buckets seen in training
/// get a weight, so the hash space can be large at no cost.
/// </para>
/// <para>
/// When an <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> is given, its vectors are appended to (or, with
/// <see cref="LogisticRegressionEndModelOptions.KeepHashedFeaturesWithEmbeddings"/> off, replace) the hashed features, for
/// training and prediction alike, so a local embedding model improves the end model without code changes.
/// </para>
/// <para>
/// There is no randomness: the same training set and options give the same model, bit for bit, whatever the number of
/// threads. The hot loops run over flat arrays and allocate nothing per item. Instances are immutable and thread-safe.
/// </para>
/// </remarks>
public sealed class LogisticRegressionEndModel<TItem> : IEndModel<TItem>
{
    /// <summary>The name of this end model: <c>"logistic-regression"</c>.</summary>
    public const string ModelName = "logistic-regression";

    private readonly Func<TItem, string?> _textSelector;
    private readonly LogisticRegressionEndModelOptions _options;
    private readonly IEmbeddingGenerator<string, Embedding<float>>? _embeddingGenerator;

    /// <summary>Initializes a new instance of the <see cref="LogisticRegressionEndModel{TItem}"/> class.</summary>
    /// <param name="textSelector">Gets the text of an item; <see langword="null"/> is read as empty.</param>
    /// <param name="options">The options; the defaults when <see langword="null"/>. Validated here; each training reads them as they are when it starts.</param>
    /// <param name="embeddingGenerator">A generator of text embeddings to use as features, or <see langword="null"/> for hashed features only.</param>
    /// <exception cref="ArgumentNullException"><paramref name="textSelector"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public LogisticRegressionEndModel(Func<TItem, string?> textSelector, LogisticRegressionEndModelOptions? options = null, IEmbeddingGenerator<string, Embedding<float>>? embeddingGenerator = null)
    {
        ArgumentNullException.ThrowIfNull(textSelector);
        _textSelector = textSelector;
        _options = OptionsValidation.ThrowIfInvalid(new LogisticRegressionEndModelOptionsValidator(), options ?? new LogisticRegressionEndModelOptions(), nameof(options));
        _embeddingGenerator = embeddingGenerator;
    }

    /// <inheritdoc />
    public string Name => ModelName;

    /// <summary>Gets the options the model trains with.</summary>
    internal LogisticRegressionEndModelOptions Options => _options;

    /// <summary>Saves a model this class trained, so that <see cref="LoadAsync"/> can rebuild it in another process.</summary>
    /// <param name="model">A model returned by <see cref="TrainAsync"/> (or <see cref="LoadAsync"/>) of a <see cref="LogisticRegressionEndModel{TItem}"/>, such as <see cref="LabelingRun{TItem}.TrainedEndModel"/> with the default end model.</param>
    /// <param name="destination">The stream to write to; it is left open.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the model is written.</returns>
    /// <remarks>
    /// The file holds what prediction needs (the featurization options, the hashed columns with their inverse document
    /// frequencies, the weights) and the training report, followed by a SHA-256 of its contents; a few megabytes for
    /// ten thousand texts. It holds no text of any item and no delegate: the text selector, and the embedding generator
    /// when the model was trained with one, are those of the instance that loads it.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="destination"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="model"/> was not trained by a <see cref="LogisticRegressionEndModel{TItem}"/>.</exception>
    public async Task SaveAsync(ITrainedEndModel<TItem> model, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(destination);
        if (model is not TrainedLogisticRegression<TItem> trained)
        {
            throw new ArgumentException($"Only models trained by a LogisticRegressionEndModel can be saved by it; this one is a {model.GetType().Name} from '{model.TrainingReport.ModelName}'.", nameof(model));
        }

        byte[] bytes = LogisticRegressionModelFile.Write(trained);
        await destination.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Loads a model saved by <see cref="SaveAsync"/>: it predicts exactly as the saved model did, reading each item's text with this instance's selector.</summary>
    /// <param name="source">The stream to read the whole model from; it is left open.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The model.</returns>
    /// <remarks>
    /// Featurization comes from the file, not from this instance's options, since the weights belong to it; this
    /// instance gives the text selector, the embedding generator, and the prediction-time options
    /// (<see cref="LogisticRegressionEndModelOptions.EmbeddingBatchSize"/>, <see cref="LogisticRegressionEndModelOptions.MaxDegreeOfParallelism"/>).
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDataException">The stream is not a saved model of this format version, is cut short, or was changed.</exception>
    /// <exception cref="InvalidOperationException">The model was trained with embedding features and this instance has no embedding generator.</exception>
    public async Task<ITrainedEndModel<TItem>> LoadAsync(Stream source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var buffer = new MemoryStream();
        await source.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        LogisticRegressionModelFile.Contents contents = LogisticRegressionModelFile.Read(buffer.ToArray(), _options);
        if (contents.Space.EmbeddingDimension > 0 && _embeddingGenerator is null)
        {
            throw new InvalidOperationException($"The saved model was trained with {contents.Space.EmbeddingDimension}-dimensional embedding features; load it with a LogisticRegressionEndModel given the same embedding generator.");
        }

        var featurizer = new HashedTextFeaturizer(contents.Featurization);
        return new TrainedLogisticRegression<TItem>(_textSelector, contents.Featurization, featurizer, contents.Space, _embeddingGenerator, contents.Parameters, contents.ClassCount, contents.Report);
    }

    /// <inheritdoc />
    public async ValueTask<ITrainedEndModel<TItem>> TrainAsync(EndModelTrainingSet<TItem> trainingSet, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trainingSet);
        long started = Stopwatch.GetTimestamp();
        // The trained model keeps the options it was trained with, whatever happens to this model's options later.
        LogisticRegressionEndModelOptions options = _options.Snapshot();
        (TItem[] items, double[] scaledTargets, double[] classWeights) = ScaledTargets(trainingSet, options.ClassWeighting, options.ShiftIntercepts);
        if (items.Length == 0)
        {
            throw new ArgumentException("The training set has no item with a positive weight; give at least one labeled item.", nameof(trainingSet));
        }

        int k = trainingSet.ClassCount;
        float[]? embeddings = null;
        int embeddingDimension = 0;
        if (_embeddingGenerator is not null)
        {
            string[] texts = [.. items.Select(item => _textSelector(item) ?? string.Empty)];
            (embeddings, embeddingDimension) = await EmbeddingFeatures.GenerateAsync(_embeddingGenerator, texts, options.EmbeddingBatchSize, expectedDimension: null, cancellationToken).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var featurizer = new HashedTextFeaturizer(options);
        bool keepHashed = embeddings is null || options.KeepHashedFeaturesWithEmbeddings;
        SparseRows? rows = keepHashed ? featurizer.Featurize(items, _textSelector, options.MaxDegreeOfParallelism, cancellationToken) : null;
        var space = TextFeatureSpace.Fit(rows, options, embeddingDimension);
        if (rows is not null)
        {
            space.TransformInPlace(rows, options.MaxDegreeOfParallelism, cancellationToken);
        }

        if (embeddings is not null)
        {
            space.NormalizeEmbeddings(embeddings);
        }

        var objective = new SoftmaxObjective(rows, space.HashedCount, embeddings, embeddingDimension, items.Length, k, scaledTargets, options.L2, options.MaxDegreeOfParallelism);
        var parameters = new double[objective.Dimension];
        LbfgsMinimizerResult result = new LbfgsMinimizer(options.HistorySize, options.MaxIterations, options.Tolerance).Minimize(objective, parameters, cancellationToken);
        if (options.ShiftIntercepts)
        {
            // Prior-shift correction: scaling class c's likelihood by w[c] adds ln w[c] to its score.
            for (int c = 0; c < k; c++)
            {
                parameters[(space.ColumnCount * k) + c] += classWeights[c] > 0 ? Math.Log(classWeights[c]) : 0;
            }
        }
        var report = new EndModelTrainingReport
        {
            ModelName = ModelName,
            ItemCount = items.Length,
            FeatureCount = space.ColumnCount,
            Iterations = result.Iterations,
            Converged = result.Converged,
            Objective = result.Value,
            Elapsed = Stopwatch.GetElapsedTime(started),
        };
        return new TrainedLogisticRegression<TItem>(_textSelector, options, featurizer, space, _embeddingGenerator, parameters, k, report);
    }

    /// <summary>Keeps the items with a positive weight and computes their item-weight times class-weight times target values.</summary>
    internal static (TItem[] Items, double[] ScaledTargets, double[] ClassWeights) ScaledTargets(EndModelTrainingSet<TItem> trainingSet, EndModelClassWeighting weighting, bool shiftIntercepts)
    {
        int k = trainingSet.ClassCount;
        ReadOnlySpan<double> weights = trainingSet.WeightSpan;
        ReadOnlySpan<double> targets = trainingSet.TargetSpan;
        var classMass = new double[k];
        int kept = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            if (weights[i] > 0)
            {
                kept++;
                for (int c = 0; c < k; c++)
                {
                    classMass[c] += weights[i] * targets[(i * k) + c];
                }
            }
        }

        double total = classMass.Sum();
        IReadOnlyList<double> balance = trainingSet.ClassBalance ?? [.. classMass.Select(m => m / total)];
        double[] targetShares = [.. balance.Select(p => weighting switch
        {
            EndModelClassWeighting.Balanced => 1.0,
            EndModelClassWeighting.SquareRootBalanced => Math.Sqrt(p),
            _ => p,
        })];
        double shareSum = targetShares.Sum();
        var classWeights = new double[k];
        for (int c = 0; c < k; c++)
        {
            // The weight that turns the population's balance into the target share. It does not depend on how skewed
            // the training mass is: the covered items are selected by their features, which the model sees, so that
            // skew is no bias to undo (and undoing it would tilt every uncovered item of the over-covered classes).
            classWeights[c] = weighting == EndModelClassWeighting.None || classMass[c] <= 0
                ? (classMass[c] > 0 ? 1.0 : 0)
                : targetShares[c] / shareSum / balance[c];
        }

        var items = new TItem[kept];
        var scaled = new double[kept * k];
        int row = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            if (weights[i] > 0)
            {
                items[row] = trainingSet.Items[i];
                for (int c = 0; c < k; c++)
                {
                    scaled[(row * k) + c] = weights[i] * (shiftIntercepts ? 1.0 : classWeights[c]) * targets[(i * k) + c];
                }

                row++;
            }
        }

        return (items, scaled, classWeights);
    }
}
