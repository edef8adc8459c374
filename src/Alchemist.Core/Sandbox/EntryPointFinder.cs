using Microsoft.CodeAnalysis;

namespace Alchemist;

/// <summary>Finds the one <c>public static int Label(T item)</c> of a program, or explains why there is none or more than one.</summary>
/// <remarks>
/// The research system this replaces executes Python into a shared namespace and silently reuses the previous
/// function when a program forgets to define one. Here a missing or ambiguous entry point is always a rejection.
/// </remarks>
internal static class EntryPointFinder
{
    public static IMethodSymbol? Find(Compilation compilation, SyntaxTree tree, ITypeSymbol itemType, DiagnosticSink sink)
    {
        string itemName = itemType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
        string signature = $"public static int Label({itemName} item)";
        List<IMethodSymbol> labels = [.. compilation.GetSymbolsWithName("Label", SymbolFilter.Member)
            .OfType<IMethodSymbol>()
            .Where(m => m.MethodKind == MethodKind.Ordinary && m.Locations.Any(l => l.SourceTree == tree))
            .OrderBy(m => m.Locations[0].SourceSpan.Start)];
        List<IMethodSymbol> entries = labels.Where(m => IsEntryPoint(m, itemType)).ToList();

        if (entries.Count == 1)
        {
            IMethodSymbol entry = entries[0];
            for (INamedTypeSymbol? type = entry.ContainingType; type is not null; type = type.ContainingType)
            {
                if (type.IsGenericType || type.TypeKind is not (TypeKind.Class or TypeKind.Struct))
                {
                    sink.Add(SandboxRules.EntryPoint, $"The entry point must be in a non-generic class; '{type.Name}' is {(type.IsGenericType ? "generic" : "not a class")}.", entry.Locations[0]);
                    return null;
                }
            }

            return entry;
        }

        if (entries.Count > 1)
        {
            string where = string.Join(", ", entries.Select(e => $"{e.ContainingType.Name}.Label at line {e.Locations[0].GetLineSpan().StartLinePosition.Line + 1}"));
            foreach (IMethodSymbol entry in entries)
            {
                sink.Add(SandboxRules.EntryPoint, $"The program declares {entries.Count} entry points ({where}); keep exactly one '{signature}'.", entry.Locations[0]);
            }

            return null;
        }

        if (labels.Count == 0)
        {
            sink.Add(new SandboxDiagnostic(SandboxRules.EntryPoint, $"The program has no entry point: declare '{signature}' in one class, returning a class index or -1.", 1, 1));
            return null;
        }

        foreach (IMethodSymbol label in labels)
        {
            sink.Add(SandboxRules.EntryPoint, $"The method '{ProgramSymbolChecker.Display(label)}' is not the entry point because {Mismatch(label, itemType, itemName)}; the entry point must be '{signature}'.", label.Locations[0]);
        }

        return null;
    }

    private static bool IsEntryPoint(IMethodSymbol method, ITypeSymbol itemType) =>
        method.IsStatic && method.DeclaredAccessibility == Accessibility.Public && !method.IsGenericMethod &&
        method.ReturnType.SpecialType == SpecialType.System_Int32 && method.Parameters.Length == 1 &&
        method.Parameters[0].RefKind == RefKind.None && SymbolEqualityComparer.Default.Equals(method.Parameters[0].Type, itemType);

    private static string Mismatch(IMethodSymbol method, ITypeSymbol itemType, string itemName)
    {
        var problems = new List<string>();
        if (!method.IsStatic)
        {
            problems.Add("it is not static");
        }

        if (method.DeclaredAccessibility != Accessibility.Public)
        {
            problems.Add("it is not public");
        }

        if (method.ReturnType.SpecialType != SpecialType.System_Int32)
        {
            problems.Add($"it returns '{method.ReturnType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}' instead of 'int'");
        }

        if (method.IsGenericMethod)
        {
            problems.Add("it is generic");
        }

        if (method.Parameters.Length != 1 || !SymbolEqualityComparer.Default.Equals(method.Parameters[0].Type, itemType) || method.Parameters[0].RefKind != RefKind.None)
        {
            string parameters = string.Join(", ", method.Parameters.Select(p => p.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)));
            problems.Add($"it takes ({parameters}) instead of one '{itemName}'");
        }

        return problems.Count == 0 ? "of its shape" : string.Join(" and ", problems);
    }
}
