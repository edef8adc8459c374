using System.Security.Cryptography;

namespace Alchemist;

/// <summary>
/// A streaming backend that can also predict a streamed run's items with the trained end model where its shards run
/// (on a cluster's silos): the run ships the model once as bytes (<see cref="ShippedEndModel"/>), sends the items
/// shard by shard, and gets back each shard's class probabilities; ties are broken and the labels written here, in item
/// order, so the labels are those of a prediction in this process (see docs/orleans.md).
/// </summary>
/// <remarks>Internal: the seam between Core and <c>Alchemist.Orleans</c>, which sees it as a friend assembly.</remarks>
internal interface IShardPredictingBackend
{
    /// <summary>Opens a prediction pass with a shipped model.</summary>
    /// <param name="model">The model's bytes, their SHA-256 and its class count.</param>
    /// <returns>The pass, which predicts shards of items with that model; or <see langword="null"/> when the backend is set not to predict, and the run predicts in its own process.</returns>
    IShardPredictor? OpenPredictor(ShippedEndModel model);
}

/// <summary>A prediction pass of one run on a backend (<see cref="IShardPredictingBackend.OpenPredictor"/>).</summary>
internal interface IShardPredictor
{
    /// <summary>Gets the most items in one shard: a chunk of the run's items larger than this is sent as several shards.</summary>
    int ShardSize { get; }

    /// <summary>Gets the most shards the run should have out at once.</summary>
    int MaxInFlight { get; }

    /// <summary>Predicts one shard's items, trying again elsewhere when the call is lost.</summary>
    /// <param name="shard">The shard's index in the pass (for its grain's key and messages).</param>
    /// <param name="items">The items; the array is the backend's to send.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The class probabilities, <c>items x classes</c>, row-major: those the model gives in this process, bit for bit.</returns>
    Task<double[]> PredictAsync(int shard, string[] items, CancellationToken cancellationToken);
}

/// <summary>A trained end model as bytes another process can load: the built-in logistic regression's saved file (<see cref="LogisticRegressionEndModel{TItem}.SaveAsync"/>).</summary>
/// <param name="Bytes">The saved model.</param>
/// <param name="Hash">The SHA-256 of <paramref name="Bytes"/>, lower-case hexadecimal: what a silo caches the loaded model by, and checks.</param>
/// <param name="ClassCount">The number of classes it predicts.</param>
internal sealed record ShippedEndModel(byte[] Bytes, string Hash, int ClassCount)
{
    /// <summary>Computes the hash a shipped model is named by.</summary>
    public static string HashOf(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>
    /// Ships a trained model when another process can rebuild it to predict exactly as it does: a model of the built-in
    /// <see cref="LogisticRegressionEndModel{TItem}"/> over plain text (<see cref="LogisticRegressionEndModel.ForText"/>,
    /// whose text selector another process has too) and without embedding features (the generator stays here).
    /// </summary>
    /// <returns>The shipped model, or <see langword="null"/> when it cannot be shipped (a host's own end model, another text selector, embeddings).</returns>
    public static ShippedEndModel? TryShip<TItem>(ITrainedEndModel<TItem> model) =>
        model is TrainedLogisticRegression<string> trained && trained.ReadsPlainText && trained.Space.EmbeddingDimension == 0 && !trained.HasEmbeddingGenerator
            ? Of(LogisticRegressionModelFile.Write(trained), trained.ClassCount)
            : null;

    private static ShippedEndModel Of(byte[] bytes, int classCount) => new(bytes, HashOf(bytes), classCount);
}
