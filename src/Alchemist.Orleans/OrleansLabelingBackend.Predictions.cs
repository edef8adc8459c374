using Orleans;

namespace Alchemist;

/// <content>The prediction pass on the silos (<see cref="OrleansLabelingOptions.PredictOnSilos"/>): a streamed run's trained end model is shipped once per silo and the items are predicted shard by shard where the cluster places them.</content>
public sealed partial class OrleansLabelingBackend : IShardPredictingBackend
{
    private long _shardsPredicted;
    private long _modelSends;

    /// <summary>Gets the number of shards predicted on the silos so far, over all runs.</summary>
    internal long ShardsPredicted => Interlocked.Read(ref _shardsPredicted);

    /// <summary>Gets the number of calls that carried the model's bytes (a silo that did not have it yet asked for them), over all runs.</summary>
    internal long ModelSends => Interlocked.Read(ref _modelSends);

    /// <inheritdoc />
    /// <remarks>Returns <see langword="null"/> when <see cref="OrleansLabelingOptions.PredictOnSilos"/> is off: the run predicts in its own process.</remarks>
    IShardPredictor? IShardPredictingBackend.OpenPredictor(ShippedEndModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return _options.PredictOnSilos ? new Predictor(this, model) : null;
    }

    /// <summary>One run's prediction pass: its model, and the grains of its shards, keyed "run/p/shard/attempt".</summary>
    private sealed class Predictor(OrleansLabelingBackend backend, ShippedEndModel model) : IShardPredictor
    {
        private readonly string _run = Guid.NewGuid().ToString("N");

        public int ShardSize => backend._options.ShardSize;

        public int MaxInFlight => backend._options.MaxShardsInFlight;

        public async Task<double[]> PredictAsync(int shard, string[] items, CancellationToken cancellationToken)
        {
            OrleansLabelingOptions options = backend._options;
            var withoutModel = new ShardPrediction(model.Hash, null, items, model.ClassCount);
            for (int attempt = 1; ; attempt++)
            {
                IPredictionShardGrain grain = backend._grains.GetGrain<IPredictionShardGrain>($"{_run}/p/{shard}/{attempt}");
                try
                {
                    ShardProbabilities answer = await grain.PredictAsync(withoutModel).WaitAsync(cancellationToken).ConfigureAwait(false);
                    if (answer.Values is null)
                    {
                        // The silo does not have the model yet: the same grain (still on that silo) gets the bytes once.
                        Interlocked.Increment(ref backend._modelSends);
                        answer = await grain.PredictAsync(withoutModel with { Model = model.Bytes }).WaitAsync(cancellationToken).ConfigureAwait(false);
                    }

                    double[] values = answer.Values ?? throw new InvalidOperationException($"Shard {shard} was not predicted on {answer.Silo}, though the model was sent.");
                    if (values.Length != (long)items.Length * model.ClassCount)
                    {
                        throw new InvalidOperationException($"Shard {shard} came back from {answer.Silo} with {values.Length} probabilities for {items.Length} items x {model.ClassCount} classes.");
                    }

                    Interlocked.Increment(ref backend._shardsPredicted);
                    backend._shardsBySilo.AddOrUpdate(answer.Silo, 1, (_, c) => c + 1);
                    return values;
                }
                catch (Exception ex) when (ex is not OperationCanceledException && ex is not InvalidOperationException && attempt < options.MaxAttempts)
                {
                    // The probabilities are a function of the model and the items: predict the shard again, as a new grain.
                    Interlocked.Increment(ref backend._shardsReissued);
                    backend.LogReissued(shard, attempt, ex.GetType().Name, ex.Message);
                    await Task.Delay(options.RetryDelay * attempt, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException && ex is not InvalidOperationException)
                {
                    throw new InvalidOperationException($"Shard {shard}'s prediction failed on each of its {attempt} attempts; the last error: {ex.GetType().Name}: {ex.Message}", ex);
                }
            }
        }
    }
}
