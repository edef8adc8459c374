using Orleans;

namespace Alchemist;

/// <content>The mode in which the votes stay on the silos (<see cref="OrleansLabelingOptions.KeepVotesOnSilos"/>): shard grains keep their votes and return their distinct rows; a second call finds the end model's sample, or, when the votes barely repeat, returns the shard's votes for the run to gather.</content>
public sealed partial class OrleansLabelingBackend : IVoteKeepingBackend
{
    /// <inheritdoc />
    bool IVoteKeepingBackend.KeepsVotes => _options.KeepVotesOnSilos;

    /// <inheritdoc />
    async Task<IKeptVotes> IVoteKeepingBackend.ApplyKeepingVotesAsync(
        IReadOnlyList<LabelingProgram> programs,
        Func<CancellationToken, IAsyncEnumerable<string>> read,
        int classCount,
        Func<string[], CancellationToken, Task<int[]>>? extraColumn,
        ShippedEndModel? extraColumnModel,
        int prefixItems,
        IProgress<LabelingProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(programs);
        ArgumentNullException.ThrowIfNull(read);
        // With PredictOnSilos, a shipped model's column is predicted on the silos, each shard's beside its votes.
        ShippedEndModel? onSilos = _options.PredictOnSilos ? extraColumnModel : null;
        var run = new KeptRun(this, [.. programs.Select(p => new ShardProgram(p.Name, p.Source, p.ContentHash))], [.. programs.Select(p => p.Name)], read, classCount, extraColumn, onSilos, prefixItems);
        try
        {
            await run.ApplyAsync(progress, cancellationToken).ConfigureAwait(false);
            return run;
        }
        catch
        {
            await run.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>One run's shards whose votes stay on the silos: which grain holds each, and what it returned.</summary>
    private sealed class KeptRun(
        OrleansLabelingBackend backend,
        ShardProgram[] programs,
        string[] names,
        Func<CancellationToken, IAsyncEnumerable<string>> read,
        int classCount,
        Func<string[], CancellationToken, Task<int[]>>? extraColumn,
        ShippedEndModel? extraColumnModel,
        int prefixItems) : IKeptVotes
    {
        private readonly string _run = Guid.NewGuid().ToString("N");
        private readonly List<KeptShard> _shards = [];
        private readonly List<string> _holders = [];
        private readonly List<int> _attempts = [];

        public IReadOnlyList<KeptShard> Shards => _shards;

        /// <summary>Pass one: reads the items into shards and issues them, at most <see cref="OrleansLabelingOptions.MaxShardsInFlight"/> at once; each shard's items are held until its rows are back.</summary>
        public async Task ApplyAsync(IProgress<LabelingProgress>? progress, CancellationToken cancellationToken)
        {
            OrleansLabelingOptions options = backend._options;
            int size = options.ShardSize;
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var inFlight = new List<Task<(int Shard, KeptShard Rows, string Holder, int Attempt)>>();
            var done = new SortedDictionary<int, (KeptShard Rows, string Holder, int Attempt)>();
            long labeled = 0;
            async Task TakeOneAsync()
            {
                Task<(int Shard, KeptShard Rows, string Holder, int Attempt)> next = await Task.WhenAny(inFlight).ConfigureAwait(false);
                inFlight.Remove(next);
                (int shard, KeptShard rows, string holder, int attempt) = await next.ConfigureAwait(false);
                done[shard] = (rows, holder, attempt);
                labeled += rows.ItemCount;
                progress?.Report(new LabelingProgress(labeled, null));
            }

            try
            {
                var buffer = new List<string>(size);
                int shard = 0;
                long first = 0;
                await foreach (string item in read(cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    buffer.Add(item);
                    if (buffer.Count < size)
                    {
                        continue;
                    }

                    while (inFlight.Count >= options.MaxShardsInFlight)
                    {
                        await TakeOneAsync().ConfigureAwait(false);
                    }

                    inFlight.Add(IssueAsync(shard++, first, [.. buffer], 1, stop.Token));
                    first += buffer.Count;
                    buffer.Clear();
                }

                if (buffer.Count > 0)
                {
                    inFlight.Add(IssueAsync(shard, first, [.. buffer], 1, stop.Token));
                }

                while (inFlight.Count > 0)
                {
                    await TakeOneAsync().ConfigureAwait(false);
                }
            }
            catch
            {
                await stop.CancelAsync().ConfigureAwait(false);
                foreach (Task pending in inFlight)
                {
                    try
                    {
                        await pending.ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is OperationCanceledException || ex is InvalidOperationException || ex is OrleansException || ex is TimeoutException)
                    {
                        // Its failure, if any, is not the run's.
                    }
                }

                foreach ((KeptShard _, string holder, int _) in done.Values)
                {
                    _holders.Add(holder);
                }

                throw;
            }

            foreach ((KeptShard rows, string holder, int attempt) in done.Values)
            {
                _shards.Add(rows);
                _holders.Add(holder);
                _attempts.Add(attempt);
            }
        }

        /// <inheritdoc />
        public async Task<(int[] Offsets, int[] Rows)> SampleAsync(int shard, bool[] keptRows, int[] ordinals, CancellationToken cancellationToken)
        {
            ShardSample sample = await AskAsync(shard, grain => grain.SampleAsync(keptRows, ordinals), cancellationToken).ConfigureAwait(false);
            return (sample.Offsets, sample.Rows);
        }

        /// <inheritdoc />
        public async Task<sbyte[]> VotesAsync(int shard, CancellationToken cancellationToken)
        {
            sbyte[] votes = await AskAsync(shard, grain => grain.VotesAsync(), cancellationToken).ConfigureAwait(false);
            KeptShard kept = _shards[shard];
            return votes.Length == (long)kept.ItemCount * kept.Width
                ? votes
                : throw new InvalidOperationException($"Shard {shard} returned {votes.Length} votes for {kept.ItemCount} items x {kept.Width} columns.");
        }

        /// <summary>Asks the grain holding a shard's votes; when it holds none (its silo was lost, or it was collected) or cannot be reached, labels the shard again from the source and asks the new one.</summary>
        private async Task<T> AskAsync<T>(int shard, Func<IVoteShardGrain, Task<T?>> ask, CancellationToken cancellationToken)
            where T : class
        {
            for (int lost = 0; ; lost++)
            {
                IVoteShardGrain grain = backend._grains.GetGrain<IVoteShardGrain>(_holders[shard]);
                T? answer = null;
                Exception? failure = null;
                try
                {
                    answer = await ask(grain).WaitAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException && ex is not InvalidOperationException)
                {
                    failure = ex;
                }

                if (answer is not null)
                {
                    return answer;
                }

                if (lost + 1 >= backend._options.MaxAttempts)
                {
                    string why = failure is null ? "its grain held no votes" : $"{failure.GetType().Name}: {failure.Message}";
                    throw new InvalidOperationException($"Shard {shard}'s votes were lost {lost + 1} times; the last time {why}.", failure);
                }

                // The grain is gone (its silo was lost, or it was collected): label the shard again from the source.
                Interlocked.Increment(ref backend._shardsReissued);
                backend.LogReissued(shard, _attempts[shard], failure?.GetType().Name ?? "NoVotes", failure?.Message ?? "the shard's grain held no votes");
                await RelabelAsync(shard, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <inheritdoc />
        public async ValueTask DisposeAsync()
        {
            foreach (string holder in _holders)
            {
                try
                {
                    await backend._grains.GetGrain<IVoteShardGrain>(holder).ReleaseAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is OrleansException || ex is TimeoutException || ex is InvalidOperationException)
                {
                    // A grain that cannot be reached holds nothing to release; the silo's collection takes the rest.
                }
            }
        }

        /// <summary>Reads a shard's items from the source again and labels them on a new grain; the rows must be those it had.</summary>
        private async Task RelabelAsync(int shard, CancellationToken cancellationToken)
        {
            KeptShard before = _shards[shard];
            var items = new string[before.ItemCount];
            long index = 0;
            int filled = 0;
            await foreach (string item in read(cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (index++ < before.FirstItem)
                {
                    continue;
                }

                items[filled++] = item;
                if (filled == items.Length)
                {
                    break;
                }
            }

            (_, KeptShard again, string holder, int attempt) = await IssueAsync(shard, before.FirstItem, items, _attempts[shard] + 1, cancellationToken).ConfigureAwait(false);
            if (!again.Rows.AsSpan().SequenceEqual(before.Rows) || !again.Weights.AsSpan().SequenceEqual(before.Weights))
            {
                throw new InvalidOperationException($"Shard {shard} labeled again gave other votes than the first time; the votes must depend on the items alone.");
            }

            _holders[shard] = holder;
            _attempts[shard] = attempt;
        }

        /// <summary>Labels one shard on a grain that keeps its votes, from attempt <paramref name="firstAttempt"/> on, with retries.</summary>
        private async Task<(int Shard, KeptShard Rows, string Holder, int Attempt)> IssueAsync(int shard, long first, string[] items, int firstAttempt, CancellationToken cancellationToken)
        {
            sbyte[]? column = null;
            if (extraColumn is not null && extraColumnModel is null)
            {
                int[] votes = await extraColumn(items, cancellationToken).ConfigureAwait(false);
                column = new sbyte[votes.Length];
                for (int i = 0; i < votes.Length; i++)
                {
                    int vote = votes[i];
                    column[i] = vote >= Label.Abstain && vote < classCount
                        ? (sbyte)vote
                        : throw new InvalidOperationException($"The extra column holds the vote {vote}; votes must be -1 (abstain) or a class index in 0..{classCount - 1}.");
                }
            }

            var work = new KeptShardWork(new ShardWork(programs, items, classCount, backend._options.QuarantineFaultRate, first), column, prefixItems)
            {
                ExtraColumnModelHash = extraColumnModel?.Hash,
            };
            for (int attempt = firstAttempt; ; attempt++)
            {
                string key = $"{_run}/{shard}/{attempt}";
                try
                {
                    IVoteShardGrain grain = backend._grains.GetGrain<IVoteShardGrain>(key);
                    ShardRows rows = await grain.ApplyAsync(work).WaitAsync(cancellationToken).ConfigureAwait(false);
                    if (rows.NeedsExtraColumnModel)
                    {
                        // The silo does not have the column's model yet: the same grain (still on that silo) gets the bytes once.
                        Interlocked.Increment(ref backend._modelSends);
                        rows = await grain.ApplyAsync(work with { ExtraColumnModel = extraColumnModel!.Bytes }).WaitAsync(cancellationToken).ConfigureAwait(false);
                        if (rows.NeedsExtraColumnModel)
                        {
                            throw new InvalidOperationException($"Shard {shard} was not labeled on {rows.Silo}, though the extra column's model was sent.");
                        }
                    }

                    if (rows.Faults.Length != programs.Length || rows.Weights.Sum() != items.Length)
                    {
                        throw new InvalidOperationException($"Shard {shard} came back from {rows.Silo} with {rows.Weights.Sum()} items and {rows.Faults.Length} fault entries for {items.Length} items x {programs.Length} programs.");
                    }

                    Interlocked.Increment(ref backend._shardsLabeled);
                    backend._shardsBySilo.AddOrUpdate(rows.Silo, 1, (_, c) => c + 1);
                    ShardFaults[] f = rows.Faults;
                    var kept = new KeptShard(
                        first,
                        items.Length,
                        rows.Width,
                        rows.Rows,
                        rows.Weights,
                        rows.PrefixRows,
                        [.. Enumerable.Range(0, programs.Length).Select(j => new LabelingFunctionFaults(names[j], f[j].ItemsSeen, f[j].Exceptions, f[j].InvalidVotes, f[j].Quarantined, f[j].FirstError))]);
                    return (shard, kept, key, attempt);
                }
                catch (Exception ex) when (ex is not OperationCanceledException && ex is not InvalidOperationException && attempt - firstAttempt + 1 < backend._options.MaxAttempts)
                {
                    Interlocked.Increment(ref backend._shardsReissued);
                    backend.LogReissued(shard, attempt, ex.GetType().Name, ex.Message);
                    await Task.Delay(backend._options.RetryDelay * (attempt - firstAttempt + 1), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException && ex is not InvalidOperationException)
                {
                    throw new InvalidOperationException($"Shard {shard} failed on each of its {attempt - firstAttempt + 1} attempts; the last error: {ex.GetType().Name}: {ex.Message}", ex);
                }
            }
        }
    }
}
