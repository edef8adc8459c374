using System.Globalization;
using Microsoft.Extensions.AI;

namespace Alchemist;

/// <content>
/// A streamed run whose votes stay on the backend that made them (<see cref="IVoteKeepingBackend"/>, the Orleans
/// backend with <c>KeepVotesOnSilos</c>): the shards return their distinct vote rows with counts, the label model is
/// fitted from their merged statistics, and a second call per shard finds the end model's training sample. The labels
/// are those of the plain streamed run, which reads the same figures from its matrix: the merged rows are the matrix's
/// grouped rows in the same order (first occurrence) with the same counts.
/// </content>
public sealed partial class LabelingPipeline
{
    /// <summary>Refuses, before any work, a job whose votes are to stay on its backend but cannot.</summary>
    private void ThrowIfVotesCannotStayOnBackend<TItem>(LabelingJob<TItem> job)
    {
        if (job.LabelingBackend is not IVoteKeepingBackend { KeepsVotes: true })
        {
            return;
        }

        if (job.Source is null)
        {
            throw new ArgumentException(
                "Keeping the votes on the cluster (KeepVotesOnSilos) needs a streamed job (LabelingJob.Source): a job with its items in a list holds them, and its matrix, here anyway. Give the items as a source, or turn KeepVotesOnSilos off.",
                nameof(job));
        }

        if (job.Functions.Count > 0)
        {
            throw new ArgumentException(
                "Keeping the votes on the cluster (KeepVotesOnSilos) needs every kept function to be a program the silos compile; hand-written functions (LabelingJob.Functions) run in this process and would need every item's votes here. Leave KeepVotesOnSilos off to gather the votes instead.",
                nameof(job));
        }

        if (_options().EmbeddingGenerator is not null || _services?.GetService(typeof(IEmbeddingGenerator<string, Embedding<float>>)) is not null)
        {
            throw new ArgumentException(
                "Keeping the votes on the cluster (KeepVotesOnSilos) cannot keep the votes of concept programs: with an embedding generator (LabelingPipelineOptions.EmbeddingGenerator, or one registered) the run computes concept scores here, so their programs' votes are made here too. Leave the embedding generator out, or KeepVotesOnSilos off to gather the votes instead.",
                nameof(job));
        }
    }

    /// <summary>
    /// Runs a streamed job whose votes stay on the backend from the labeling stage on. When the votes barely repeat
    /// (<see cref="KeptVoteTable.CountIfBarelyRepeating"/>), the shards' votes are gathered into one matrix instead, as
    /// the gathered mode writes them (the seed model's column kept apart), for the caller to go on as the gathered run does.
    /// </summary>
    /// <returns>The finished run; or, for votes that barely repeat, the gathered votes (the labeling stage's result as the gathered mode makes it, and the seed model's votes), the run's apply stage still open.</returns>
    private async Task<(LabelingRun<TItem>? Run, GatheredKeptVotes? Gathered)> RunKeepingVotesAsync<TItem>(
        LabelingRunContext<TItem> run,
        StreamedItems<TItem> streamed,
        IVoteKeepingBackend backend,
        GateDecisions<TItem> gated,
        GateDecision<TItem>[] kept,
        DistillationStage<TItem> distillation,
        bool seedModelVoted,
        IEndModel<TItem> endModel)
    {
        LabelingJob<TItem> job = run.Job;
        LabelingPipelineOptions options = run.Options;
        CancellationToken cancellationToken = run.CancellationToken;
        IReadOnlyList<LabeledExample<TItem>> seed = job.SeedSet;
        int k = job.Task.ClassCount;
        if (kept.Any(d => d.Program is null))
        {
            throw new InvalidOperationException("Keeping the votes on the cluster needs every kept function to be a program; a hand-written function was kept.");
        }

        // The seed and test items are labeled here, as in every run; the items' votes on the silos.
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        ILabelingFunction<TItem>[] functions = [.. kept.Select(d => d.Function!)];
        string[] names = [.. kept.Select(d => d.Program!.Name)];
        LabelMatrix? seedVotes = seed.Count > 0 ? _applier.Apply(seed.Select(e => e.Item), functions, k, cancellationToken: cancellationToken).Matrix : null;
        LabelMatrix? testVotes = job.TestSet is { Count: > 0 } test ? _applier.Apply(test.Select(e => e.Item), functions, k, cancellationToken: cancellationToken).Matrix : null;
        LabelingFunctionAnalysis? seedAnalysis = seedVotes is null ? null : LabelingFunctionAnalysis.Analyze(seedVotes, [.. seed.Select(e => e.Label)]);
        (LabelMatrix? programSeedVotes, LabelMatrix? programTestVotes) = (seedVotes, testVotes);

        // The seed model's column is predicted where the items are read, shard by shard, and travels with them.
        Func<string[], CancellationToken, Task<int[]>>? seedColumn = null;
        ShippedEndModel? seedColumnModel = null;
        if (seedModelVoted)
        {
            (_, sbyte[] onSeed, sbyte[]? onTest) = await distillation.SeedModelVotesAsync([], seed, testVotes is null ? null : job.TestSet!.Select(e => e.Item).ToArray(), cancellationToken).ConfigureAwait(false);
            ITrainedEndModel<TItem> seedModel = await distillation.SeedOnlyModelAsync(seed, cancellationToken).ConfigureAwait(false);
            seedVotes = seedVotes!.AppendColumn(SeedModelVoterName, onSeed);
            testVotes = onTest is null ? null : testVotes!.AppendColumn(SeedModelVoterName, onTest);
            // Shipped, the silos predict the column where the shards run; otherwise it is predicted here, shard by shard.
            seedColumnModel = ShippedEndModel.TryShip(seedModel);
            seedColumn = async (items, token) =>
                (await seedModel.PredictProbabilitiesAsync((IReadOnlyList<TItem>)(object)items, token).ConfigureAwait(false)).Predict(TieBreak.ClassPrior);
        }

        IKeptVotes shards = await backend.ApplyKeepingVotesAsync(
            [.. kept.Select(d => d.Program!)],
            token => (IAsyncEnumerable<string>)(object)streamed.ItemsAsync(token),
            k,
            seedColumn,
            seedColumnModel,
            KeptVoteTable.CompactSample,
            ApplyProgress(run.Progress, streamed.Count),
            cancellationToken).ConfigureAwait(false);
        await using (shards.ConfigureAwait(false))
        {
            if (KeptVoteTable.CountIfBarelyRepeating(shards.Shards, streamed.Count) is int distinct)
            {
                // Finished work is not thrown away: the votes are still on the silos, and come here to go on as the gathered run.
                run.Warnings.Add(string.Create(CultureInfo.InvariantCulture, $"The votes barely repeat ({distinct} distinct rows in the first {KeptVoteTable.CompactSample} items), so they were gathered from the cluster into one matrix here, as without KeepVotesOnSilos: the label model is fitted on the rows themselves, as the run with the matrix fits them, and the run holds every item's votes (LabelingRun.Matrix; no VoteStatistics)."));
                (LabelMatrix matrix, LabelingFunctionFaults[] faults, sbyte[]? column) = await GatheredKeptVotes.GatherAsync(
                    shards, streamed.Count, names, k, options.MatrixMemoryBudget, SpoolDirectory, cancellationToken).ConfigureAwait(false);
                var gathered = new LabelingStageResult(
                    new LabelingResult(matrix, faults, System.Diagnostics.Stopwatch.GetElapsedTime(started)), programSeedVotes, programTestVotes, LabelingFunctionAnalysis.Analyze(matrix), seedAnalysis);
                return (null, new GatheredKeptVotes(gathered, column, seedModelVoted ? seedVotes : null, seedModelVoted ? testVotes : null));
            }

            KeptVoteTable votes = KeptVoteTable.Merge(shards.Shards, streamed.Count, names.Length);
            var labeled = new LabelingStageResult(
                new LabelingResult(new LabelMatrix(0, names.Length, k, ReadOnlySpan<sbyte>.Empty, names), KeptVoteTable.MergeFaults(shards.Shards, names), System.Diagnostics.Stopwatch.GetElapsedTime(started)),
                seedVotes,
                testVotes,
                LabelingFunctionAnalysis.Analyze(votes.Rows, names.Length, k, names),
                seedAnalysis);
            run.End(PipelineStage.Apply);

            run.Begin(PipelineStage.Aggregate, "Fitting the label model from the shards' statistics");
            string[] columns = seedModelVoted ? [.. names, SeedModelVoterName] : names;
            LabelStatistics statistics = LabelStatistics.FromRows(votes.Rows, k, columns);
            var aggregation = new AggregationStage(_catalog, options.LabelModel, options.SelectionMetric, options.Seed);
            LabelModel labelModel = aggregation.FitModel(statistics, seedVotes, [.. seed.Select(e => e.Label)], run.Warnings, cancellationToken);
            double[] distributions = votes.Predict(labelModel, k);
            run.End(PipelineStage.Aggregate);

            run.Begin(PipelineStage.Distill, $"Training the end model ({endModel.Name})");
            // The nested final choice's items are gathered in the same read as the training items; its fold runs are list runs here.
            NestedChoiceSample<TItem>? foldSample = run.ChoiceRule == EndModelChoiceRule.NestedSignTest ? new(streamed.Count, NestedChoiceItemBound, options.Seed) : null;
            EndModelTrainingSet<TItem> sample = await votes.TrainingSampleAsync(shards, streamed, distributions, k, options.EndModelSampleSize, options.Seed, cancellationToken, foldSample).ConfigureAwait(false);
            ITrainedEndModel<TItem> distilled = await distillation.TrainOnAsync(sample, seed, cancellationToken).ConfigureAwait(false);
            (ITrainedEndModel<TItem> trained, EndModelChoice? choice, string? choiceSkipReason) = await ChooseShippedAsync(run, endModel, distillation, distilled, sample, foldSample?.Items).ConfigureAwait(false);
            foldSample = null;
            StreamedLabelSummary streamedLabels = await StreamedRun.PredictAsync(trained, streamed, job.LabelSink!, k, options.Seed, cancellationToken, job.LabelingBackend).ConfigureAwait(false);
            RunScores? testScores = await ScoreTestAsync(run, distillation, trained, labelModel, testVotes).ConfigureAwait(false);
            (ITrainedEndModel<TItem>? seedOnlyModel, DirectLabelingEstimate? direct) = await FinishAsync(run, distillation).ConfigureAwait(false);

            return (new LabelingRun<TItem>
            {
                TrainedEndModel = trained,
                SeedOnlyModel = seedOnlyModel,
                DistilledEndModel = distilled,
                EndModelChoice = choice,
                EndModelChoiceSkipReason = choiceSkipReason,
                Task = job.Task,
                DatasetName = job.DatasetName ?? job.Task.Name,
                ItemIds = [],
                Probabilities = new ClassProbabilities(0, k, Array.Empty<double>()),
                Labels = [],
                StreamedLabels = streamedLabels,
                LabelModelProbabilities = null,
                Matrix = labeled.Applied.Matrix,
                VoteStatistics = LabelStatistics.FromRows(votes.ProgramRows(), k, names),
                MatrixSpillBytes = null,
                SeedModelVoted = seedModelVoted,
                Programs = [.. RunOutcomes.Of(gated.Programs, kept, labeled, labelModel).Cast<ProgramOutcome>()],
                Functions = [.. RunOutcomes.Of(gated.Functions, kept, labeled, labelModel).Cast<FunctionOutcome>()],
                ProgramsCompiled = run.Programs.Compilations,
                Analysis = labeled.Analysis,
                LabelModel = labelModel.FitReport,
                EndModel = trained.TrainingReport,
                EndModelName = endModel.Name,
                Test = testScores,
                SeedItems = seed.Count,
                SynthesisCost = run.Ledger.GetSummary(),
                DirectLabeling = direct,
                SynthesisAttempts = run.Log.GetOrderedAttempts(),
                Timings = run.Timings,
                Elapsed = run.Elapsed,
                StartedAt = run.StartedAt,
                Warnings = run.Warnings,
                Seed = options.Seed,
                Concepts = ConceptStage.Summarize(run),
            }, null);
        }
    }
}
