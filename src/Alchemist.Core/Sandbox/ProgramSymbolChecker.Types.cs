using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;

namespace Alchemist;

/// <summary>The checks of every type a program names or computes: the allow-list, structural types and value-type sizes.</summary>
internal sealed partial class ProgramSymbolChecker
{
    private void CheckType(ITypeSymbol? type, SyntaxNode node)
    {
        if (type is null or IErrorTypeSymbol || type.SpecialType == SpecialType.System_Void || !_checkedTypes.Add(type))
        {
            return;
        }

        switch (type)
        {
            case IArrayTypeSymbol array:
                CheckType(array.ElementType, node);
                return;
            case IPointerTypeSymbol or IFunctionPointerTypeSymbol:
                _sink.Add(SandboxRules.Unsafe, $"The pointer type '{type.ToDisplayString()}' is not allowed: {SandboxRules.Explain(SandboxRules.Unsafe)}", node.GetLocation());
                return;
            case IDynamicTypeSymbol:
                _sink.Add(SandboxRules.Dynamic, $"'dynamic' is not allowed: {SandboxRules.Explain(SandboxRules.Dynamic)} Use the static types.", node.GetLocation());
                return;
            case ITypeParameterSymbol:
                return;
            case INamedTypeSymbol named:
                CheckNamedType(named, node);
                return;
            default:
                return;
        }
    }

    private void CheckNamedType(INamedTypeSymbol named, SyntaxNode node)
    {
        if (named.IsAnonymousType)
        {
            foreach (IPropertySymbol property in named.GetMembers().OfType<IPropertySymbol>())
            {
                CheckType(property.Type, node);
                CheckComponent("An anonymous type", property.Type, node);
            }

            return;
        }

        if (named.IsTupleType)
        {
            foreach (IFieldSymbol element in named.TupleElements)
            {
                CheckType(element.Type, node);
                CheckComponent("A tuple", element.Type, node);
            }

            CheckValueTypeSize(named, node);
            return;
        }

        foreach (ITypeSymbol argument in named.TypeArguments)
        {
            CheckType(argument, node);
        }

        if (IsSource(named) || _hostTypes.Contains(named.OriginalDefinition))
        {
            CheckGenericGrowth(named.TypeArguments, named, node);
            CheckValueTypeSize(named, node);
            return;
        }

        if (!SandboxAllowList.IsAllowedType(named) || named.DeclaredAccessibility != Accessibility.Public)
        {
            string rule = SandboxRules.Classify(named);
            _sink.Add(rule, $"The type '{named.OriginalDefinition.ToDisplayString()}' is not allowed: {SandboxRules.Explain(rule)}", node.GetLocation());
            return;
        }

        string name = SandboxAllowList.MetadataName(named);
        if (name is "System.Collections.Generic.KeyValuePair`2" or "System.Nullable`1")
        {
            foreach (ITypeSymbol argument in named.TypeArguments)
            {
                CheckComponent("A key-value pair", argument, node);
            }
        }

        CheckValueTypeSize(named, node);
    }

    /// <summary>
    /// Refuses instantiating the program's own generics with value types built from type parameters, such as
    /// <c>M&lt;(T, T)&gt;</c>: recursion through such calls doubles the size of a local at every level, which would
    /// overflow the stack in one frame, before any check runs.
    /// </summary>
    private void CheckGenericGrowth(ImmutableArray<ITypeSymbol> arguments, ISymbol generic, SyntaxNode node)
    {
        foreach (ITypeSymbol argument in arguments)
        {
            if (argument.IsValueType && argument is INamedTypeSymbol { IsGenericType: true } constructed && MentionsTypeParameter(constructed))
            {
                ReportOnce(generic.OriginalDefinition, SandboxRules.Stack, $"'{generic.Name}' is instantiated with the value type '{argument.ToDisplayString()}' built from a type parameter; recursion through such instantiations grows the stack without bound. Use a class or a non-generic helper.", node);
            }
        }
    }

    private static bool MentionsTypeParameter(ITypeSymbol type) => type switch
    {
        ITypeParameterSymbol => true,
        IArrayTypeSymbol array => MentionsTypeParameter(array.ElementType),
        INamedTypeSymbol named => named.TypeArguments.Any(MentionsTypeParameter),
        _ => false,
    };

    /// <summary>Refuses object- and interface-typed parts of structural types, whose ToString and Equals recurse into them without a budget check.</summary>
    private void CheckComponent(string holder, ITypeSymbol component, SyntaxNode node)
    {
        bool open = component.SpecialType is SpecialType.System_Object or SpecialType.System_ValueType or SpecialType.System_Enum ||
            component is IDynamicTypeSymbol || component.TypeKind == TypeKind.Interface ||
            (component is INamedTypeSymbol { IsAbstract: true, TypeKind: TypeKind.Class } && !IsSource(component));
        if (open)
        {
            _sink.Add(SandboxRules.Stack, $"{holder} may not hold a value of type '{component.ToDisplayString()}': its ToString and Equals recurse into it, so a value nested in itself could overflow the stack; use a concrete type.", node.GetLocation());
        }
    }

    private void CheckValueTypeSize(INamedTypeSymbol type, SyntaxNode node)
    {
        if (type.IsValueType && type.SpecialType == SpecialType.None && type.TypeKind != TypeKind.Enum)
        {
            int size = TypeSize.Estimate(type);
            if (size > MaxValueTypeBytes)
            {
                _sink.Add(SandboxRules.Stack, string.Create(CultureInfo.InvariantCulture,
                    $"The value type '{type.ToDisplayString()}' takes about {size:N0} bytes; value types may take at most {MaxValueTypeBytes} bytes so that locals cannot exhaust the stack. Use a class or an array."), node.GetLocation());
            }
        }
    }
}
