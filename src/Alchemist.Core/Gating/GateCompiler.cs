namespace Alchemist;

/// <summary>Compiles a program for the <see cref="ProgramGate"/>: the sandbox in production, a map of hand-written functions in tests.</summary>
internal abstract class GateCompiler
{
    /// <summary>Compiles a program into a labeling function, or says why it cannot be.</summary>
    public abstract GateCompilation<TItem> Compile<TItem>(LabelingProgram program, CancellationToken cancellationToken);
}

/// <summary>The outcome of <see cref="GateCompiler.Compile"/>: a function and the owner that unloads it, or a rejection with its messages.</summary>
internal sealed record GateCompilation<TItem>(ILabelingFunction<TItem>? Function, IDisposable? Owner, GateDropReason? Rejection, IReadOnlyList<string> Problems)
{
    public static GateCompilation<TItem> Compiled(ILabelingFunction<TItem> function, IDisposable? owner) => new(function, owner, null, []);

    public static GateCompilation<TItem> Rejected(GateDropReason reason, IReadOnlyList<string> problems) => new(null, null, reason, problems);
}
