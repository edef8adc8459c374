namespace Alchemist;

/// <summary>The labeling stage of a run: applies the kept functions to every item, to the seed items and to the test items, and analyzes their votes.</summary>
/// <typeparam name="TItem">The type of item.</typeparam>
internal sealed class LabelingStage<TItem>(LabelingFunctionApplier applier, int classCount)
{
    /// <summary>Applies the functions the gate kept, counting each program's budget overruns on the job's items alone.</summary>
    /// <param name="kept">The gate's kept decisions, one column each, in order.</param>
    /// <param name="items">The items to label.</param>
    /// <param name="seed">The labeled seed items.</param>
    /// <param name="test">The test items, or <see langword="null"/>.</param>
    /// <param name="progress">Receives the progress over <paramref name="items"/>, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the stage.</param>
    /// <returns>The votes and analyses, with each column's budget overruns on the items.</returns>
    public LabelingStageResult Run(
        IReadOnlyList<GateDecision<TItem>> kept,
        IReadOnlyList<TItem> items,
        IReadOnlyList<LabeledExample<TItem>> seed,
        IReadOnlyList<LabeledExample<TItem>>? test,
        IProgress<LabelingProgress>? progress,
        CancellationToken cancellationToken)
    {
        ILabelingFunction<TItem>[] columns = Columns(kept);
        long[] overruns = [.. columns.Select(OverrunsSoFar)];
        LabelingStageResult result = Run(items, seed, test, columns, [.. kept.Select(d => d.Function!)], progress, cancellationToken);
        return result with { Overruns = OverrunsSince(columns, overruns) };
    }

    /// <summary>Applies the functions the gate kept to items read as they come (a streamed run), as <see cref="Run(IReadOnlyList{GateDecision{TItem}}, IReadOnlyList{TItem}, IReadOnlyList{LabeledExample{TItem}}, IReadOnlyList{LabeledExample{TItem}}?, IProgress{LabelingProgress}?, CancellationToken)"/> does for items in a list, with the same votes.</summary>
    /// <param name="kept">The gate's kept decisions, one column each, in order.</param>
    /// <param name="items">The items to label, read once, chunk by chunk.</param>
    /// <param name="seed">The labeled seed items.</param>
    /// <param name="test">The test items, or <see langword="null"/>.</param>
    /// <param name="progress">Receives the progress over <paramref name="items"/>, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the stage.</param>
    /// <param name="itemCount">The number of items the source gives.</param>
    /// <param name="spareColumns">The number of columns the matrix keeps room for (<see cref="LabelMatrix.AppendColumnInPlace"/>).</param>
    /// <param name="memoryBudget">The largest matrix held in memory, in bytes; a larger one is spilled to a mapped file (<see cref="LabelingPipelineOptions.MatrixMemoryBudget"/>), which the caller owns (<see cref="LabelMatrix.Mapped"/>). <see langword="null"/> never spills.</param>
    /// <param name="spillDirectory">The folder of the spill file; the system's temporary folder when <see langword="null"/>.</param>
    /// <returns>The votes and analyses, with each column's budget overruns on the items.</returns>
    public async Task<LabelingStageResult> RunAsync(
        IReadOnlyList<GateDecision<TItem>> kept,
        IAsyncEnumerable<TItem> items,
        int itemCount,
        int spareColumns,
        IReadOnlyList<LabeledExample<TItem>> seed,
        IReadOnlyList<LabeledExample<TItem>>? test,
        IProgress<LabelingProgress>? progress,
        CancellationToken cancellationToken,
        long? memoryBudget = null,
        string? spillDirectory = null)
    {
        ILabelingFunction<TItem>[] columns = Columns(kept);
        long[] overruns = [.. columns.Select(OverrunsSoFar)];
        LabelingResult applied = await applier.ApplyAsync(items, columns, classCount, itemCount, spareColumns, progress, cancellationToken, memoryBudget, spillDirectory).ConfigureAwait(false);
        try
        {
            LabelingStageResult result = Complete(applied, seed, test, [.. kept.Select(d => d.Function!)], cancellationToken);
            return result with { Overruns = OverrunsSince(columns, overruns) };
        }
        catch
        {
            applied.Matrix.Mapped?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The columns that label the job's items: programs are counted for budget overruns while they do, the figure the
    /// report gives; programs in worker processes count their own, in an instance of their own for this stage.
    /// </summary>
    private static ILabelingFunction<TItem>[] Columns(IReadOnlyList<GateDecision<TItem>> kept) =>
    [
        .. kept.Select(d => d switch
        {
            { Program: null } => d.Function!,
            { Function: WorkerLabelingFunction<TItem> worker } => worker.WithName(worker.Name),
            _ => new BudgetOverrunCounter<TItem>(d.Function!),
        }),
    ];

    /// <summary>Each column's budget overruns since <paramref name="before"/> was counted.</summary>
    private static long[] OverrunsSince(ILabelingFunction<TItem>[] columns, long[] before) =>
        [.. columns.Select((column, j) => OverrunsSoFar(column) - before[j])];

    /// <summary>Applies functions.</summary>
    /// <param name="items">The items to label.</param>
    /// <param name="seed">The labeled seed items; the seed matrix is built when there are any.</param>
    /// <param name="test">The test items, or <see langword="null"/>; their matrix is built when there are items and functions.</param>
    /// <param name="functions">The kept functions, one column each, as they label the items.</param>
    /// <param name="scoringFunctions">The same functions as they label the seed and test items; <see langword="null"/> for <paramref name="functions"/> (the pipeline counts budget overruns on the items alone).</param>
    /// <param name="progress">Receives the progress over <paramref name="items"/>, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the stage.</param>
    public LabelingStageResult Run(
        IReadOnlyList<TItem> items,
        IReadOnlyList<LabeledExample<TItem>> seed,
        IReadOnlyList<LabeledExample<TItem>>? test,
        IReadOnlyList<ILabelingFunction<TItem>> functions,
        IReadOnlyList<ILabelingFunction<TItem>>? scoringFunctions,
        IProgress<LabelingProgress>? progress,
        CancellationToken cancellationToken)
    {
        LabelingResult applied = applier.Apply(items, functions, classCount, progress, cancellationToken);
        return Complete(applied, seed, test, scoringFunctions ?? functions, cancellationToken);
    }

    /// <summary>Applies the functions the gate kept, the programs' votes on the items coming from a backend; hand-written functions, concept programs (the run holds their scores), the seed and the test items are applied here.</summary>
    /// <param name="backend">Where the programs label the items.</param>
    /// <param name="kept">The gate's kept decisions, one column each, in order.</param>
    /// <param name="items">The items to label.</param>
    /// <param name="seed">The labeled seed items.</param>
    /// <param name="test">The test items, or <see langword="null"/>.</param>
    /// <param name="progress">Receives the progress over <paramref name="items"/>, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the stage.</param>
    /// <returns>The votes and analyses; no budget overruns are counted (the backend's programs run elsewhere).</returns>
    /// <exception cref="InvalidOperationException">The backend returned a matrix of another shape.</exception>
    public async Task<LabelingStageResult> RunAsync(
        ILabelingBackend backend,
        IReadOnlyList<GateDecision<TItem>> kept,
        IReadOnlyList<TItem> items,
        IReadOnlyList<LabeledExample<TItem>> seed,
        IReadOnlyList<LabeledExample<TItem>>? test,
        IProgress<LabelingProgress>? progress,
        CancellationToken cancellationToken)
    {
        // Concept programs stay with the run, which holds the concept scores they read; the other programs go to the backend.
        bool Remote(int j) => IsRemote(kept[j]);
        int[] remoteColumns = [.. Enumerable.Range(0, kept.Count).Where(Remote)];
        int[] localColumns = [.. Enumerable.Range(0, kept.Count).Where(j => !Remote(j))];
        LabelingResult remote = await backend.ApplyAsync([.. remoteColumns.Select(j => kept[j].Program!)], items, classCount, progress, cancellationToken).ConfigureAwait(false);
        if (remote.Matrix.ItemCount != items.Count || remote.Matrix.FunctionCount != remoteColumns.Length || remote.Matrix.ClassCount != classCount)
        {
            throw new InvalidOperationException(
                $"The labeling backend returned a matrix of {remote.Matrix.ItemCount} items x {remote.Matrix.FunctionCount} programs ({remote.Matrix.ClassCount} classes) for {items.Count} items x {remoteColumns.Length} programs ({classCount} classes).");
        }

        LabelingResult applied = remote;
        if (localColumns.Length > 0)
        {
            LabelingResult local = applier.Apply(items, [.. localColumns.Select(j => kept[j].Function!)], classCount, cancellationToken: cancellationToken);
            applied = Interleave(kept.Count, remoteColumns, remote, localColumns, local);
        }

        return Complete(applied, seed, test, [.. kept.Select(d => d.Function!)], cancellationToken);
    }

    /// <summary>
    /// Applies the functions the gate kept to items read as they come (a streamed run), the programs' votes coming from a
    /// streaming backend shard by shard, written into one matrix sized once for <paramref name="itemCount"/> with room
    /// for <paramref name="spareColumns"/> more columns, as the local streamed application does; hand-written functions
    /// are applied here on a second read of the items.
    /// </summary>
    /// <param name="backend">Where the programs label the items.</param>
    /// <param name="kept">The gate's kept decisions, one column each, in order.</param>
    /// <param name="read">Reads the items, in order, each time it is called.</param>
    /// <param name="itemCount">The number of items the source gives.</param>
    /// <param name="spareColumns">The number of columns the matrix keeps room for (<see cref="LabelMatrix.AppendColumnInPlace"/>).</param>
    /// <param name="seed">The labeled seed items.</param>
    /// <param name="test">The test items, or <see langword="null"/>.</param>
    /// <param name="progress">Receives the progress over the items as shards come back, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the stage.</param>
    /// <param name="memoryBudget">The largest matrix held in memory, in bytes; a larger one is spilled to a mapped file (<see cref="LabelingPipelineOptions.MatrixMemoryBudget"/>), which the caller owns (<see cref="LabelMatrix.Mapped"/>). <see langword="null"/> never spills.</param>
    /// <param name="spillDirectory">The folder of the spill file; the system's temporary folder when <see langword="null"/>.</param>
    /// <param name="readLocal">Reads the items for the columns applied here (concept programs read them through the run's concept scores); <paramref name="read"/> when <see langword="null"/>.</param>
    /// <returns>The votes and analyses; no budget overruns are counted (the backend's programs run elsewhere).</returns>
    /// <exception cref="InvalidOperationException">The backend returned shards of another shape, or not covering every item once.</exception>
    public async Task<LabelingStageResult> RunAsync(
        IStreamingLabelingBackend backend,
        IReadOnlyList<GateDecision<TItem>> kept,
        Func<CancellationToken, IAsyncEnumerable<TItem>> read,
        int itemCount,
        int spareColumns,
        IReadOnlyList<LabeledExample<TItem>> seed,
        IReadOnlyList<LabeledExample<TItem>>? test,
        IProgress<LabelingProgress>? progress,
        CancellationToken cancellationToken,
        long? memoryBudget = null,
        string? spillDirectory = null,
        Func<CancellationToken, IAsyncEnumerable<TItem>>? readLocal = null)
    {
        bool Remote(int j) => IsRemote(kept[j]);
        int[] remoteColumns = [.. Enumerable.Range(0, kept.Count).Where(Remote)];
        int[] localColumns = [.. Enumerable.Range(0, kept.Count).Where(j => !Remote(j))];
        string[] names = [.. kept.Select((d, j) => Remote(j) ? d.Program!.Name : d.Function!.Name)];
        var gather = new ShardGather(itemCount, names, remoteColumns, spareColumns, classCount, memoryBudget, spillDirectory);
        LabelingResult applied;
        try
        {
            applied = await GatherAsync(backend, kept, read, readLocal ?? read, itemCount, gather, remoteColumns, localColumns, progress, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            gather.Abandon();
            throw;
        }

        try
        {
            return Complete(applied, seed, test, [.. kept.Select(d => d.Function!)], cancellationToken);
        }
        catch
        {
            applied.Matrix.Mapped?.Dispose();
            throw;
        }
    }

    /// <summary>Gathers the backend's shards and the local columns' votes into the matrix of <paramref name="gather"/>.</summary>
    private async Task<LabelingResult> GatherAsync(
        IStreamingLabelingBackend backend,
        IReadOnlyList<GateDecision<TItem>> kept,
        Func<CancellationToken, IAsyncEnumerable<TItem>> read,
        Func<CancellationToken, IAsyncEnumerable<TItem>> readLocal,
        int itemCount,
        ShardGather gather,
        int[] remoteColumns,
        int[] localColumns,
        IProgress<LabelingProgress>? progress,
        CancellationToken cancellationToken)
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        if (remoteColumns.Length > 0)
        {
            await foreach (LabeledShard shard in backend.ApplyStreamingAsync([.. remoteColumns.Select(j => kept[j].Program!)], read(cancellationToken), classCount, cancellationToken)
                .WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                gather.Add(shard);
                progress?.Report(new LabelingProgress(gather.ItemsWritten, itemCount));
            }
        }
        else
        {
            gather.Add(new LabeledShard(0, new LabelMatrix(itemCount, 0, classCount, []), []));
        }

        LabelingFunctionFaults[]? localFaults = null;
        if (localColumns.Length > 0)
        {
            // Transient: the local columns' own n x l votes, copied into the matrix's columns.
            LabelingResult local = await applier.ApplyAsync(readLocal(cancellationToken), [.. localColumns.Select(j => kept[j].Function!)], classCount, itemCount, 0, null, cancellationToken).ConfigureAwait(false);
            gather.AddColumns(local.Matrix, localColumns);
            localFaults = [.. local.Faults];
        }

        (LabelMatrix matrix, LabelingFunctionFaults[] remoteFaults) = gather.Complete();
        var faults = new LabelingFunctionFaults[kept.Count];
        for (int c = 0; c < remoteColumns.Length; c++)
        {
            faults[remoteColumns[c]] = remoteFaults[c];
        }

        for (int c = 0; c < localColumns.Length; c++)
        {
            faults[localColumns[c]] = localFaults![c];
        }

        return new LabelingResult(matrix, faults, System.Diagnostics.Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Whether a kept decision's votes come from the backend: every program but concept programs, which stay with the run that holds the concept scores they read.</summary>
    private static bool IsRemote(GateDecision<TItem> decision) =>
        decision.Program is not null && ConceptGateCompiler.PhrasesOf(decision.Function) is null;

    /// <summary>Puts the columns of two applications over the same items back in the order of the kept decisions.</summary>
    private static LabelingResult Interleave(int width, int[] firstColumns, LabelingResult first, int[] secondColumns, LabelingResult second)
    {
        int n = first.Matrix.ItemCount;
        var votes = new sbyte[(long)n * width];
        var names = new string[width];
        var faults = new LabelingFunctionFaults[width];
        foreach ((int[] columns, LabelingResult part) in new[] { (firstColumns, first), (secondColumns, second) })
        {
            for (int c = 0; c < columns.Length; c++)
            {
                int j = columns[c];
                names[j] = part.Matrix.FunctionNames[c];
                faults[j] = part.Faults[c];
                for (int i = 0; i < n; i++)
                {
                    votes[((long)i * width) + j] = (sbyte)part.Matrix[i, c];
                }
            }
        }

        return new LabelingResult(LabelMatrix.Wrap(n, width, first.Matrix.ClassCount, votes, names), faults, first.Elapsed + second.Elapsed);
    }

    private LabelingStageResult Complete(
        LabelingResult applied,
        IReadOnlyList<LabeledExample<TItem>> seed,
        IReadOnlyList<LabeledExample<TItem>>? test,
        IReadOnlyList<ILabelingFunction<TItem>> functions,
        CancellationToken cancellationToken)
    {
        LabelMatrix? seedMatrix = seed.Count > 0 ? applier.Apply(seed.Select(e => e.Item), functions, classCount, cancellationToken: cancellationToken).Matrix : null;
        LabelMatrix? testMatrix = test is { Count: > 0 } && functions.Count > 0
            ? applier.Apply(test.Select(e => e.Item), functions, classCount, cancellationToken: cancellationToken).Matrix
            : null;
        return new LabelingStageResult(
            applied,
            seedMatrix,
            testMatrix,
            LabelingFunctionAnalysis.Analyze(applied.Matrix),
            seedMatrix is null ? null : LabelingFunctionAnalysis.Analyze(seedMatrix, [.. seed.Select(e => e.Label)]));
    }

    private static long OverrunsSoFar(ILabelingFunction<TItem> function) => function switch
    {
        BudgetOverrunCounter<TItem> counter => counter.Overruns,
        WorkerLabelingFunction<TItem> worker => worker.BudgetOverruns,
        _ => 0,
    };
}

/// <summary>What the labeling stage produced: the votes on every item with each function's faults, the votes on the seed and test items, and the analyses.</summary>
internal sealed record LabelingStageResult(
    LabelingResult Applied,
    LabelMatrix? SeedMatrix,
    LabelMatrix? TestMatrix,
    LabelingFunctionAnalysis Analysis,
    LabelingFunctionAnalysis? SeedAnalysis)
{
    /// <summary>Gets the budget overruns of each column on the job's items; none counted when empty.</summary>
    public IReadOnlyList<long> Overruns { get; init; } = [];
}
