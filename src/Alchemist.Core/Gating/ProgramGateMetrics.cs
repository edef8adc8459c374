namespace Alchemist;

/// <summary>Represents what the <see cref="ProgramGate"/> measured of a program on the sample and, when given, the dev set.</summary>
public sealed record ProgramGateMetrics
{
    /// <summary>Gets the number of sample items the program ran on.</summary>
    public int SampleItems { get; init; }

    /// <summary>Gets the number of sample items it voted on (did not abstain or fault).</summary>
    public int SampleVotes { get; init; }

    /// <summary>Gets the number of sample items it faulted on: threw, overran its budget or returned an invalid class.</summary>
    public long SampleFaults { get; init; }

    /// <summary>Gets a description of its first fault, or <see langword="null"/> when it never faulted.</summary>
    public string? FirstFault { get; init; }

    /// <summary>Gets the classes it voted for on the sample, in ascending order (its polarity).</summary>
    public IReadOnlyList<int> VotedClasses { get; init; } = [];

    /// <summary>Gets the number of dev items, or <see langword="null"/> when no dev set was given.</summary>
    public int? DevItems { get; init; }

    /// <summary>Gets the number of dev items it voted on, or <see langword="null"/> when no dev set was given.</summary>
    public int? DevVotes { get; init; }

    /// <summary>Gets the number of dev items it voted on correctly, or <see langword="null"/> when no dev set was given.</summary>
    public int? DevCorrect { get; init; }

    /// <summary>Gets the fraction of sample items it voted on.</summary>
    public double SampleCoverage => SampleItems == 0 ? 0 : (double)SampleVotes / SampleItems;

    /// <summary>Gets the fraction of sample items it faulted on.</summary>
    public double FaultRate => SampleItems == 0 ? 0 : (double)SampleFaults / SampleItems;

    /// <summary>Gets the fraction of dev items it voted on, or <see langword="null"/> without a dev set.</summary>
    public double? DevCoverage => DevItems is int n && DevVotes is int v ? (n == 0 ? 0 : (double)v / n) : null;

    /// <summary>Gets its accuracy on the dev items it voted on, or <see langword="null"/> without a dev set or without votes.</summary>
    public double? DevAccuracy => DevVotes is int v && v > 0 && DevCorrect is int c ? (double)c / v : null;
}
