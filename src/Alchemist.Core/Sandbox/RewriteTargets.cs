using System.Collections.Frozen;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Alchemist;

/// <summary>The framework members the sandbox rewrite changes at their call sites, shared by the checks (which forbid turning them into delegates) and the rewrite.</summary>
internal static class RewriteTargets
{
    private const string RegexType = "System.Text.RegularExpressions.Regex";

    /// <summary>The sized allocations: type, member and the parameter that gives the number of elements.</summary>
    private static readonly FrozenDictionary<string, string> SizeParameters = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["System.String..ctor"] = "count",
        ["System.String.PadLeft"] = "totalWidth",
        ["System.String.PadRight"] = "totalWidth",
        ["System.Collections.Generic.List`1..ctor"] = "capacity",
        ["System.Collections.Generic.List`1.EnsureCapacity"] = "capacity",
        ["System.Collections.Generic.Dictionary`2..ctor"] = "capacity",
        ["System.Collections.Generic.Dictionary`2.EnsureCapacity"] = "capacity",
        ["System.Collections.Generic.HashSet`1..ctor"] = "capacity",
        ["System.Collections.Generic.HashSet`1.EnsureCapacity"] = "capacity",
        ["System.Collections.Generic.Queue`1..ctor"] = "capacity",
        ["System.Collections.Generic.Queue`1.EnsureCapacity"] = "capacity",
        ["System.Collections.Generic.Stack`1..ctor"] = "capacity",
        ["System.Collections.Generic.Stack`1.EnsureCapacity"] = "capacity",
        ["System.Collections.Generic.SortedList`2..ctor"] = "capacity",
        ["System.Collections.Generic.PriorityQueue`2..ctor"] = "initialCapacity",
        ["System.Collections.Generic.PriorityQueue`2.EnsureCapacity"] = "capacity",
        ["System.Text.StringBuilder..ctor"] = "capacity",
        ["System.Text.StringBuilder.EnsureCapacity"] = "capacity",
        ["System.Text.StringBuilder.Append"] = "repeatCount",
        ["System.Array.Resize"] = "newSize",
        ["System.Linq.Enumerable.Chunk"] = "size",
        ["System.Collections.Immutable.ImmutableArray.CreateBuilder"] = "initialCapacity",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Determines whether a method is a static <see cref="System.Text.RegularExpressions.Regex"/> method that takes a pattern, which the rewrite gives a match timeout.</summary>
    public static bool IsRegexPatternCall(IMethodSymbol method) =>
        method.IsStatic && method.MethodKind == MethodKind.Ordinary && IsRegex(method.ContainingType) && method.Parameters.Any(p => p.Name == "pattern");

    /// <summary>Determines whether a method is a constructor of <see cref="System.Text.RegularExpressions.Regex"/>.</summary>
    public static bool IsRegexConstructor(IMethodSymbol method) =>
        method.MethodKind == MethodKind.Constructor && IsRegex(method.ContainingType);

    /// <summary>Determines whether a method is a LINQ operator that returns a lazy sequence, which the rewrite wraps.</summary>
    public static bool IsLazyLinq(IMethodSymbol method)
    {
        IMethodSymbol definition = (method.ReducedFrom ?? method).OriginalDefinition;
        return definition.ContainingType is { } type && SandboxAllowList.MetadataName(type) == "System.Linq.Enumerable" &&
            definition.ReturnType is INamedTypeSymbol returned &&
            SandboxAllowList.MetadataName(returned) is "System.Collections.Generic.IEnumerable`1" or "System.Linq.IOrderedEnumerable`1";
    }

    /// <summary>Gets the name of the parameter that sizes an allocation, or <see langword="null"/> when the method allocates no explicit size.</summary>
    public static string? SizeParameter(IMethodSymbol method)
    {
        IMethodSymbol definition = (method.ReducedFrom ?? method).OriginalDefinition;
        if (definition.ContainingType is not { } type ||
            !SizeParameters.TryGetValue(SandboxAllowList.MetadataName(type) + "." + definition.Name, out string? parameter))
        {
            return null;
        }

        return definition.Parameters.Any(p => p.Name == parameter && p.Type.SpecialType == SpecialType.System_Int32) ? parameter : null;
    }

    /// <summary>Gets the index of a framework method's format parameter (a string or span the method parses as a format), or -1.</summary>
    public static int FormatParameter(IMethodSymbol method)
    {
        if (ProgramSymbolChecker.IsSource(method))
        {
            return -1;
        }

        foreach (IParameterSymbol parameter in method.Parameters)
        {
            if (parameter.Name == "format" && (parameter.Type.SpecialType == SpecialType.System_String ||
                (parameter.Type is INamedTypeSymbol { TypeArguments: [{ SpecialType: SpecialType.System_Char }] } span && SandboxAllowList.MetadataName(span) == "System.ReadOnlySpan`1")))
            {
                return parameter.Ordinal;
            }
        }

        return -1;
    }

    /// <summary>Determines whether a method must be called directly so that the rewrite can add its checks.</summary>
    public static bool MustBeCalledDirectly(IMethodSymbol method) =>
        IsRegexPatternCall(method) || IsLazyLinq(method) || SizeParameter(method) is not null || FormatParameter(method) >= 0 || IsChargedSplit(method);

    /// <summary>
    /// Determines whether a method is a <see cref="string.Split(char[])"/> overload that takes a collection of separators,
    /// whose work (every separator tried at every position) the rewrite charges by calling <see cref="SandboxRuntime.Split(string, char[])"/> instead.
    /// </summary>
    public static bool IsChargedSplit(IMethodSymbol method) =>
        method is { Name: "Split", IsStatic: false, ContainingType.SpecialType: SpecialType.System_String } &&
        method.Parameters.Any(p => p.Name == "separator" && (p.Type is IArrayTypeSymbol ||
            (p.Type is INamedTypeSymbol named && SandboxAllowList.MetadataName(named) == "System.ReadOnlySpan`1")));

    /// <summary>Determines whether a property is <see cref="System.Text.StringBuilder.Length"/>, whose growth the rewrite charges.</summary>
    public static bool IsBuilderLength(ISymbol? symbol) =>
        symbol is IPropertySymbol { Name: "Length", IsStatic: false, ContainingType: { } type } && SandboxAllowList.MetadataName(type) == "System.Text.StringBuilder";

    /// <summary>Estimates the bytes one element of an allocation sized by <paramref name="method"/> takes.</summary>
    public static int ElementBytes(IMethodSymbol method)
    {
        IMethodSymbol definition = (method.ReducedFrom ?? method).OriginalDefinition;
        string type = SandboxAllowList.MetadataName(definition.ContainingType);
        TypeArguments arguments = new(method.ContainingType.TypeArguments, method.TypeArguments);
        return type switch
        {
            "System.String" or "System.Text.StringBuilder" => 2,
            "System.Collections.Generic.Dictionary`2" or "System.Collections.Generic.SortedList`2" or "System.Collections.Generic.PriorityQueue`2" =>
                12 + TypeSize.Estimate(arguments.Get(0)) + TypeSize.Estimate(arguments.Get(1)),
            "System.Collections.Generic.HashSet`1" => 12 + TypeSize.Estimate(arguments.Get(0)),
            "System.Array" or "System.Linq.Enumerable" or "System.Collections.Immutable.ImmutableArray" => TypeSize.Estimate(method.TypeArguments.FirstOrDefault()),
            _ => TypeSize.Estimate(arguments.Get(0)),
        };
    }

    /// <summary>Finds the index of the argument bound to a parameter, by name or by position, or <see langword="null"/> when it was left out.</summary>
    public static int? ArgumentIndex(BaseArgumentListSyntax? arguments, IMethodSymbol method, string parameter)
    {
        if (arguments is null)
        {
            return null;
        }

        int position = -1;
        for (int i = 0; i < method.Parameters.Length; i++)
        {
            if (method.Parameters[i].Name == parameter)
            {
                position = i;
            }
        }

        for (int i = 0; i < arguments.Arguments.Count; i++)
        {
            ArgumentSyntax argument = arguments.Arguments[i];
            if (argument.NameColon is { } name ? name.Name.Identifier.ValueText == parameter : i == position)
            {
                return i;
            }
        }

        return null;
    }

    private static bool IsRegex(INamedTypeSymbol? type) => type is not null && SandboxAllowList.MetadataName(type) == RegexType;

    /// <summary>The type arguments of a member: those of its type first, then its own.</summary>
    private readonly struct TypeArguments(System.Collections.Immutable.ImmutableArray<ITypeSymbol> typeArguments, System.Collections.Immutable.ImmutableArray<ITypeSymbol> methodArguments)
    {
        public ITypeSymbol? Get(int index) =>
            index < typeArguments.Length ? typeArguments[index] :
            index - typeArguments.Length < methodArguments.Length ? methodArguments[index - typeArguments.Length] : null;
    }
}
