using Microsoft.Extensions.AI;

namespace Alchemist;

/// <summary>
/// The first step of a run with an embedding generator: embeds every item the run's programs are applied to (the
/// job's items, seed items and test items), once and in batches, and the seed prototypes, so that concept programs
/// read their scores from a table.
/// </summary>
internal static class ConceptStage
{
    /// <summary>Computes the run's concept scores when an embedding generator is configured or registered.</summary>
    /// <param name="run">The run.</param>
    /// <param name="services">Where the generators may be registered, or <see langword="null"/>.</param>
    /// <param name="synthesizers">The run's synthesizers: in a streamed run, the items they read the scores of are scored here with the gate sample, the seed and the test items; every other item is scored as the applier reads it (<see cref="ConceptScores{TItem}.StreamAsync"/>).</param>
    public static async Task PrepareAsync<TItem>(LabelingRunContext<TItem> run, IServiceProvider? services, IReadOnlyList<IProgramSynthesizer> synthesizers)
    {
        IEmbeddingGenerator<string, Embedding<float>>? text = run.Options.EmbeddingGenerator ??
            services?.GetService(typeof(IEmbeddingGenerator<string, Embedding<float>>)) as IEmbeddingGenerator<string, Embedding<float>>;
        if (text is null)
        {
            return;
        }

        LabelingJob<TItem> job = run.Job;
        if (job.InheritedConcepts?.ForSeedSet(job.SeedSet, job.Task.ClassCount) is { } inherited)
        {
            // A fold run of the final check: its items and seed items were embedded by the run it belongs to.
            run.Concepts = inherited;
            return;
        }

        IEmbeddingGenerator<TItem, Embedding<float>>? items = text as IEmbeddingGenerator<TItem, Embedding<float>> ?? job.ItemEmbeddingGenerator ??
            services?.GetService(typeof(IEmbeddingGenerator<TItem, Embedding<float>>)) as IEmbeddingGenerator<TItem, Embedding<float>>;
        if (items is null)
        {
            run.Warnings.Add($"The run has a text embedding generator but none for its {typeof(TItem).Name} items, so it has no concept scores: set LabelingJob.ItemEmbeddingGenerator or register an IEmbeddingGenerator<{typeof(TItem).Name}, Embedding<float>> that embeds into the same space as the text generator.");
            return;
        }

        // A streamed run scores here only the items read before labeling: the gate sample and the synthesizers' sample.
        IReadOnlyList<TItem> before = job.Source is null ? job.Items : StreamedBeforeLabeling(run, synthesizers);
        int count = before.Count + job.SeedSet.Count + (job.TestSet?.Count ?? 0);
        run.Begin(PipelineStage.Embed, $"Embedding {count:N0} items for concept scores");
        IEnumerable<TItem> all = before.Concat(job.SeedSet.Select(e => e.Item)).Concat(job.TestSet?.Select(e => e.Item) ?? []);
        run.Concepts = await ConceptScores<TItem>.CreateAsync(all, job.SeedSet, job.Task.ClassCount, items, text, run.Options.EmbeddingCacheFolder, run.CancellationToken).ConfigureAwait(false);
        run.End(PipelineStage.Embed);
    }

    /// <summary>The items of a streamed run whose concept scores are read before it labels its items: the gate sample and the offline synthesizers' unlabeled sample (read by index, in ascending order).</summary>
    private static TItem[] StreamedBeforeLabeling<TItem>(LabelingRunContext<TItem> run, IReadOnlyList<IProgramSynthesizer> synthesizers)
    {
        int[] indices = [.. synthesizers.OfType<OfflineProgramSynthesizer>().SelectMany(s => s.UnlabeledSampleIndices(run.Items.Count)).Distinct().Order()];
        return [.. run.Sample, .. indices.Select(i => run.Items[i])];
    }

    /// <summary>Describes what the run embedded, or <see langword="null"/> when it had no concept scores.</summary>
    public static ConceptScoresSummary? Summarize<TItem>(LabelingRunContext<TItem> run) => run.Concepts is not { } scores
        ? null
        : new ConceptScoresSummary(scores.ModelId, scores.ItemCount, scores.Table.Phrases, scores.PrototypeCount, scores.Generated, scores.FromCache, scores.EmbeddingTime);
}
