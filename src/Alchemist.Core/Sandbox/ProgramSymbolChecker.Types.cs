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
        if (named.IsAnonymousType && IsTransparentIdentifier(named))
        {
            // The compiler's own pair of range variables in a query ('let', a second 'from', 'join'): only the query's
            // generated lambdas see it, and nothing formats, compares or hashes it.
            return;
        }

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
            RecordInstantiation(named, node);
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

    /// <summary>Determines whether an anonymous type is one the compiler made for the range variables of a query, not one the program wrote.</summary>
    private bool IsTransparentIdentifier(INamedTypeSymbol anonymous)
    {
        if (_writtenAnonymousTypes is null)
        {
            _writtenAnonymousTypes = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
            foreach (SyntaxNode creation in _model.SyntaxTree.GetRoot().DescendantNodes().Where(n => n is Microsoft.CodeAnalysis.CSharp.Syntax.AnonymousObjectCreationExpressionSyntax))
            {
                if (_model.GetTypeInfo(creation, cancellationToken: _cancellationToken).Type is { } written)
                {
                    _writtenAnonymousTypes.Add(written);
                }
            }
        }

        return anonymous.TypeKind == TypeKind.Class && !_writtenAnonymousTypes.Contains(anonymous);
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
    /// <remarks>
    /// A part typed by a type parameter of the program's own generic (<c>(T, int)</c>, <c>record Box&lt;T&gt;(T Value)</c>)
    /// is checked where the generic is instantiated, after substitution: see <see cref="CheckStructuralInstantiations"/>.
    /// </remarks>
    private void CheckComponent(string holder, ITypeSymbol component, SyntaxNode node)
    {
        if (component is ITypeParameterSymbol parameter)
        {
            _structuralParameters.TryAdd(parameter.OriginalDefinition, holder);
            return;
        }

        if (IsOpenComponent(component))
        {
            _sink.Add(SandboxRules.Stack, $"{holder} may not hold a value of type '{component.ToDisplayString()}': its ToString and Equals recurse into it, so a value nested in itself could overflow the stack; use a concrete type.", node.GetLocation());
        }
    }

    /// <summary>Determines whether a value of a type can be any object, so that a structural value could contain a value of its own type.</summary>
    private static bool IsOpenComponent(ITypeSymbol component) =>
        component.SpecialType is SpecialType.System_Object or SpecialType.System_ValueType or SpecialType.System_Enum ||
        component is IDynamicTypeSymbol || component.TypeKind == TypeKind.Interface ||
        (component is INamedTypeSymbol { IsAbstract: true, TypeKind: TypeKind.Class } && !IsSource(component));

    /// <summary>Remembers the type arguments of an instantiation of the program's own generic type or method, for <see cref="CheckStructuralInstantiations"/>.</summary>
    private void RecordInstantiation(ISymbol generic, SyntaxNode node)
    {
        switch (generic)
        {
            case INamedTypeSymbol type:
                for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
                {
                    ImmutableArray<ITypeParameterSymbol> parameters = t.OriginalDefinition.TypeParameters;
                    for (int i = 0; i < parameters.Length && i < t.TypeArguments.Length; i++)
                    {
                        AddInstantiation(parameters[i], t.TypeArguments[i], node);
                    }
                }

                break;
            case IMethodSymbol { ReducedFrom: { } reducedFrom } reduced:
                foreach (ITypeParameterSymbol parameter in reducedFrom.OriginalDefinition.TypeParameters)
                {
                    ITypeSymbol? argument = reduced.GetTypeInferredDuringReduction(reducedFrom.TypeParameters[parameter.Ordinal]);
                    int index = reduced.TypeParameters.IndexOf(reduced.TypeParameters.FirstOrDefault(p => p.Name == parameter.Name)!);
                    argument ??= index >= 0 && index < reduced.TypeArguments.Length ? reduced.TypeArguments[index] : null;
                    if (argument is not null)
                    {
                        AddInstantiation(parameter, argument, node);
                    }
                }

                break;
            case IMethodSymbol method:
                ImmutableArray<ITypeParameterSymbol> own = method.OriginalDefinition.TypeParameters;
                for (int i = 0; i < own.Length && i < method.TypeArguments.Length; i++)
                {
                    AddInstantiation(own[i], method.TypeArguments[i], node);
                }

                break;
            default:
                break;
        }
    }

    private void AddInstantiation(ITypeParameterSymbol parameter, ITypeSymbol argument, SyntaxNode node)
    {
        if (!SymbolEqualityComparer.Default.Equals(parameter.OriginalDefinition, argument.OriginalDefinition))
        {
            _instantiations.Add((parameter.OriginalDefinition, argument, node));
        }
    }

    /// <summary>
    /// Checks structural types after substituting type arguments. A type parameter that a tuple, an anonymous type, a
    /// record or a key-value pair holds is structural; so is a type parameter passed as the argument for a structural
    /// one (<c>Outer&lt;U&gt;</c> calling <c>Inner&lt;U&gt;</c>), to a fixed point. An instantiation that gives a
    /// structural type parameter an open type (<c>object</c>, an interface) could nest a value in itself, and the
    /// generated <c>ToString</c>, <c>Equals</c> and <c>GetHashCode</c> would recurse through it outside any budget check.
    /// </summary>
    private void CheckStructuralInstantiations()
    {
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach ((ITypeParameterSymbol parameter, ITypeSymbol argument, _) in _instantiations)
            {
                if (argument is ITypeParameterSymbol passed && _structuralParameters.TryGetValue(parameter, out string? holder) &&
                    _structuralParameters.TryAdd(passed.OriginalDefinition, holder))
                {
                    changed = true;
                }
            }
        }

        var reported = new HashSet<SyntaxNode>();
        foreach ((ITypeParameterSymbol parameter, ITypeSymbol argument, SyntaxNode node) in _instantiations)
        {
            if (_structuralParameters.TryGetValue(parameter, out string? holder) && IsOpenComponent(argument) && reported.Add(node))
            {
                _sink.Add(SandboxRules.Stack, $"'{parameter.ContainingSymbol.Name}' is instantiated with '{argument.ToDisplayString()}' for '{parameter.Name}', which {holder.ToLowerInvariant()} holds: its generated ToString, Equals and GetHashCode recurse into it, so a value nested in itself could overflow the stack; use a concrete type argument.", node.GetLocation());
            }
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
