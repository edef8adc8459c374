using System.Collections.Frozen;
using Microsoft.CodeAnalysis;

namespace Alchemist;

/// <summary>The types and members of the framework a labeling program may use; everything else is rejected.</summary>
/// <remarks>
/// Types are keyed by the metadata name of their original definition (<c>System.Collections.Generic.List`1</c>).
/// A rule allows every public member, every member but some, or only some; members are matched by name, so an
/// exclusion covers every overload. docs/sandbox.md lists the same table for humans; keep them in step.
/// </remarks>
internal static partial class SandboxAllowList
{
    private static readonly FrozenDictionary<string, TypeRule> Rules = BuildRules();

    /// <summary>The properties and indexers of framework types a program may assign.</summary>
    private static readonly FrozenSet<string> Settable = FrozenSet.Create(
        StringComparer.Ordinal,
        "System.Collections.Generic.List`1.this[]",
        "System.Collections.Generic.IList`1.this[]",
        "System.Collections.Generic.Dictionary`2.this[]",
        "System.Collections.Generic.IDictionary`2.this[]",
        "System.Collections.Generic.SortedDictionary`2.this[]",
        "System.Collections.Generic.SortedList`2.this[]",
        "System.Collections.Generic.LinkedListNode`1.Value",
        "System.ArraySegment`1.this[]",
        "System.Span`1.this[]",
        "System.Text.StringBuilder.Length",
        "System.Text.StringBuilder.this[]",
        "System.Collections.Immutable.ImmutableArray`1+Builder.this[]",
        "System.Collections.Immutable.ImmutableList`1+Builder.this[]",
        "System.Collections.Immutable.ImmutableDictionary`2+Builder.this[]");

    private enum Mode
    {
        All,
        AllExcept,
        Only,
    }

    /// <summary>Gets the metadata name of a type's original definition, such as <c>System.Collections.Generic.List`1+Enumerator</c>.</summary>
    public static string MetadataName(INamedTypeSymbol type)
    {
        type = type.OriginalDefinition;
        if (type.ContainingType is { } outer)
        {
            return MetadataName(outer) + "+" + type.MetadataName;
        }

        return type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "." + type.MetadataName : type.MetadataName;
    }

    /// <summary>Determines whether a framework type is on the allow-list, ignoring its type arguments.</summary>
    public static bool IsAllowedType(INamedTypeSymbol type) => FindRule(type) is not null;

    /// <summary>Determines whether a public member of a framework type is on the allow-list.</summary>
    public static bool IsAllowedMember(ISymbol member)
    {
        if (member.ContainingType is not { } type || FindRule(type) is not { } rule)
        {
            return false;
        }

        return rule.Mode switch
        {
            Mode.All => true,
            Mode.AllExcept => !rule.Names.Contains(member.Name),
            _ => rule.Names.Contains(member.Name),
        };
    }

    /// <summary>Determines whether a program may assign a property or indexer of a framework type.</summary>
    public static bool IsSettable(IPropertySymbol property) =>
        Settable.Contains(MetadataName(property.ContainingType) + "." + property.OriginalDefinition.Name);

    private static TypeRule? FindRule(INamedTypeSymbol type)
    {
        if (Rules.TryGetValue(MetadataName(type), out TypeRule? rule))
        {
            return rule;
        }

        // Nested types (enumerators, key and value collections, interpolation handlers) follow their outer type when it allows them.
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            if (Rules.TryGetValue(MetadataName(outer), out TypeRule? outerRule))
            {
                return outerRule.Nested ? NestedRule : null;
            }
        }

        return null;
    }

    private static readonly TypeRule NestedRule = new(Mode.AllExcept, FrozenSet<string>.Empty, Nested: true);

    private sealed record TypeRule(Mode Mode, FrozenSet<string> Names, bool Nested);
}
