using Microsoft.CodeAnalysis;

namespace Alchemist;

/// <summary>Estimates how many bytes a value of a type takes in a local, a field or an array element.</summary>
/// <remarks>
/// References count as 8 bytes. Framework structs whose fields the compiler cannot see (private fields are not
/// imported) count as 16 bytes per visible field or at least 16 bytes. The estimate only has to be good enough to
/// refuse value types and stack frames that are far too large.
/// </remarks>
internal static class TypeSize
{
    /// <summary>The largest estimate returned; anything larger is "too large" anyway.</summary>
    public const int Cap = 1 << 24;

    public static int Estimate(ITypeSymbol? type) => Estimate(type, 0);

    private static int Estimate(ITypeSymbol? type, int depth)
    {
        if (type is null || type.IsReferenceType || type is ITypeParameterSymbol || type.TypeKind is TypeKind.Pointer or TypeKind.FunctionPointer)
        {
            return 8;
        }

        switch (type.SpecialType)
        {
            case SpecialType.System_Boolean or SpecialType.System_Byte or SpecialType.System_SByte:
                return 1;
            case SpecialType.System_Char or SpecialType.System_Int16 or SpecialType.System_UInt16:
                return 2;
            case SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Single:
                return 4;
            case SpecialType.System_Int64 or SpecialType.System_UInt64 or SpecialType.System_Double or SpecialType.System_IntPtr or SpecialType.System_UIntPtr:
                return 8;
            case SpecialType.System_Decimal:
                return 16;
            default:
                break;
        }

        if (type is INamedTypeSymbol { TypeKind: TypeKind.Enum, EnumUnderlyingType: { } underlying })
        {
            return Estimate(underlying, depth + 1);
        }

        if (depth > 32)
        {
            return Cap;
        }

        long total = 0;
        int fields = 0;
        foreach (ISymbol member in type.GetMembers())
        {
            if (member is IFieldSymbol { IsStatic: false, IsConst: false } field)
            {
                fields++;
                total += Estimate(field.Type, depth + 1);
                if (total >= Cap)
                {
                    return Cap;
                }
            }
        }

        bool inSource = type.Locations.Any(l => l.IsInSource);
        return (int)Math.Max(total, inSource || fields > 0 ? Math.Max(total, 1) : 16);
    }
}
