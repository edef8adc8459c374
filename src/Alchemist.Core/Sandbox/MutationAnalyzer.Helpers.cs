using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Alchemist;

/// <summary>The bookkeeping of <see cref="MutationAnalyzer"/>: sharing per symbol, immutability of types, roots of locations.</summary>
internal sealed partial class MutationAnalyzer
{
    private Taint Get(ISymbol? symbol) => symbol is not null && _symbols.TryGetValue(symbol, out Taint taint) ? taint : Taint.None;

    private static Taint Get(Dictionary<ISymbol, Taint> map, ISymbol? symbol) =>
        symbol is not null && map.TryGetValue(symbol, out Taint taint) ? taint : Taint.None;

    private void Set(ISymbol? symbol, Taint taint)
    {
        ITypeSymbol? type = symbol switch
        {
            ILocalSymbol local => local.Type,
            IParameterSymbol parameter => parameter.Type,
            IFieldSymbol field => field.Type,
            IPropertySymbol property => property.Type,
            _ => null,
        };
        if (symbol is null || taint == Taint.None || (type is not null && IsDeeplyImmutable(type)))
        {
            return;
        }

        Add(_symbols, symbol, taint);
    }

    private void Add(Dictionary<ISymbol, Taint> map, ISymbol symbol, Taint taint)
    {
        Taint old = map.TryGetValue(symbol, out Taint existing) ? existing : Taint.None;
        if ((old | taint) != old)
        {
            map[symbol] = old | taint;
            MarkChanged();
        }
    }

    private void MarkChanged()
    {
        if (_report is null)
        {
            _changed = true;
        }
    }

    private void SetParameters(IMethodSymbol function, Taint taint)
    {
        foreach (IParameterSymbol parameter in function.Parameters)
        {
            Set(parameter, taint);
        }
    }

    private void ApplyDelegateArguments(IMethodSymbol function)
    {
        if (_delegateArguments != Taint.None)
        {
            SetParameters(function, _delegateArguments);
        }
    }

    private void SetDeclared(IPatternOperation pattern, Taint taint)
    {
        if (taint == Taint.None)
        {
            return;
        }

        foreach (IOperation node in pattern.DescendantsAndSelf())
        {
            ISymbol? declared = node switch
            {
                IDeclarationPatternOperation declaration => declaration.DeclaredSymbol,
                IRecursivePatternOperation recursive => recursive.DeclaredSymbol,
                IListPatternOperation list => list.DeclaredSymbol,
                _ => null,
            };
            Set(declared, taint);
        }
    }

    /// <summary>Finds the method whose <see langword="this"/> a lambda or local function would capture.</summary>
    private ISymbol? EnclosingMethod()
    {
        foreach (ISymbol? function in _functions)
        {
            if (function is IMethodSymbol { MethodKind: not (MethodKind.AnonymousFunction or MethodKind.LocalFunction) } method)
            {
                return method.OriginalDefinition;
            }
        }

        ISymbol? top = _functions.LastOrDefault();
        for (ISymbol? symbol = top; symbol is not null; symbol = symbol.ContainingSymbol)
        {
            if (symbol is IMethodSymbol { MethodKind: not (MethodKind.AnonymousFunction or MethodKind.LocalFunction) } method)
            {
                return method.OriginalDefinition;
            }
        }

        return null;
    }

    /// <summary>
    /// Determines whether a lambda or local function changes state it captured: assigns a local or parameter declared
    /// outside it, or writes into an object or array such a variable holds (an element, a field or property, a mutating
    /// call such as <c>Add</c>, a copy or span destination of a framework call).
    /// </summary>
    private static bool WritesCapturedVariables(IOperation function, IMethodSymbol symbol)
    {
        foreach (IOperation operation in function.Descendants())
        {
            IOperation? target = operation switch
            {
                IAssignmentOperation assignment => assignment.Target,
                IIncrementOrDecrementOperation increment => increment.Target,
                IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument => argument.Value,
                _ => null,
            };
            if (target is not null && Captured(target, symbol))
            {
                return true;
            }

            if (operation is IInvocationOperation invocation && !ProgramSymbolChecker.IsSource(invocation.TargetMethod) &&
                ((IsMutating(invocation.TargetMethod) && invocation.Instance is { } instance && Captured(instance, symbol)) ||
                 WrittenArguments(invocation).Any(written => Captured(written, symbol))))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Determines whether a location or value lives in a variable declared outside a function (so the function captured it).</summary>
    private static bool Captured(IOperation operation, IMethodSymbol function)
    {
        if (operation is ITupleOperation tuple)
        {
            return tuple.Elements.Any(e => Captured(e, function));
        }

        ISymbol? variable = operation switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            IInvocationOperation { TargetMethod.Name: "AsSpan" or "AsMemory" } view => RootSymbol(view.Arguments.FirstOrDefault()?.Value ?? view.Instance),
            _ => RootSymbol(operation is IDeclarationExpressionOperation ? null : Unwrap(operation)),
        };
        return variable is ILocalSymbol or IParameterSymbol && IsOutside(variable.ContainingSymbol, function);
    }

    private static IOperation Unwrap(IOperation operation) => operation switch
    {
        IConversionOperation conversion => Unwrap(conversion.Operand),
        IFieldReferenceOperation { Instance: { } instance } => Unwrap(instance),
        IPropertyReferenceOperation { Instance: { } instance, Property.IsIndexer: false } => Unwrap(instance),
        _ => operation,
    };

    /// <summary>Determines whether a variable's owner encloses a function, so that the function captures the variable.</summary>
    private static bool IsOutside(ISymbol owner, IMethodSymbol function)
    {
        for (ISymbol? s = function.ContainingSymbol; s is not null; s = s.ContainingSymbol)
        {
            if (SymbolEqualityComparer.Default.Equals(s, owner))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsLocation(IOperation operation) =>
        operation is IArrayElementReferenceOperation or IPropertyReferenceOperation or IFieldReferenceOperation;

    /// <summary>Finds the local, parameter or field that holds the object a location lives in.</summary>
    private static ISymbol? RootSymbol(IOperation? operation) => operation switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter.OriginalDefinition,
        IFieldReferenceOperation field when ProgramSymbolChecker.IsSource(field.Field) => field.Field.OriginalDefinition,
        IPropertyReferenceOperation { Property.IsIndexer: false } property when ProgramSymbolChecker.IsSource(property.Property) => property.Property.OriginalDefinition,
        IArrayElementReferenceOperation element => RootSymbol(element.ArrayReference),
        IPropertyReferenceOperation { Property.IsIndexer: true } indexer => RootSymbol(indexer.Instance),
        IConversionOperation conversion => RootSymbol(conversion.Operand),
        _ => null,
    };

    private static bool IsMutating(IMethodSymbol method)
    {
        IMethodSymbol definition = (method.ReducedFrom ?? method).OriginalDefinition;
        if (ProgramSymbolChecker.IsSource(definition) || definition.ContainingType is not { } type || !MutatingNames.Contains(definition.Name))
        {
            return false;
        }

        string name = SandboxAllowList.MetadataName(type);
        if (name is "System.String" or "System.Linq.Enumerable" or "System.Text.RegularExpressions.Regex" or "System.Convert" or "System.Math" ||
            (name.StartsWith("System.Collections.Immutable.", StringComparison.Ordinal) && !name.Contains("+Builder", StringComparison.Ordinal)) ||
            name.StartsWith("System.Collections.Frozen.", StringComparison.Ordinal))
        {
            return false;
        }

        return true;
    }

    /// <summary>Determines whether a collection type's elements are immutable, so that a fresh copy of it shares nothing.</summary>
    private bool ElementsImmutable(ITypeSymbol? type) => type switch
    {
        IArrayTypeSymbol array => IsDeeplyImmutable(array.ElementType),
        INamedTypeSymbol { IsGenericType: true } named => named.TypeArguments.All(IsDeeplyImmutable),
        INamedTypeSymbol named => IsDeeplyImmutable(named) || SandboxAllowList.MetadataName(named) == "System.Text.StringBuilder",
        _ => false,
    };

    /// <summary>Determines whether a value of this type can hold a reference to a shared mutable object.</summary>
    private bool CanHoldShared(ITypeSymbol? type) => type is not null && !ElementsImmutable(type);

    /// <summary>Determines whether no value of a type can be changed after it is created, nor reach a value that can.</summary>
    private bool IsDeeplyImmutable(ITypeSymbol type)
    {
        if (_immutable.TryGetValue(type, out bool known))
        {
            return known;
        }

        _immutable[type] = false; // A type that contains itself is treated as mutable.
        bool result = ComputeDeeplyImmutable(type);
        _immutable[type] = result;
        return result;
    }

    private bool ComputeDeeplyImmutable(ITypeSymbol type)
    {
        if (type.SpecialType is SpecialType.System_String or SpecialType.System_Decimal || type.IsUnmanagedType && type.SpecialType != SpecialType.None)
        {
            return true;
        }

        if (type.TypeKind == TypeKind.Enum)
        {
            return true;
        }

        // A delegate cannot be changed, but what it returns can be shared (() => StaticTable), so it carries sharing.

        if (type is not INamedTypeSymbol named)
        {
            return false;
        }

        if (named.IsTupleType)
        {
            return named.TupleElements.All(e => IsDeeplyImmutable(e.Type));
        }

        if (ProgramSymbolChecker.IsSource(named) && named.TypeKind is TypeKind.Class or TypeKind.Struct)
        {
            return named.GetMembers().OfType<IFieldSymbol>().Where(f => !f.IsStatic).All(f => f.IsReadOnly && IsDeeplyImmutable(f.Type));
        }

        string name = SandboxAllowList.MetadataName(named);
        switch (name)
        {
            case "System.Nullable`1" or "System.Collections.Generic.KeyValuePair`2":
                return named.TypeArguments.All(IsDeeplyImmutable);
            case "System.Text.RegularExpressions.Regex" or "System.Text.RegularExpressions.Match" or "System.Text.RegularExpressions.Group"
                or "System.Text.RegularExpressions.Capture" or "System.Text.RegularExpressions.MatchCollection" or "System.Text.RegularExpressions.GroupCollection"
                or "System.Text.RegularExpressions.CaptureCollection" or "System.Globalization.CultureInfo" or "System.Globalization.TextInfo"
                or "System.Globalization.CompareInfo" or "System.StringComparer" or "System.TimeSpan" or "System.DateTime" or "System.DateTimeOffset"
                or "System.DateOnly" or "System.TimeOnly" or "System.Guid" or "System.Index" or "System.Range" or "System.Text.Rune" or "System.Uri"
                or "System.Buffers.SearchValues`1" or "System.Int128" or "System.UInt128" or "System.Half":
                return true;
            default:
                break;
        }

        if (name.StartsWith("System.Collections.Frozen.", StringComparison.Ordinal) ||
            (name.StartsWith("System.Collections.Immutable.", StringComparison.Ordinal) && !name.Contains("+Builder", StringComparison.Ordinal) && named.TypeKind != TypeKind.Interface))
        {
            return named.TypeArguments.All(IsDeeplyImmutable);
        }

        return false;
    }
}
