namespace Alchemist;

/// <summary>Represents which statistics <see cref="LabelStatistics.Compute(LabelMatrix, LabelStatisticsOptions?)"/> gathers beside the vote counts.</summary>
/// <remarks>Leaving out what a model does not need saves time and memory on large matrices; by default everything is gathered.</remarks>
public sealed class LabelStatisticsOptions
{
    /// <summary>Gets or sets a value indicating whether pairwise overlap, agreement and joint vote counts are gathered; the moment-based models need them.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool IncludePairCounts { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether the distinct vote rows and their counts are gathered; EM-based models and vote-based class balance estimates need them.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool IncludeDistinctRows { get; set; } = true;
}
