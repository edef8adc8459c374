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

        if (SourcePrescan.MaxDepth(source, out int deepAt) > SourcePrescan.MaxNesting)
        {
            int line = 1 + source.AsSpan(0, deepAt).Count('\n');
            int column = deepAt - source.LastIndexOf('\n', Math.Max(0, deepAt - 1));
            return BuildResult.Rejected(new SandboxDiagnostic(SandboxRules.Syntax, string.Create(CultureInfo.InvariantCulture,
                $"The program nests brackets or interpolated strings more than {SourcePrescan.MaxNesting} deep; write flatter code."), line, column));
        }

        SyntaxTree tree = CSharpSyntaxTree.ParseText(source, ParseOptions, ProgramPath, cancellationToken: cancellationToken);
        SyntaxTree implicitTree = CSharpSyntaxTree.ParseText(item.ImplicitSource, ParseOptions, "implicit.g.cs", cancellationToken: cancellationToken);
        var sink = new DiagnosticSink(tree);
        ProgramSyntaxChecker.Check(tree, sink);
        if (sink.StopBeforeBinding)
        {
            return BuildResult.Rejected(sink.ToList());
        }

        // A program that may take concept scores is checked against Alchemist.Core too, for the Concepts type (named
        // without a using directive through an implicit alias); every other type of Alchemist.Core is off the allow-list.
        bool mayUseConcepts = ConceptPhraseCollector.MayUseConcepts(source);
        List<SyntaxTree> trees = [tree, implicitTree];
        if (mayUseConcepts && !ConceptPhraseCollector.DeclaresConcepts(tree, cancellationToken) && !item.HostTypes.Any(t => t.Name == "Concepts"))
        {
            trees.Add(CSharpSyntaxTree.ParseText("global using Concepts = global::" + ConceptPhraseCollector.ConceptsTypeName + ";", ParseOptions, "concepts.g.cs", cancellationToken: cancellationToken));
        }

        CSharpCompilation compilation = CSharpCompilation.Create(
            "alchemist-program-" + program.ContentHash[..16],
            trees,
            mayUseConcepts ? [.. SandboxReferences.FrameworkReferences, .. item.References, SandboxReferences.CoreReference] : [.. SandboxReferences.FrameworkReferences, .. item.References],
            CompilationOptions);

        // The checks bind the program once through this model; the emit of the rewritten program binds it again. Compiler
        // errors are collected from the model only when the program is rejected anyway or fails to emit, which keeps an
        // accepted program at two bindings.
        SemanticModel model = compilation.GetSemanticModel(tree);
        HashSet<INamedTypeSymbol> hostTypes = ResolveHostTypes(compilation, item);
        INamedTypeSymbol? conceptsType = mayUseConcepts && compilation.GetAssemblyOrModuleSymbol(SandboxReferences.CoreReference) is IAssemblySymbol core
            ? core.GetTypeByMetadataName(ConceptPhraseCollector.ConceptsTypeName)
            : null;
        if (conceptsType is not null)
        {
            // Programs may read the concept scores as they read the item: public instance members only.
            hostTypes.Add(conceptsType);
        }

        ProgramSymbolChecker.Check(model, hostTypes, sink, cancellationToken);

        ITypeSymbol? itemType = ItemTypeContext.Resolve(compilation, item.References, item.Assemblies, item.ItemType);
        IMethodSymbol? entryPoint = itemType is null ? null : EntryPointFinder.Find(compilation, tree, itemType, conceptsType, sink);
        List<string>? phrases = conceptsType is null ? null : ConceptPhraseCollector.Collect(model, conceptsType, sink, cancellationToken);
        if (itemType is null)
        {
            sink.Add(SandboxRules.EntryPoint, $"The item type '{item.ItemType}' cannot be used by programs; label a string or a public type of your own assembly.", null);
        }

        if (sink.Count == 0)
        {
            MutationAnalyzer.Analyze(model, entryPoint, sink, cancellationToken);
        }

        if (sink.Count > 0 || entryPoint is null)
        {
            AddCompilerErrors(model, implicitTree, sink, cancellationToken);
            return BuildResult.Rejected(sink.ToList());
        }

        SyntaxNode rewrittenRoot = ProgramRewriter.Rewrite(model, options.ChargeSteps, cancellationToken);
        SyntaxTree rewrittenTree = tree.WithRootAndOptions(rewrittenRoot, ParseOptions);
        CSharpCompilation emitted = (mayUseConcepts ? compilation : compilation.AddReferences(SandboxReferences.CoreReference)).ReplaceSyntaxTree(tree, rewrittenTree);
        string rewrittenSource = rewrittenRoot.ToFullString();

        using var image = new MemoryStream();
        EmitResult result = emitted.Emit(image, cancellationToken: cancellationToken);
        if (!result.Success)
        {
            // Report the errors of the program as written; only when it has none is the rewrite to blame.
            AddCompilerErrors(model, implicitTree, sink, cancellationToken);
            if (sink.Count == 0)
            {
                var rewriteErrors = new DiagnosticSink(rewrittenTree);
                foreach (Diagnostic diagnostic in result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error))
                {
                    rewriteErrors.Add(SandboxRules.Compile, $"{diagnostic.Id} after the sandbox rewrite (a sandbox bug; please report it with the program): {diagnostic.GetMessage(CultureInfo.InvariantCulture)}", diagnostic.Location);
                }

                return BuildResult.Rejected(rewriteErrors.ToList()) with { RewrittenSource = rewrittenSource };
            }

            return BuildResult.Rejected(sink.ToList());
        }

        return new BuildResult([], image.ToArray(), SandboxAllowList.MetadataName(entryPoint.ContainingType), rewrittenSource)
        {
            ConceptPhrases = EntryPointFinder.TakesConcepts(entryPoint) ? phrases ?? [] : null,
        };
    }

    private static void AddCompilerErrors(SemanticModel model, SyntaxTree implicitTree, DiagnosticSink sink, CancellationToken cancellationToken)
    {
        IEnumerable<Diagnostic> diagnostics = model.GetDiagnostics(cancellationToken: cancellationToken)
            .Concat(model.Compilation.GetSemanticModel(implicitTree).GetDiagnostics(cancellationToken: cancellationToken));
        foreach (Diagnostic diagnostic in diagnostics)
        {
            if (diagnostic.Severity == DiagnosticSeverity.Error)
            {
                sink.Add(SandboxRules.Compile, $"{diagnostic.Id}: {diagnostic.GetMessage(CultureInfo.InvariantCulture)}", diagnostic.Location);
            }
        }
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
    /// <summary>Gets the phrases a concept program looks up, in source order; <see langword="null"/> when its entry point does not take <see cref="Concepts"/>.</summary>
    public IReadOnlyList<string>? ConceptPhrases { get; init; }

    public static BuildResult Rejected(IReadOnlyList<SandboxDiagnostic> diagnostics) => new(diagnostics, null, null, null);

    public static BuildResult Rejected(SandboxDiagnostic diagnostic) => new([diagnostic], null, null, null);
}
