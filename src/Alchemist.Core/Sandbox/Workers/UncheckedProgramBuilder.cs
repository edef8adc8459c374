using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Emit;

namespace Alchemist;

/// <summary>
/// Compiles a program with none of the sandbox's checks and no budget rewrite, against the whole shared framework:
/// the test-only way to give a worker process a program the first wall would refuse or contain (one that overflows the
/// stack, allocates without bound or hangs), so that the second wall (the worker's limits) can be tested on its own.
/// </summary>
/// <remarks>
/// Reachable only through <see cref="WorkerHostOptions.UncheckedProgramsForTests"/>, an internal option that no public
/// API or option sets. The worker runs such a program as it runs any other; the host never loads it.
/// </remarks>
internal static class UncheckedProgramBuilder
{
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static BuildResult Build(LabelingProgram program, Type itemType)
    {
        ItemTypeContext item = ItemTypeContext.For(itemType);
        SyntaxTree tree = CSharpSyntaxTree.ParseText(program.Source, ParseOptions, "program.cs");
        SyntaxTree implicitTree = CSharpSyntaxTree.ParseText(item.ImplicitSource, ParseOptions, "implicit.g.cs");
        var references = new List<MetadataReference>();
        foreach (string path in Directory.EnumerateFiles(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "*.dll"))
        {
            string name = Path.GetFileNameWithoutExtension(path);
            if (name is "mscorlib" or "netstandard" || (name.StartsWith("System.", StringComparison.Ordinal) && !name.StartsWith("System.Private.", StringComparison.Ordinal)) || name == "System.Private.CoreLib")
            {
                references.Add(MetadataReference.CreateFromFile(path));
            }
        }

        references.AddRange(item.References);
        CSharpCompilation compilation = CSharpCompilation.Create(
            "alchemist-unchecked-" + program.ContentHash[..16],
            [tree, implicitTree],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, allowUnsafe: true));

        using var image = new MemoryStream();
        EmitResult result = compilation.Emit(image);
        if (!result.Success)
        {
            return BuildResult.Rejected([.. result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d =>
                new SandboxDiagnostic(SandboxRules.Compile, $"{d.Id}: {d.GetMessage(CultureInfo.InvariantCulture)}", 0, 0))]);
        }

        SemanticModel model = compilation.GetSemanticModel(tree);
        foreach (MethodDeclarationSyntax method in tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>())
        {
            if (method.Identifier.Text == "Label" && model.GetDeclaredSymbol(method) is { IsStatic: true, ContainingType: { } type })
            {
                return new BuildResult([], image.ToArray(), MetadataName(type), null);
            }
        }

        return BuildResult.Rejected(new SandboxDiagnostic(SandboxRules.EntryPoint, "No static Label method.", 0, 0));
    }

    private static string MetadataName(INamedTypeSymbol type) =>
        type.ContainingType is { } outer ? MetadataName(outer) + "+" + type.MetadataName
        : type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "." + type.MetadataName
        : type.MetadataName;
}
