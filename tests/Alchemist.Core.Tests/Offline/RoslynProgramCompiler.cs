using System.Reflection;
using System.Runtime.Loader;
using Alchemist;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Alchemist.Tests.Offline;

/// <summary>
/// Compiles labeling programs with plain Roslyn into a collectible load context, for tests (and the figures harness)
/// until the sandbox's ProgramCompiler is on main. No sandboxing: only for programs this repository emits.
/// </summary>
internal static class RoslynProgramCompiler
{
    private static readonly Lazy<MetadataReference[]> PlatformReferences = new(() =>
        [.. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(path) is "netstandard.dll" or "mscorlib.dll")
            .Select(path => MetadataReference.CreateFromFile(path))]);

    private static int _assemblyNumber;

    /// <summary>Compiles programs, all in one assembly, into labeling functions named after the programs.</summary>
    public static IReadOnlyList<ILabelingFunction<TItem>> Compile<TItem>(IReadOnlyList<LabelingProgram> programs)
    {
        if (programs.Count == 0)
        {
            return [];
        }

        SyntaxTree[] trees = [.. programs.Select(p => CSharpSyntaxTree.ParseText(p.Source, new CSharpParseOptions(LanguageVersion.Latest), path: p.Name + ".cs"))];
        List<MetadataReference> references = [.. PlatformReferences.Value];
        if (typeof(TItem).Assembly.Location is { Length: > 0 } location && !typeof(TItem).Assembly.GetName().Name!.StartsWith("System.", StringComparison.Ordinal))
        {
            references.Add(MetadataReference.CreateFromFile(location));
        }

        var compilation = CSharpCompilation.Create(
            "OfflinePrograms" + Interlocked.Increment(ref _assemblyNumber),
            trees,
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, nullableContextOptions: NullableContextOptions.Enable));
        using var stream = new MemoryStream();
        var emitted = compilation.Emit(stream);
        if (!emitted.Success)
        {
            throw new InvalidOperationException("The programs do not compile:\n" + string.Join('\n', emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        }

        Diagnostic[] warnings = [.. emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning)];
        if (warnings.Length > 0)
        {
            throw new InvalidOperationException("The programs compile with warnings:\n" + string.Join('\n', warnings));
        }

        stream.Position = 0;
        var context = new AssemblyLoadContext("offline-programs", isCollectible: true);
        Assembly assembly = context.LoadFromStream(stream);
        var functions = new List<ILabelingFunction<TItem>>();
        foreach ((LabelingProgram program, SyntaxTree tree) in programs.Zip(trees))
        {
            string className = tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax>().Single().Identifier.Text;
            MethodInfo label = assembly.GetType(className, throwOnError: true)!.GetMethod("Label", BindingFlags.Public | BindingFlags.Static, [typeof(TItem)])!;
            var apply = label.CreateDelegate<Func<TItem, int>>();
            functions.Add(LabelingFunction.Create(program.Name, apply));
        }

        return functions;
    }
}
