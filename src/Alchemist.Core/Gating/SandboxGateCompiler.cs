namespace Alchemist;

/// <summary>Compiles programs for the <see cref="ProgramGate"/> in the sandbox.</summary>
internal sealed class SandboxGateCompiler(ProgramCompiler compiler) : GateCompiler
{
    /// <summary>The <see cref="SandboxDiagnostic.Rule"/> of a C# compiler error.</summary>
    private const string CompileRule = "compile";

    public override GateCompilation<TItem> Compile<TItem>(LabelingProgram program, CancellationToken cancellationToken)
    {
        ProgramCompilation<TItem> compilation = compiler.Compile<TItem>(program, cancellationToken);
        if (compilation.Succeeded)
        {
            return GateCompilation<TItem>.Compiled(compilation.Function!, compilation);
        }

        using (compilation)
        {
            GateDropReason reason = compilation.Diagnostics.Any(d => d.Rule == CompileRule) ? GateDropReason.CompileFailed : GateDropReason.SandboxRejected;
            return GateCompilation<TItem>.Rejected(reason, [.. compilation.Diagnostics.Select(d => d.ToString())]);
        }
    }
}
