using Microsoft.CodeAnalysis;

namespace Alchemist;

/// <summary>Finds the one entry point of a program, <c>public static int Label(T item)</c> or <c>public static int Label(T item, Concepts concepts)</c>, or explains why there is none or more than one.</summary>
/// <remarks>
/// The research system this replaces executes Python into a shared namespace and silently reuses the previous
/// function when a program forgets to define one. Here a missing or ambiguous entry point is always a rejection.
/// </remarks>
internal static class EntryPointFinder
{
    /// <summary>Finds the entry point.</summary>
    /// <param name="compilation">The program's compilation.</param>
    /// <param name="tree">The program's syntax tree.</param>
    /// <param name="itemType">The item type.</param>
    /// <param name="conceptsType">The symbol of <see cref="Concepts"/>, the optional second parameter, or <see langword="null"/> when it does not bind.</param>
    /// <param name="sink">Receives why there is no entry point.</param>
    public static IMethodSymbol? Find(Compilation compilation, SyntaxTree tree, ITypeSymbol itemType, ITypeSymbol? conceptsType, DiagnosticSink sink)
    {
        string itemName = itemType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
        string signature = $"public static int Label({itemName} item)' or 'public static int Label({itemName} item, Concepts concepts)";
        List<IMethodSymbol> labels = [.. compilation.GetSymbolsWithName("Label", SymbolFilter.Member)
            .OfType<IMethodSymbol>()
            .Where(m => m.MethodKind == MethodKind.Ordinary && m.Locations.Any(l => l.SourceTree == tree))
            .OrderBy(m => m.Locations[0].SourceSpan.Start)];
        List<IMethodSymbol> entries = labels.Where(m => IsEntryPoint(m, itemType, conceptsType)).ToList();

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
                sink.Add(SandboxRules.EntryPoint, $"The program declares {entries.Count} entry points ({where}); keep exactly one: '{signature}'.", entry.Locations[0]);
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
            sink.Add(SandboxRules.EntryPoint, $"The method '{ProgramSymbolChecker.Display(label)}' is not the entry point because {Mismatch(label, itemType, conceptsType, itemName)}; the entry point must be '{signature}'.", label.Locations[0]);
        }

        return null;
    }

    /// <summary>Determines whether the entry point takes the concept scores as its second parameter.</summary>
    public static bool TakesConcepts(IMethodSymbol entryPoint) => entryPoint.Parameters.Length == 2;

    private static bool IsEntryPoint(IMethodSymbol method, ITypeSymbol itemType, ITypeSymbol? conceptsType) =>
        method.IsStatic && method.DeclaredAccessibility == Accessibility.Public && !method.IsGenericMethod &&
        method.ReturnType.SpecialType == SpecialType.System_Int32 && HasParameters(method, itemType, conceptsType);

    private static bool HasParameters(IMethodSymbol method, ITypeSymbol itemType, ITypeSymbol? conceptsType) =>
        method.Parameters.Length is 1 or 2 && method.Parameters.All(p => p.RefKind == RefKind.None) &&
        SymbolEqualityComparer.Default.Equals(method.Parameters[0].Type, itemType) &&
        (method.Parameters.Length == 1 || (conceptsType is not null && SymbolEqualityComparer.Default.Equals(method.Parameters[1].Type, conceptsType)));

    private static string Mismatch(IMethodSymbol method, ITypeSymbol itemType, ITypeSymbol? conceptsType, string itemName)
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

        if (!HasParameters(method, itemType, conceptsType))
        {
            string parameters = string.Join(", ", method.Parameters.Select(p => p.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)));
            problems.Add($"it takes ({parameters}) instead of one '{itemName}' (optionally followed by 'Concepts')");
        }

        return problems.Count == 0 ? "of its shape" : string.Join(" and ", problems);
    }
}
