namespace Alchemist;

/// <summary>
/// The unlabeled items the fold runs of <see cref="EndModelChoiceRule.NestedSignTest"/> label: at most
/// <see cref="DefaultBound"/> of the job's items, a seeded uniform sample (<see cref="SeededSample"/>) in item order, or
/// every item in its order when the job has no more. A streamed job's sample is gathered in the read that gathers the
/// end model's training items (<see cref="StreamedRun.TrainingSampleAsync"/>), so the source is not read once more for it.
/// </summary>
/// <typeparam name="TItem">The type of item.</typeparam>
internal sealed class NestedChoiceSample<TItem>
{
    /// <summary>The most unlabeled items a fold run labels.</summary>
    public const int DefaultBound = 100_000;

    /// <summary>Initializes a new instance of the <see cref="NestedChoiceSample{TItem}"/> class: which of a streamed job's items to gather.</summary>
    /// <param name="itemCount">The number of items the job has.</param>
    /// <param name="bound">The most items to take.</param>
    /// <param name="seed">The run's seed.</param>
    public NestedChoiceSample(int itemCount, int bound, int seed)
    {
        Indices = SeededSample.SparseIndices(itemCount, bound, seed);
    }

    /// <summary>Gets the indices of the sampled items, ascending.</summary>
    public int[] Indices { get; }

    /// <summary>Gets the sampled items, in item order, once gathered; <see langword="null"/> before.</summary>
    public IReadOnlyList<TItem>? Items { get; set; }

    /// <summary>Takes the sample of a job whose items are listed: the list itself when it holds no more than <paramref name="bound"/> items.</summary>
    /// <param name="items">The job's items.</param>
    /// <param name="bound">The most items to take.</param>
    /// <param name="seed">The run's seed.</param>
    /// <returns>The sampled items, in item order.</returns>
    public static IReadOnlyList<TItem> Of(IReadOnlyList<TItem> items, int bound, int seed) =>
        items.Count <= bound ? items : [.. SeededSample.SparseIndices(items.Count, bound, seed).Select(i => items[i])];
}
