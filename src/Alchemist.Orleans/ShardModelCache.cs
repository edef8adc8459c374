namespace Alchemist;

/// <summary>The trained end models a silo has loaded, keyed by the SHA-256 of their bytes: each run's model is loaded once per silo, whichever of its shards the silo predicts.</summary>
/// <remarks>
/// A model is loaded only from bytes whose SHA-256 is the name it is asked by (and the file checks its own SHA-256 and
/// format); loading reads numbers, it runs no code. The most recently used <see cref="Capacity"/> models are kept
/// (a run ships one model, two when its seed-only model is shipped too); an older one is dropped and, if asked for
/// again, sent again.
/// </remarks>
internal sealed class ShardModelCache
{
    /// <summary>The number of models kept.</summary>
    public const int Capacity = 4;

    private readonly Lock _lock = new();
    private readonly LinkedList<(string Hash, Task<ITrainedEndModel<string>> Model)> _models = new();
    private int _loads;

    /// <summary>Gets the number of models loaded so far.</summary>
    public int Loads => Volatile.Read(ref _loads);

    /// <summary>Returns the model named by <paramref name="hash"/>: the one loaded already, or the one loaded from <paramref name="bytes"/>; <see langword="null"/> when it is not loaded and no bytes were given.</summary>
    /// <exception cref="InvalidOperationException">The bytes do not match the hash, or are not a saved model (from the task).</exception>
    public Task<ITrainedEndModel<string>?> GetAsync(string hash, byte[]? bytes)
    {
        ArgumentNullException.ThrowIfNull(hash);
        Task<ITrainedEndModel<string>> model;
        lock (_lock)
        {
            LinkedListNode<(string Hash, Task<ITrainedEndModel<string>> Model)>? node = _models.First;
            while (node is not null && !string.Equals(node.Value.Hash, hash, StringComparison.Ordinal))
            {
                node = node.Next;
            }

            if (node is not null && !node.Value.Model.IsFaulted)
            {
                _models.Remove(node);
                _models.AddFirst(node);
                model = node.Value.Model;
            }
            else if (bytes is null)
            {
                return Task.FromResult<ITrainedEndModel<string>?>(null);
            }
            else
            {
                if (node is not null)
                {
                    _models.Remove(node);
                }

                if (!string.Equals(ShippedEndModel.HashOf(bytes), hash, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"The end model's bytes do not match their hash ({hash[..Math.Min(12, hash.Length)]}...); the silo does not load them.");
                }

                Interlocked.Increment(ref _loads);
                model = LoadAsync(bytes);
                _models.AddFirst((hash, model));
                while (_models.Count > Capacity)
                {
                    _models.RemoveLast();
                }
            }
        }

        return Await(model);

        static async Task<ITrainedEndModel<string>?> Await(Task<ITrainedEndModel<string>> model) => await model.ConfigureAwait(false);
    }

    private static async Task<ITrainedEndModel<string>> LoadAsync(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        try
        {
            return await LogisticRegressionEndModel.ForText().LoadAsync(stream).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            // A deliberate refusal, not a lost call: the run fails rather than sending the shard again.
            throw new InvalidOperationException($"The silo could not load the end model: {ex.Message}", ex);
        }
    }
}
