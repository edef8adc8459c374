using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Alchemist;

/// <summary>
/// The checks of sources of nondeterminism that allowed members reach indirectly: the clock and the time zone through
/// date parsing and conversions, and identity hash codes.
/// </summary>
internal sealed partial class ProgramSymbolChecker
{
    /// <summary><c>DateTimeStyles.NoCurrentDateDefault | DateTimeStyles.AdjustToUniversal</c>.</summary>
    private const int RequiredDateStyles = 8 | 16;

    /// <summary><c>DateTimeStyles.AssumeLocal | DateTimeStyles.RoundtripKind</c>, which bring back local time.</summary>
    private const int LocalDateStyles = 32 | 128;

    /// <summary>Refuses the paths to the clock and the time zone that go through allowed members.</summary>
    private void CheckClockAndZone(IMethodSymbol definition, SyntaxNode node)
    {
        string owner = SandboxAllowList.MetadataName(definition.ContainingType);
        if (owner == "System.DateTimeOffset" &&
            ((definition.MethodKind == MethodKind.Constructor && definition.Parameters is [{ Type.SpecialType: SpecialType.System_DateTime }]) ||
             definition.MethodKind == MethodKind.Conversion))
        {
            _sink.Add(SandboxRules.Nondeterminism, $"'{Display(definition)}' takes the offset of the machine's time zone; give the offset explicitly: new DateTimeOffset(dateTime, TimeSpan.Zero).", node.GetLocation());
            return;
        }

        if (owner != "System.DateTime" || definition.Name is not ("Parse" or "TryParse" or "ParseExact" or "TryParseExact"))
        {
            return;
        }

        if (node is SimpleNameSyntax && !IsInvoked(node))
        {
            _sink.Add(SandboxRules.Nondeterminism, $"'{Display(definition)}' must be called directly, with constant styles, not turned into a delegate.", node.GetLocation());
            return;
        }

        if (node is not InvocationExpressionSyntax || _model.GetOperation(node, _cancellationToken) is not IInvocationOperation invocation)
        {
            return;
        }

        IArgumentOperation? styles = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "styles");
        int value = styles?.Value.ConstantValue is { HasValue: true, Value: { } constant } ? Convert.ToInt32(constant, System.Globalization.CultureInfo.InvariantCulture) : -1;
        if (value < 0 || (value & RequiredDateStyles) != RequiredDateStyles || (value & LocalDateStyles) != 0)
        {
            _sink.Add(SandboxRules.Nondeterminism, $"'{Display(definition)}' reads the clock and the time zone unless told not to: a time without a date defaults to today, and a time with an offset is converted to local time. Pass constant styles that include DateTimeStyles.NoCurrentDateDefault | DateTimeStyles.AdjustToUniversal (and not AssumeLocal or RoundtripKind), for example DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.NoCurrentDateDefault | DateTimeStyles.AdjustToUniversal, out DateTime date).", node.GetLocation());
        }
    }

    /// <summary>Refuses an implicit conversion that takes the machine's time zone (DateTime to DateTimeOffset).</summary>
    private void CheckZoneConversion(ExpressionSyntax expression)
    {
        Conversion conversion = _model.GetConversion(expression, _cancellationToken);
        if (conversion.IsUserDefined && conversion.MethodSymbol is { } method && expression.Parent is not CastExpressionSyntax &&
            SandboxAllowList.MetadataName(method.ContainingType) == "System.DateTimeOffset")
        {
            _sink.Add(SandboxRules.Nondeterminism, "Converting a DateTime to a DateTimeOffset takes the offset of the machine's time zone; give the offset explicitly: new DateTimeOffset(dateTime, TimeSpan.Zero).", expression.GetLocation());
        }
    }

    /// <summary>
    /// Refuses hashing a value whose hash code is an object's identity (an object, an array, a list, a class without its
    /// own <c>GetHashCode</c>, or a tuple or record that holds one): it differs at every call, a random number in disguise.
    /// </summary>
    private void CheckIdentityHash(IMethodSymbol method, SyntaxNode node)
    {
        if (node is not SimpleNameSyntax)
        {
            return;
        }

        IEnumerable<ITypeSymbol> hashed = [];
        if (method.Name == "GetHashCode" && method.Parameters.IsEmpty && !method.IsStatic)
        {
            hashed = ReceiverType(node) is { } receiver ? [receiver] : [];
        }
        else if (method.Name == "GetHashCode" && method.Parameters.Length == 1)
        {
            hashed = [method.Parameters[0].Type]; // A comparer's GetHashCode(value).
        }
        else if (method.Name is "Combine" or "Add" && method.ContainingType is { } owner && SandboxAllowList.MetadataName(owner) == "System.HashCode")
        {
            hashed = method.TypeArguments;
        }

        if (hashed.FirstOrDefault(t => IsIdentityHashed(t, new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default))) is { } identity)
        {
            _sink.Add(SandboxRules.Nondeterminism, $"Hashing a '{identity.ToDisplayString()}' gives the object's identity hash code, which differs at every call; hash the values it holds instead (for example string or number fields), or give the class its own GetHashCode.", node.GetLocation());
        }
    }

    private ITypeSymbol? ReceiverType(SyntaxNode name)
    {
        switch (name.Parent)
        {
            case MemberAccessExpressionSyntax access when access.Name == name:
                return _model.GetTypeInfo(access.Expression, _cancellationToken).Type;
            case MemberBindingExpressionSyntax:
                ConditionalAccessExpressionSyntax? conditional = name.Ancestors().OfType<ConditionalAccessExpressionSyntax>().FirstOrDefault();
                ITypeSymbol? type = conditional is null ? null : _model.GetTypeInfo(conditional.Expression, _cancellationToken).Type;
                return type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : type;
            default:
                // GetHashCode() on the implicit 'this'.
                return _model.GetEnclosingSymbol(name.SpanStart, _cancellationToken)?.ContainingType;
        }
    }

    /// <summary>Determines whether the hash code of a value of this type can be (or include) an object's identity hash code.</summary>
    private static bool IsIdentityHashed(ITypeSymbol type, HashSet<ITypeSymbol> seen)
    {
        switch (type)
        {
            case ITypeParameterSymbol parameter:
                return !parameter.HasUnmanagedTypeConstraint;
            case IArrayTypeSymbol or IDynamicTypeSymbol:
                return true;
            case INamedTypeSymbol named:
                break;
            default:
                return false;
        }

        var n = (INamedTypeSymbol)type;
        if (!seen.Add(n))
        {
            return false;
        }

        if (n.SpecialType is SpecialType.System_Object or SpecialType.System_ValueType || n.TypeKind is TypeKind.Interface or TypeKind.Delegate)
        {
            return true;
        }

        if (n.TypeKind == TypeKind.Enum || n.SpecialType != SpecialType.None)
        {
            return false;
        }

        if (n.IsTupleType)
        {
            return n.TupleElements.Any(e => IsIdentityHashed(e.Type, seen));
        }

        if (n.IsAnonymousType)
        {
            return n.GetMembers().OfType<IPropertySymbol>().Any(p => IsIdentityHashed(p.Type, seen));
        }

        if (IsSource(n))
        {
            for (INamedTypeSymbol? t = n; t is not null && IsSource(t); t = t.BaseType)
            {
                if (t.GetMembers("GetHashCode").OfType<IMethodSymbol>().Any(m => m.Parameters.IsEmpty && m.IsOverride && !m.IsImplicitlyDeclared))
                {
                    return false; // The program's own GetHashCode, which the checks see (a call of base.GetHashCode() there is checked too).
                }

                if (!t.IsRecord && !t.IsValueType)
                {
                    continue;
                }

                // Generated (record) or field-wise (struct) hash codes combine the fields'.
                if (t.GetMembers().OfType<IFieldSymbol>().Where(f => !f.IsStatic).Any(f => IsIdentityHashed(f.Type, seen)))
                {
                    return true;
                }

                if (t.IsValueType || t.BaseType is not { IsRecord: true })
                {
                    return false;
                }
            }

            return n.TypeKind == TypeKind.Class && !n.IsRecord;
        }

        if (SandboxAllowList.MetadataName(n) == "System.Collections.Immutable.ImmutableArray`1")
        {
            return true; // Its hash code is its array's identity.
        }

        if (n.IsValueType)
        {
            return n.TypeArguments.Any(a => IsIdentityHashed(a, seen));
        }

        for (INamedTypeSymbol? t = n; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
        {
            if (t.GetMembers("GetHashCode").OfType<IMethodSymbol>().Any(m => m.Parameters.IsEmpty && m.IsOverride))
            {
                return false;
            }
        }

        return true;
    }
}
