using Orleans;
using Orleans.Placement;
using Orleans.Runtime;

namespace Alchemist;

/// <summary>Predicts one shard of a run's items with the run's trained end model, loaded once per silo (<see cref="ShardModelCache"/>).</summary>
/// <remarks>The probabilities are a deterministic function of the model's bytes and the items, so a shard predicted again anywhere gives the same ones. The grain keeps nothing once it has answered.</remarks>
[RandomPlacement]
internal sealed class PredictionShardGrain(ShardModelCache models, ILocalSiloDetails silo) : Grain, IPredictionShardGrain
{
    /// <inheritdoc />
    public async Task<ShardProbabilities> PredictAsync(ShardPrediction work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (await models.GetAsync(work.ModelHash, work.Model).ConfigureAwait(true) is not { } model)
        {
            // The activation stays, so the call again with the bytes loads the model on this silo.
            return new ShardProbabilities(null, silo.SiloAddress.ToString());
        }

        if (model.ClassCount != work.ClassCount)
        {
            throw new InvalidOperationException($"The model {work.ModelHash[..12]}... predicts {model.ClassCount} classes; the run has {work.ClassCount}.");
        }

        DeactivateOnIdle();
        ClassProbabilities p = await model.PredictProbabilitiesAsync(work.Items).ConfigureAwait(true);
        return new ShardProbabilities(p.AsSpan().ToArray(), silo.SiloAddress.ToString());
    }
}
