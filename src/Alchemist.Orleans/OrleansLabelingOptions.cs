namespace Alchemist;

/// <summary>Represents how an <see cref="OrleansLabelingBackend"/> cuts a run's items into shards and re-issues lost ones.</summary>
public sealed class OrleansLabelingOptions
{
    /// <summary>Gets or sets the number of items in a shard (the last one may hold fewer).</summary>
    /// <value>The default is 16,384: about 3 MB of short texts per call, small enough to re-run cheaply when a silo is lost.</value>
    public int ShardSize { get; set; } = 16_384;

    /// <summary>Gets or sets the most shards labeled at once across the cluster.</summary>
    /// <value>The default is 8. Each shard's items are in memory on its silo and at the coordinator while it runs.</value>
    public int MaxShardsInFlight { get; set; } = 8;

    /// <summary>Gets or sets how many times a shard is tried before the run fails: a shard whose silo was lost, or whose call failed, is issued again as a new grain.</summary>
    /// <value>The default is 10: placement may pick a lost silo again until the cluster's membership has declared it dead.</value>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>Gets or sets the wait before a shard's second attempt; each later attempt waits once more as long, so the cluster's membership can notice a lost silo.</summary>
    /// <value>The default is half a second.</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(0.5);

    /// <summary>Gets or sets the fault rate past which a shard stops calling a program; the same rate as the pipeline's own applier by default.</summary>
    /// <value>The default is 0.5, the pipeline's. A program is quarantined per shard, on the shard's own counts.</value>
    public double? QuarantineFaultRate { get; set; } = 0.5;

    /// <summary>Gets or sets a value indicating whether a streamed run's votes stay on the silos that made them: each shard grain keeps its shard's votes and returns only their distinct rows with counts (the mergeable statistics the label model is fitted from), and a second call per shard finds the end model's training sample; the coordinator holds no per-item votes.</summary>
    /// <value>The default is <see langword="false"/>: the shards' votes are gathered into one matrix at the coordinator.</value>
    /// <remarks>
    /// The labels are those of the plain streamed run, byte for byte, when its label model fits from statistics to the
    /// same model: <c>auto</c> (the default) and hyper do when the vote rows repeat, as real programs' do; the other
    /// built-in models' fits from statistics are tested equal to their matrix fits to 1e-12, not bit for bit. A run whose
    /// rows barely repeat (more than half of the first 65,536 distinct) gathers the shards' votes from the silos after the
    /// first pass and goes on as the gathered run, with a warning. Only for a streamed job (<see cref="LabelingJob{TItem}.Source"/>)
    /// without hand-written functions; other jobs are refused before any work. <see cref="LabelingRun.Matrix"/> then has
    /// no items, and <see cref="LabelingRun.VoteStatistics"/> holds the votes' statistics (unless the votes were
    /// gathered). A shard whose grain is lost between the passes is labeled again from the source. See docs/orleans.md.
    /// </remarks>
    public bool KeepVotesOnSilos { get; set; }

    /// <summary>Gets or sets a value indicating whether a streamed run's items are predicted on the silos: the trained end model is shipped to each silo once (its saved bytes, checked by their SHA-256) and the items go shard by shard to be predicted there; the coordinator breaks ties and writes the labels in item order.</summary>
    /// <value>The default is <see langword="true"/>: the end model's prediction, a large part of a big run, then scales with the silos.</value>
    /// <remarks>
    /// The labels are those of a prediction at the coordinator, byte for byte. Only a model another process can rebuild
    /// is shipped: the built-in logistic regression over plain text (<see cref="LogisticRegressionEndModel.ForText"/>,
    /// the default end model) without embedding features. Any other model (a host's own <see cref="IEndModel{TItem}"/>,
    /// another text selector, an embedding generator) is predicted at the coordinator, as with this option off. With
    /// <see cref="KeepVotesOnSilos"/>, the seed-model voter's column is predicted on the silos too, from the shipped
    /// seed-only model. A shard whose call is lost is predicted again as a new grain, as in the labeling pass. On a
    /// cluster of one machine the pass only adds its messages. See docs/orleans.md.
    /// </remarks>
    public bool PredictOnSilos { get; set; } = true;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ShardSize, 1, nameof(ShardSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxShardsInFlight, 1, nameof(MaxShardsInFlight));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1, nameof(MaxAttempts));
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryDelay, TimeSpan.Zero, nameof(RetryDelay));
        if (QuarantineFaultRate is { } rate && !(rate > 0 && rate <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(QuarantineFaultRate), rate, "The quarantine fault rate must be in (0, 1], or null for none.");
        }
    }
}
