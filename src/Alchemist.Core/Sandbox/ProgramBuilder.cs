using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;

namespace Alchemist;

/// <summary>Takes one program through the sandbox layers: parse, check, rewrite and emit.</summary>
internal static class ProgramBuilder
{
    private const string ProgramPath = "program.cs";

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.None, SourceCodeKind.Regular);

    private static readonly CSharpCompilationOptions CompilationOptions = new(
        OutputKind.DynamicallyLinkedLibrary,
        optimizationLevel: OptimizationLevel.Release,
        allowUnsafe: false,
        nullableContextOptions: NullableContextOptions.Enable,
        concurrentBuild: false,
        deterministic: true,
        checkOverflow: false);

    /// <summary>Builds a program; the result holds either the emitted image or the diagnostics.</summary>
    public static BuildResult Build(LabelingProgram program, ItemTypeContext item, SandboxOptions options, CancellationToken cancellationToken)
    {
        string source = program.Source;
        if (source.Length > options.MaxSourceLength)
        {
            return BuildResult.Rejected(new SandboxDiagnostic(SandboxRules.Size, string.Create(CultureInfo.InvariantCulture,
                $"The program has {source.Length:N0} characters, more than the {options.MaxSourceLength:N0} the sandbox accepts; write a shorter program."), 0, 0));
        }

        SyntaxTree tree = CSharpSyntaxTree.ParseText(source, ParseOptions, ProgramPath, cancellationToken: cancellationToken);
        SyntaxTree implicitTree = CSharpSyntaxTree.ParseText(item.ImplicitSource, ParseOptions, "implicit.g.cs", cancellationToken: cancellationToken);
        var sink = new DiagnosticSink(tree);
        ProgramSyntaxChecker.Check(tree, sink);

        CSharpCompilation compilation = CSharpCompilation.Create(
            "alchemist-program-" + program.ContentHash[..16],
            [tree, implicitTree],
            [.. SandboxReferences.FrameworkReferences, .. item.References],
            CompilationOptions);

        foreach (Diagnostic diagnostic in compilation.GetDiagnostics(cancellationToken))
        {
            if (diagnostic.Severity == DiagnosticSeverity.Error)
            {
                sink.Add(SandboxRules.Compile, $"{diagnostic.Id}: {diagnostic.GetMessage(CultureInfo.InvariantCulture)}", diagnostic.Location);
            }
        }

        bool compiled = sink.Count == 0 || !sink.HasRule(SandboxRules.Compile);
        SemanticModel model = compilation.GetSemanticModel(tree);
        HashSet<INamedTypeSymbol> hostTypes = ResolveHostTypes(compilation, item);
        ProgramSymbolChecker.Check(model, hostTypes, sink, cancellationToken);

        ITypeSymbol? itemType = ItemTypeContext.Resolve(compilation, item.References, item.Assemblies, item.ItemType);
        IMethodSymbol? entryPoint = itemType is null ? null : EntryPointFinder.Find(compilation, tree, itemType, sink);
        if (itemType is null)
        {
            sink.Add(SandboxRules.EntryPoint, $"The item type '{item.ItemType}' cannot be used by programs; label a string or a type of your own assembly.", null);
        }

        if (compiled && sink.Count == 0)
        {
            MutationAnalyzer.Analyze(model, entryPoint, sink, cancellationToken);
        }

        if (sink.Count > 0 || entryPoint is null)
        {
            return BuildResult.Rejected(sink.ToList());
        }

        SyntaxNode rewrittenRoot = ProgramRewriter.Rewrite(model, options.ChargeSteps);
        SyntaxTree rewrittenTree = tree.WithRootAndOptions(rewrittenRoot, ParseOptions);
        CSharpCompilation emitted = compilation.AddReferences(SandboxReferences.CoreReference).ReplaceSyntaxTree(tree, rewrittenTree);
        string rewrittenSource = rewrittenRoot.ToFullString();

        using var image = new MemoryStream();
        EmitResult result = emitted.Emit(image, cancellationToken: cancellationToken);
        if (!result.Success)
        {
            var errors = new DiagnosticSink(rewrittenTree);
            foreach (Diagnostic diagnostic in result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error))
            {
                errors.Add(SandboxRules.Compile, $"{diagnostic.Id} after the sandbox rewrite (a sandbox bug; please report it with the program): {diagnostic.GetMessage(CultureInfo.InvariantCulture)}", diagnostic.Location);
            }

            return BuildResult.Rejected(errors.ToList()) with { RewrittenSource = rewrittenSource };
        }

        return new BuildResult([], image.ToArray(), SandboxAllowList.MetadataName(entryPoint.ContainingType), rewrittenSource);
    }

    private static HashSet<INamedTypeSymbol> ResolveHostTypes(Compilation compilation, ItemTypeContext item)
    {
        var symbols = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        foreach (Type type in item.HostTypes)
        {
            if (ItemTypeContext.Resolve(compilation, item.References, item.Assemblies, type) is INamedTypeSymbol symbol)
            {
                symbols.Add(symbol.OriginalDefinition);
            }
        }

        return symbols;
    }
}

/// <summary>The outcome of <see cref="ProgramBuilder.Build"/>.</summary>
/// <param name="Diagnostics">Why the program was rejected; empty when it was built.</param>
/// <param name="Image">The emitted assembly, or <see langword="null"/> when rejected.</param>
/// <param name="EntryTypeName">The reflection name of the type that holds <c>Label</c>.</param>
/// <param name="RewrittenSource">The source after the sandbox rewrite, when the program got that far.</param>
internal sealed record BuildResult(IReadOnlyList<SandboxDiagnostic> Diagnostics, byte[]? Image, string? EntryTypeName, string? RewrittenSource)
{
    public static BuildResult Rejected(IReadOnlyList<SandboxDiagnostic> diagnostics) => new(diagnostics, null, null, null);

    public static BuildResult Rejected(SandboxDiagnostic diagnostic) => new([diagnostic], null, null, null);
}
