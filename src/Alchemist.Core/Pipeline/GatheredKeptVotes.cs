namespace Alchemist;

/// <summary>
/// The votes of a run that was to keep them on its backend (<see cref="IVoteKeepingBackend"/>) but gathered them after
/// pass one because they barely repeat (<see cref="KeptVoteTable.CountIfBarelyRepeating"/>): the labeling stage's
/// result as the gathered mode makes it (the programs' matrix with room for the seed model's column, written by
/// <see cref="ShardGather"/>, within <see cref="LabelingPipelineOptions.MatrixMemoryBudget"/>), and the seed model's
/// votes that came with the shards, so that the run goes on as the gathered streamed run does without predicting them again.
/// </summary>
/// <param name="Labeled">The labeling stage's result: the programs' votes on every item, their faults, the seed and test matrices and the analyses, without the seed model's column.</param>
/// <param name="SeedModelColumn">The seed model's vote on every item, or <see langword="null"/> when it did not vote.</param>
/// <param name="SeedVotes">The seed items' matrix with the seed model's column, or <see langword="null"/> when it did not vote.</param>
/// <param name="TestVotes">The test items' matrix with the seed model's column, or <see langword="null"/>.</param>
internal sealed record GatheredKeptVotes(LabelingStageResult Labeled, sbyte[]? SeedModelColumn, LabelMatrix? SeedVotes, LabelMatrix? TestVotes)
{
    /// <summary>The number of shards whose votes are asked for at once.</summary>
    private const int ShardsInFlight = 4;

    /// <summary>Adds the seed model's column to the matrix in place, as <see cref="StreamedRun.AddSeedModelVoterAsync"/> does with the votes it predicts; the caller gives up <paramref name="votes"/>.</summary>
    /// <param name="votes">The programs' matrix of <see cref="Labeled"/>.</param>
    /// <param name="name">The column's name.</param>
    /// <returns>The matrix, seed matrix and test matrix with the seed model's column.</returns>
    public (LabelMatrix Votes, LabelMatrix SeedVotes, LabelMatrix? TestVotes) WithSeedModelColumn(LabelMatrix votes, string name)
    {
        sbyte[] column = SeedModelColumn ?? throw new InvalidOperationException("The gathered votes hold no seed model's column.");
        LabelMatrix all = votes.AppendColumnInPlace(name);
        int last = all.FunctionCount - 1;
        var chunk = new int[Math.Min(column.Length, 1 << 16)];
        for (int start = 0; start < column.Length; start += chunk.Length)
        {
            int count = Math.Min(chunk.Length, column.Length - start);
            for (int i = 0; i < count; i++)
            {
                chunk[i] = column[start + i];
            }

            all.WriteColumn(last, start, chunk.AsSpan(0, count));
        }

        return (all, SeedVotes!, TestVotes);
    }

    /// <summary>Asks every shard for its votes (a lost shard is labeled again from the source first) and writes them into one matrix, as the gathered mode does.</summary>
    /// <param name="shards">The kept shards.</param>
    /// <param name="itemCount">The run's number of items.</param>
    /// <param name="names">The programs' names, one column each; the shards' rows may have one more column, the seed model's.</param>
    /// <param name="classCount">The number of classes.</param>
    /// <param name="memoryBudget">The largest matrix held in memory, in bytes; a larger one is a mapped file the caller owns (<see cref="LabelMatrix.Mapped"/>).</param>
    /// <param name="spillDirectory">The folder of the spill file; the system's temporary folder when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the gathering.</param>
    /// <returns>The programs' matrix (with room for one more column when the rows have it) and faults, and the extra column's votes on every item, or <see langword="null"/> when the rows have none.</returns>
    public static async Task<(LabelMatrix Matrix, LabelingFunctionFaults[] Faults, sbyte[]? Column)> GatherAsync(
        IKeptVotes shards, int itemCount, string[] names, int classCount, long? memoryBudget, string? spillDirectory, CancellationToken cancellationToken)
    {
        IReadOnlyList<KeptShard> all = shards.Shards;
        int m = names.Length;
        int width = all.Count > 0 ? all[0].Width : m;
        if (width != m && width != m + 1)
        {
            throw new InvalidOperationException($"The backend kept rows of {width} votes for {m} programs.");
        }

        sbyte[]? column = width > m ? new sbyte[itemCount] : null;
        var gather = new ShardGather(itemCount, names, [.. Enumerable.Range(0, m)], width - m, classCount, memoryBudget, spillDirectory);
        try
        {
            var asked = new Queue<Task<sbyte[]>>();
            int next = 0;
            for (int s = 0; s < all.Count; s++)
            {
                while (next < all.Count && asked.Count < ShardsInFlight)
                {
                    asked.Enqueue(shards.VotesAsync(next++, cancellationToken));
                }

                sbyte[] votes = await asked.Dequeue().ConfigureAwait(false);
                KeptShard shard = all[s];
                sbyte[] programs = votes;
                if (column is not null)
                {
                    // The seed model's column is set apart; the programs' columns go into the matrix.
                    programs = new sbyte[(long)shard.ItemCount * m];
                    for (int i = 0; i < shard.ItemCount; i++)
                    {
                        votes.AsSpan(i * width, m).CopyTo(programs.AsSpan(i * m, m));
                        column[shard.FirstItem + i] = votes[(i * width) + m];
                    }
                }

                gather.Add(new LabeledShard(shard.FirstItem, new LabelMatrix(shard.ItemCount, m, classCount, programs, names), shard.Faults));
            }

            (LabelMatrix matrix, LabelingFunctionFaults[] faults) = gather.Complete();
            return (matrix, faults, column);
        }
        catch
        {
            gather.Abandon();
            throw;
        }
    }
}
