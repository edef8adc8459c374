namespace Alchemist;

/// <summary>Compiles programs for the <see cref="ProgramGate"/> in sandbox worker processes: the functions it returns run there too.</summary>
internal sealed class WorkerGateCompiler(WorkerProgramHost host) : GateCompiler
{
    /// <summary>Gets the host that compiles and runs the programs.</summary>
    public WorkerProgramHost Host => host;

    public override GateCompilation<TItem> Compile<TItem>(LabelingProgram program, CancellationToken cancellationToken)
    {
        WorkerCompilation<TItem> compilation = host.Compile<TItem>(program, cancellationToken);
        if (compilation.Function is { } function)
        {
            return GateCompilation<TItem>.Compiled(function, compilation);
        }

        GateDropReason reason = compilation.Diagnostics.Any(d => d.Rule == SandboxRules.Compile) ? GateDropReason.CompileFailed : GateDropReason.SandboxRejected;
        return GateCompilation<TItem>.Rejected(reason, [.. compilation.Diagnostics.Select(d => d.ToString())]);
    }
}
