namespace Alchemist;

/// <summary>Represents what became of one labeling function in a run, a synthesized program or a hand-written function: kept with its figures, or dropped with the reason.</summary>
/// <remarks>A kept function is one column of <see cref="LabelingRun.Matrix"/>, named <see cref="Name"/>.</remarks>
public abstract record LabelingFunctionOutcome
{
    /// <summary>Gets the name of the function, which is also the name of its label-matrix column.</summary>
    public abstract string Name { get; }

    /// <summary>Gets a value indicating whether the function was kept and labeled the items.</summary>
    public required bool Kept { get; init; }

    /// <summary>Gets why the function was dropped, or <see langword="null"/> when it was kept.</summary>
    public GateDropReason? DropReason { get; init; }

    /// <summary>Gets the gate's sentence about a dropped function, or <see langword="null"/>.</summary>
    public string? DropMessage { get; init; }

    /// <summary>Gets the gate's figures on its sample and dev set, when the function got that far.</summary>
    public ProgramGateMetrics? GateMetrics { get; init; }

    /// <summary>Gets the analysis of a kept function's votes on all items (coverage, overlaps, conflicts, polarity), or <see langword="null"/> when dropped.</summary>
    public LabelingFunctionSummary? Analysis { get; init; }

    /// <summary>Gets a kept function's accuracy on the seed (dev) items it voted on, when there are seed items and it voted there.</summary>
    public double? DevAccuracy { get; init; }

    /// <summary>Gets a kept function's coverage of the seed (dev) items, when there are any.</summary>
    public double? DevCoverage { get; init; }

    /// <summary>Gets a kept function's faults while labeling all items, or <see langword="null"/> when dropped.</summary>
    public LabelingFunctionFaults? Faults { get; init; }

    /// <summary>Gets the accuracy the label model estimated for a kept function, which is how much its votes weigh, or <see langword="null"/> when the label model estimates none (majority vote) or the function was dropped.</summary>
    public double? LabelModelAccuracy { get; init; }
}
