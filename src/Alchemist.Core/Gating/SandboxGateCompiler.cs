namespace Alchemist;

/// <summary>Compiles programs for the <see cref="ProgramGate"/> in the sandbox: on its own (each compilation owned, and unloaded, by the gate's result) or through a run's <see cref="ProgramCache"/> (which owns them, so each distinct program is compiled once per run).</summary>
internal sealed class SandboxGateCompiler : GateCompiler
{
    /// <summary>The <see cref="SandboxDiagnostic.Rule"/> of a C# compiler error.</summary>
    private const string CompileRule = "compile";

    private readonly ProgramCompiler? _compiler;
    private readonly ProgramCache? _cache;

    public SandboxGateCompiler(ProgramCompiler compiler) => _compiler = compiler;

    public SandboxGateCompiler(ProgramCache cache) => _cache = cache;

    public override GateCompilation<TItem> Compile<TItem>(LabelingProgram program, CancellationToken cancellationToken)
    {
        ProgramCompilation<TItem> compilation = _cache is not null
            ? _cache.GetOrCompile<TItem>(program, cancellationToken)
            : _compiler!.Compile<TItem>(program, cancellationToken);
        ProgramCompilation<TItem>? owner = _cache is null ? compilation : null;
        if (compilation.Succeeded)
        {
            return GateCompilation<TItem>.Compiled(compilation.Function!, owner);
        }

        owner?.Dispose();
        GateDropReason reason = compilation.Diagnostics.Any(d => d.Rule == CompileRule) ? GateDropReason.CompileFailed : GateDropReason.SandboxRejected;
        return GateCompilation<TItem>.Rejected(reason, [.. compilation.Diagnostics.Select(d => d.ToString())]);
    }
}
