using Orleans;

namespace Alchemist;

/// <summary>A shard of a run's items to predict with the run's trained end model, loaded once per silo by the <see cref="ShardModelCache"/>.</summary>
/// <remarks>Each attempt at a shard is a grain of its own (its key names the run's prediction pass, the shard and the attempt), so a shard whose silo was lost runs again wherever placement puts the new attempt.</remarks>
[Alias("alchemist.IPredictionShardGrain")]
internal interface IPredictionShardGrain : IGrainWithStringKey
{
    /// <summary>Predicts the shard's items with the model.</summary>
    /// <param name="work">The model's hash (and its bytes, when the silo asked for them), the items and the class count.</param>
    /// <returns>The probabilities, or <see langword="null"/> values when the silo does not have the model and the bytes were not sent.</returns>
    [Alias("PredictAsync")]
    Task<ShardProbabilities> PredictAsync(ShardPrediction work);
}
