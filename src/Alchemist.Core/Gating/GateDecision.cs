namespace Alchemist;

/// <summary>What the gate decided about one candidate: a program (compiled or not) or a hand-written function.</summary>
/// <typeparam name="TItem">The type of item.</typeparam>
internal sealed class GateDecision<TItem>(string name, LabelingProgram? program, ILabelingFunction<TItem>? function, IDisposable? owner)
{
    private IDisposable? _owner = owner;

    /// <summary>Gets the name of the candidate, which names its label-matrix column.</summary>
    public string Name { get; } = name;

    /// <summary>Gets the program, or <see langword="null"/> for a hand-written function.</summary>
    public LabelingProgram? Program { get; } = program;

    /// <summary>Gets the function, or <see langword="null"/> when the program did not compile.</summary>
    public ILabelingFunction<TItem>? Function { get; } = function;

    /// <summary>Gets the owner that unloads a compiled program the gate owns; <see langword="null"/> when a run's cache owns it.</summary>
    public IDisposable? Owner => _owner;

    /// <summary>Gets or sets what was measured, once the candidate ran.</summary>
    public ProgramGateMetrics? Metrics { get; set; }

    /// <summary>Gets or sets why the candidate was dropped, or <see langword="null"/> when it was kept.</summary>
    public GateDropReason? Reason { get; set; }

    /// <summary>Gets or sets the sentence explaining a drop.</summary>
    public string? Message { get; set; }

    /// <summary>Gets or sets the exact problems behind a drop (compiler or sandbox diagnostics).</summary>
    public IReadOnlyList<string> Problems { get; set; } = [];

    /// <summary>Gets or sets the name of the kept candidate this one duplicates.</summary>
    public string? DuplicateOf { get; set; }

    /// <summary>Gets a value indicating whether the candidate was kept.</summary>
    public bool Kept => Reason is null && Function is not null;

    /// <summary>Unloads a compiled program the gate owns, once.</summary>
    public void Unload() => Interlocked.Exchange(ref _owner, null)?.Dispose();

    /// <summary>Describes a dropped program for <see cref="ProgramGateResult{TItem}"/>.</summary>
    public DroppedProgram ToDroppedProgram() => new(Program!, Reason!.Value, Message!)
    {
        Problems = Problems,
        Metrics = Metrics,
        DuplicateOf = DuplicateOf,
    };
}

/// <summary>The gate's decisions: the hand-written functions in their order, then the programs in decision order (by name, then content hash).</summary>
/// <typeparam name="TItem">The type of item.</typeparam>
internal sealed record GateDecisions<TItem>(IReadOnlyList<GateDecision<TItem>> Functions, IReadOnlyList<GateDecision<TItem>> Programs);
