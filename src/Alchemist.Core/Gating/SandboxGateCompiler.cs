namespace Alchemist;

/// <summary>Compiles programs for the <see cref="ProgramGate"/> in the sandbox, in this process; each compilation is owned (and unloaded) by whoever asked for it, or by a run's <see cref="ProgramCache"/>.</summary>
internal sealed class SandboxGateCompiler(ProgramCompiler compiler) : GateCompiler
{
    public override GateCompilation<TItem> Compile<TItem>(LabelingProgram program, CancellationToken cancellationToken)
    {
        ProgramCompilation<TItem> compilation = compiler.Compile<TItem>(program, cancellationToken);
        if (compilation.Succeeded)
        {
            return GateCompilation<TItem>.Compiled(compilation.Function!, compilation);
        }

        using (compilation)
        {
            GateDropReason reason = compilation.Diagnostics.Any(d => d.Rule == SandboxRules.Compile) ? GateDropReason.CompileFailed : GateDropReason.SandboxRejected;
            return GateCompilation<TItem>.Rejected(reason, [.. compilation.Diagnostics.Select(d => d.ToString())]);
        }
    }
}
