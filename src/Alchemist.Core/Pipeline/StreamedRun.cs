namespace Alchemist;

/// <summary>
/// The stages of a streamed run (<see cref="LabelingJob{TItem}.Source"/>) that need every item, done chunk by chunk so
/// that no per-item array beside the label matrix (and the label model's distributions while the end model is being
/// trained) is held: the seed-model voter's column, the end model's training sample and the final predictions. Each
/// gives exactly what the list run's code gives.
/// </summary>
internal static class StreamedRun
{
    /// <summary>Adds the seed model as one more voter, as <see cref="DistillationStage{TItem}.AddSeedModelVoterAsync"/> does, predicting the items chunk by chunk into the matrix's own array (<see cref="LabelMatrix.AppendColumnInPlace"/>: the caller gives up <paramref name="votes"/>).</summary>
    public static async Task<(LabelMatrix Votes, LabelMatrix SeedVotes, LabelMatrix? TestVotes)> AddSeedModelVoterAsync<TItem>(
        DistillationStage<TItem> distillation,
        string columnName,
        LabelMatrix votes,
        LabelMatrix seedVotes,
        LabelMatrix? testVotes,
        StreamedItems<TItem> items,
        IReadOnlyList<LabeledExample<TItem>> seed,
        IReadOnlyList<TItem>? testItems,
        CancellationToken cancellationToken)
    {
        (_, sbyte[] onSeed, sbyte[]? onTest) = await distillation.SeedModelVotesAsync([], seed, testVotes is null ? null : testItems, cancellationToken).ConfigureAwait(false);
        ITrainedEndModel<TItem> model = await distillation.SeedOnlyModelAsync(seed, cancellationToken).ConfigureAwait(false);

        // The column goes into the room the applier left in the matrix's array: no second matrix, no column array.
        LabelMatrix all = votes.AppendColumnInPlace(columnName);
        int column = all.FunctionCount - 1;
        await foreach (StreamedItems<TItem>.Chunk chunk in items.ChunksAsync(cancellationToken).ConfigureAwait(false))
        {
            ClassProbabilities p = await model.PredictProbabilitiesAsync(chunk.ItemList, cancellationToken).ConfigureAwait(false);
            all.WriteColumn(column, checked((int)chunk.Start), p.Predict(TieBreak.ClassPrior));
        }

        return (all, seedVotes.AppendColumn(columnName, onSeed), onTest is null ? null : testVotes!.AppendColumn(columnName, onTest));
    }

    /// <summary>
    /// Chooses the end model's weakly labeled training items as <see cref="EndModelTrainingSet.FromLabelModel{TItem}"/>
    /// followed by a seeded sample of <paramref name="sampleSize"/> does (covered items with a positive confidence,
    /// then the same sample, weights scaled alike), and gathers only those items in one read.
    /// </summary>
    /// <param name="items">The streamed items.</param>
    /// <param name="votes">The label matrix.</param>
    /// <param name="labelProbabilities">The label model's distributions, or <see langword="null"/>.</param>
    /// <param name="sampleSize">The end model's sample size, or <see langword="null"/> for every covered item.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <param name="foldSample">The items a nested final choice's fold runs label, gathered in the same read; or <see langword="null"/>.</param>
    /// <returns>The sampled training set, or <see langword="null"/> when there are no label-model distributions (then nothing is gathered).</returns>
    public static async Task<EndModelTrainingSet<TItem>?> TrainingSampleAsync<TItem>(
        StreamedItems<TItem> items, LabelMatrix votes, ItemDistributions? labelProbabilities, int? sampleSize, int seed, CancellationToken cancellationToken, NestedChoiceSample<TItem>? foldSample = null)
    {
        if (labelProbabilities is null)
        {
            return null;
        }

        int n = votes.ItemCount;
        int k = labelProbabilities.ClassCount;
        int covered = 0;
        for (int i = 0; i < n; i++)
        {
            if (Kept(votes, labelProbabilities, i))
            {
                covered++;
            }
        }

        bool sampled = sampleSize is int size && covered > size;
        int count = sampled ? sampleSize!.Value : covered;
        // The same draw as SeededSample.Indices without its array of every covered ordinal (4 bytes a covered item).
        int[] ordinals = sampled ? SeededSample.SparseIndices(covered, count, seed) : [.. Enumerable.Range(0, covered)];
        double scale = sampled ? (double)covered / count : 1.0;

        // The item index, target and weight of each sampled covered item, in item order.
        var indices = new int[count];
        var targets = new double[count * k];
        var weights = new double[count];
        int ordinal = 0;
        int next = 0;
        for (int i = 0; i < n && next < count; i++)
        {
            if (!Kept(votes, labelProbabilities, i))
            {
                continue;
            }

            if (ordinals[next] == ordinal)
            {
                ReadOnlySpan<double> row = labelProbabilities.GetRow(i);
                indices[next] = i;
                weights[next] = sampled ? EndModelTrainingSet.Confidence(row) * scale : EndModelTrainingSet.Confidence(row);
                row.CopyTo(targets.AsSpan(next * k, k));
                next++;
            }

            ordinal++;
        }

        return new EndModelTrainingSet<TItem>(await GatherAsync(items, indices, cancellationToken, foldSample).ConfigureAwait(false), k, targets, weights);
    }

    /// <summary>Gathers the items at the given indices (ascending) in one read of the source, and in the same read the items of a nested final choice's sample (<paramref name="foldSample"/>) when one is given.</summary>
    public static async Task<TItem[]> GatherAsync<TItem>(StreamedItems<TItem> items, int[] indices, CancellationToken cancellationToken, NestedChoiceSample<TItem>? foldSample = null)
    {
        int count = indices.Length;
        var chosen = new TItem[count];
        int[] also = foldSample?.Indices ?? [];
        var alsoChosen = new TItem[also.Length];
        int taken = 0;
        int alsoTaken = 0;
        await foreach (StreamedItems<TItem>.Chunk chunk in items.ChunksAsync(cancellationToken).ConfigureAwait(false))
        {
            long end = chunk.Start + chunk.Count;
            while (taken < count && indices[taken] < end)
            {
                chosen[taken] = chunk.Items[indices[taken] - chunk.Start];
                taken++;
            }

            while (alsoTaken < also.Length && also[alsoTaken] < end)
            {
                alsoChosen[alsoTaken] = chunk.Items[also[alsoTaken] - chunk.Start];
                alsoTaken++;
            }
        }

        if (foldSample is not null)
        {
            foldSample.Items = alsoChosen;
        }

        return chosen;
    }

    /// <summary>Predicts every item chunk by chunk, breaks ties as <see cref="ClassProbabilities.Predict(TieBreak?, IReadOnlyList{double}?)"/> with <see cref="TieBreak.Random(int)"/> does over all items at once, writes each chunk to the sink, and counts what the reports need.</summary>
    /// <remarks>
    /// With a backend that predicts where its shards run (<see cref="IShardPredictingBackend"/>) and a model that can be
    /// shipped (<see cref="ShippedEndModel.TryShip{TItem}"/>), the chunks are predicted there (<see cref="PredictOnBackendAsync"/>);
    /// otherwise here. The labels are the same either way.
    /// </remarks>
    public static async Task<StreamedLabelSummary> PredictAsync<TItem>(
        ITrainedEndModel<TItem> trained, StreamedItems<TItem> items, ILabelSink sink, int classCount, int seed, CancellationToken cancellationToken, ILabelingBackend? backend = null)
    {
        if (backend is IShardPredictingBackend predicting && items is StreamedItems<string> texts && ShippedEndModel.TryShip(trained) is { } shipped &&
            predicting.OpenPredictor(shipped) is { } predictor)
        {
            return await PredictOnBackendAsync(predictor, texts, sink, classCount, seed, cancellationToken).ConfigureAwait(false);
        }

        var summary = new StreamedLabelSummary(classCount);
        var random = new Random(seed);

        // Each chunk is written in the background while the next is read and predicted; a failed write stops the loop.
        var writer = new OrderedLabelWriter(sink, cancellationToken);
        await using (writer.ConfigureAwait(false))
        {
            try
            {
                await foreach (StreamedItems<TItem>.Chunk chunk in items.ChunksAsync(writer.Token).ConfigureAwait(false))
                {
                    ClassProbabilities p = await trained.PredictProbabilitiesAsync(chunk.ItemList, writer.Token).ConfigureAwait(false);
                    int[] labels = p.Predict(random);
                    summary.Add(labels, p);

                    // The ids are copied: the chunk's arrays are reused by the next chunk while this one is written.
                    await writer.WriteAsync(new LabeledChunk(chunk.Start, chunk.IdList.ToArray(), labels, p)).ConfigureAwait(false);
                }

                await writer.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                await writer.ThrowIfWriteFailedAsync(ex).ConfigureAwait(false);
                throw;
            }
        }

        return summary;
    }

    /// <summary>
    /// Predicts every item on a backend, chunk by chunk, each chunk sent as shards of at most
    /// <see cref="IShardPredictor.ShardSize"/> items (at most <see cref="IShardPredictor.MaxInFlight"/> shards out at once),
    /// and writes the labels here as <see cref="PredictAsync"/> does: the probabilities come back bit for bit as this
    /// process would compute them, and each chunk's are taken whole and in item order, so the ties are broken by the same
    /// <see cref="Random"/> sequence and the sink gets the same chunks.
    /// </summary>
    private static async Task<StreamedLabelSummary> PredictOnBackendAsync(
        IShardPredictor predictor, StreamedItems<string> items, ILabelSink sink, int classCount, int seed, CancellationToken cancellationToken)
    {
        var summary = new StreamedLabelSummary(classCount);
        var random = new Random(seed);
        var inFlight = new Queue<(long Start, string[] Ids, Task<double[]>[] Shards)>();
        int maxInFlight = Math.Max(1, predictor.MaxInFlight);
        using var slots = new SemaphoreSlim(maxInFlight);
        Task<double[]>[]? issuing = null;
        var writer = new OrderedLabelWriter(sink, cancellationToken);
        await using (writer.ConfigureAwait(false))
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(writer.Token);
            try
            {
                int shard = 0;
                int size = Math.Max(1, predictor.ShardSize);
                await foreach (StreamedItems<string>.Chunk chunk in items.ChunksAsync(stop.Token).ConfigureAwait(false))
                {
                    // The chunk's arrays are reused by the next chunk: the shards get copies. At most maxInFlight shards
                    // are out at once, and at most maxInFlight chunks wait to be written.
                    var shards = new Task<double[]>[(chunk.Count + size - 1) / size];
                    issuing = shards;
                    for (int s = 0; s < shards.Length; s++)
                    {
                        await slots.WaitAsync(stop.Token).ConfigureAwait(false);
                        int offset = s * size;
                        shards[s] = PredictShardAsync(shard++, chunk.Items.AsSpan(offset, Math.Min(size, chunk.Count - offset)).ToArray(), stop.Token);
                    }

                    inFlight.Enqueue((chunk.Start, chunk.IdList.ToArray(), shards));
                    issuing = null;
                    while (inFlight.Count >= maxInFlight)
                    {
                        await WriteNextAsync().ConfigureAwait(false);
                    }
                }

                while (inFlight.Count > 0)
                {
                    await WriteNextAsync().ConfigureAwait(false);
                }

                await writer.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Stop the shards still out, and let none outlive the pass.
                await stop.CancelAsync().ConfigureAwait(false);
                foreach (Task<double[]>[] pending in inFlight.Select(c => c.Shards).Append(issuing ?? []))
                {
                    await ((Task)Task.WhenAll(pending.Where(t => t is not null))).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }

                await writer.ThrowIfWriteFailedAsync(ex).ConfigureAwait(false);
                throw;
            }
        }

        return summary;

        async Task<double[]> PredictShardAsync(int shard, string[] batch, CancellationToken token)
        {
            try
            {
                return await predictor.PredictAsync(shard, batch, token).ConfigureAwait(false);
            }
            finally
            {
                slots.Release();
            }
        }

        async Task WriteNextAsync()
        {
            (long start, string[] ids, Task<double[]>[] shards) = inFlight.Peek();
            var values = new double[(long)ids.Length * classCount];
            int filled = 0;
            foreach (Task<double[]> shard in shards)
            {
                double[] part = await shard.ConfigureAwait(false);
                if (filled + part.Length > values.Length)
                {
                    throw new InvalidOperationException($"The backend returned more than {values.Length} probabilities for {ids.Length} items x {classCount} classes.");
                }

                part.CopyTo(values, filled);
                filled += part.Length;
            }

            inFlight.Dequeue();
            if (filled != values.Length)
            {
                throw new InvalidOperationException($"The backend returned {filled} probabilities for {ids.Length} items x {classCount} classes.");
            }

            var p = new ClassProbabilities(ids.Length, classCount, values);
            int[] labels = p.Predict(random);
            summary.Add(labels, p);
            await writer.WriteAsync(new LabeledChunk(start, ids, labels, p)).ConfigureAwait(false);
        }
    }

    /// <summary>The covered-and-confident test of <see cref="EndModelTrainingSet.FromLabelModel{TItem}"/> with its default (confidence) weighting.</summary>
    private static bool Kept(LabelMatrix votes, ItemDistributions probabilities, int item)
    {
        bool covered = false;
        foreach (sbyte vote in votes.GetRow(item))
        {
            if (vote >= 0)
            {
                covered = true;
                break;
            }
        }

        return covered && EndModelTrainingSet.Confidence(probabilities.GetRow(item)) > 0;
    }
}

/// <summary>What a streamed run counts while writing its labels, for the reports: the number of items, each class's count and the confidence histogram.</summary>
internal sealed class StreamedLabelSummary(int classCount)
{
    /// <summary>Gets the number of items written.</summary>
    public int ItemCount { get; private set; }

    /// <summary>Gets the number of items of each class.</summary>
    public int[] LabelCounts { get; } = new int[classCount];

    /// <summary>Gets the histogram of the highest class probability, in the reports' bins.</summary>
    public int[] ConfidenceHistogram { get; } = new int[RunReport.Bins];

    /// <summary>Counts one chunk.</summary>
    public void Add(int[] labels, ClassProbabilities probabilities)
    {
        ItemCount += labels.Length;
        foreach (int label in labels)
        {
            if (Label.IsClass(label, LabelCounts.Length))
            {
                LabelCounts[label]++;
            }
        }

        int[] bins = RunReport.ConfidenceHistogram(probabilities, RunReport.Bins);
        for (int b = 0; b < bins.Length; b++)
        {
            ConfidenceHistogram[b] += bins[b];
        }
    }
}
