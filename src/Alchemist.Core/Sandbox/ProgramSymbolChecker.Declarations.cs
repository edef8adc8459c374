using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Alchemist;

/// <summary>The checks of the program's own declarations: base types, static state, records and stack frames.</summary>
internal sealed partial class ProgramSymbolChecker
{
    private void CheckDeclarations(SyntaxNode root)
    {
        var records = new List<INamedTypeSymbol>();
        foreach (BaseTypeDeclarationSyntax declaration in root.DescendantNodes().OfType<BaseTypeDeclarationSyntax>())
        {
            if (_model.GetDeclaredSymbol(declaration, cancellationToken: _cancellationToken) is not INamedTypeSymbol type)
            {
                continue;
            }

            CheckBaseType(type, declaration);
            CheckStaticState(type);
            if (type.IsRecord)
            {
                records.Add(type);
                foreach (IFieldSymbol field in type.GetMembers().OfType<IFieldSymbol>().Where(f => !f.IsStatic))
                {
                    CheckComponent("A record", field.Type, declaration);
                }
            }

            CheckValueTypeSize(type, declaration);
        }

        CheckRecordCycles(records);
        foreach (SyntaxNode node in root.DescendantNodes())
        {
            if (node is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax)
            {
                CheckFrame(node);
            }
        }
    }

    private void CheckBaseType(INamedTypeSymbol type, BaseTypeDeclarationSyntax declaration)
    {
        if (type.TypeKind == TypeKind.Class && type.BaseType is { } baseType && baseType.SpecialType != SpecialType.System_Object && !IsSource(baseType))
        {
            _sink.Add(SandboxRules.Api, $"The class '{type.Name}' derives from '{baseType.ToDisplayString()}': program classes may only derive from other classes of the program.", declaration.Identifier.GetLocation());
        }
    }

    private void CheckStaticState(INamedTypeSymbol type)
    {
        foreach (ISymbol member in type.GetMembers())
        {
            Location? location = member.Locations.FirstOrDefault(l => l.IsInSource);
            switch (member)
            {
                case IFieldSymbol { IsStatic: true, IsReadOnly: false, IsConst: false, IsImplicitlyDeclared: false } field:
                    _sink.Add(SandboxRules.StaticState, $"The static field '{field.Name}' is mutable: programs must not keep state between items. Make it 'static readonly' (a table built once) or 'const', or move it into Label.", location);
                    break;
                case IPropertySymbol { IsStatic: true, SetMethod: not null } property:
                    _sink.Add(SandboxRules.StaticState, $"The static property '{property.Name}' has a setter: programs must not keep state between items. Make it get-only or move the state into Label.", location);
                    break;
                case IEventSymbol { IsStatic: true } staticEvent:
                    _sink.Add(SandboxRules.StaticState, $"The static event '{staticEvent.Name}' is state shared between items; remove it.", location);
                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>Refuses records that can contain themselves: their generated ToString, Equals and GetHashCode recurse without a budget check.</summary>
    private void CheckRecordCycles(List<INamedTypeSymbol> records)
    {
        if (records.Count == 0)
        {
            return;
        }

        var edges = new Dictionary<INamedTypeSymbol, HashSet<INamedTypeSymbol>>(SymbolEqualityComparer.Default);
        foreach (INamedTypeSymbol record in records)
        {
            var targets = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
            foreach (IFieldSymbol field in record.GetMembers().OfType<IFieldSymbol>().Where(f => !f.IsStatic))
            {
                foreach (INamedTypeSymbol mentioned in MentionedTypes(field.Type))
                {
                    // A field of a record type can hold that record or any record derived from it.
                    foreach (INamedTypeSymbol candidate in records.Where(r => DerivesFrom(r, mentioned)))
                    {
                        targets.Add(candidate);
                    }
                }
            }

            edges[record] = targets;
        }

        foreach (INamedTypeSymbol record in records)
        {
            if (Reaches(record, record, edges, new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default)))
            {
                _sink.Add(SandboxRules.Stack, $"The record '{record.Name}' can contain itself: its generated ToString, Equals and GetHashCode recurse into it, so a long chain could overflow the stack. Use a class, or keep the chain in a list.", record.Locations.FirstOrDefault(l => l.IsInSource));
            }
        }
    }

    private static bool Reaches(INamedTypeSymbol from, INamedTypeSymbol target, Dictionary<INamedTypeSymbol, HashSet<INamedTypeSymbol>> edges, HashSet<INamedTypeSymbol> seen)
    {
        foreach (INamedTypeSymbol next in edges.GetValueOrDefault(from) ?? [])
        {
            if (SymbolEqualityComparer.Default.Equals(next, target) || (seen.Add(next) && Reaches(next, target, edges, seen)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool DerivesFrom(INamedTypeSymbol type, INamedTypeSymbol ancestor)
    {
        for (INamedTypeSymbol? t = type; t is not null; t = t.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, ancestor.OriginalDefinition))
            {
                return true;
            }
        }

        return false;
    }

    private static IEnumerable<INamedTypeSymbol> MentionedTypes(ITypeSymbol type)
    {
        switch (type)
        {
            case IArrayTypeSymbol array:
                foreach (INamedTypeSymbol t in MentionedTypes(array.ElementType))
                {
                    yield return t;
                }

                break;
            case INamedTypeSymbol named:
                yield return named.OriginalDefinition;
                foreach (ITypeSymbol argument in named.TypeArguments)
                {
                    foreach (INamedTypeSymbol t in MentionedTypes(argument))
                    {
                        yield return t;
                    }
                }

                break;
            default:
                break;
        }
    }

    /// <summary>Refuses methods whose locals could take more stack than the per-call stack check leaves.</summary>
    private void CheckFrame(SyntaxNode member)
    {
        long bytes = 0;
        foreach (SyntaxNode node in member.DescendantNodesAndSelf())
        {
            ISymbol? declared = node switch
            {
                VariableDeclaratorSyntax or SingleVariableDesignationSyntax or ForEachStatementSyntax or CatchDeclarationSyntax or ParameterSyntax =>
                    _model.GetDeclaredSymbol(node, cancellationToken: _cancellationToken),
                _ => null,
            };
            bytes += declared switch
            {
                ILocalSymbol local => TypeSize.Estimate(local.Type),
                IParameterSymbol parameter => TypeSize.Estimate(parameter.Type),
                _ => 0,
            };
        }

        if (bytes > MaxFrameBytes)
        {
            _sink.Add(SandboxRules.Stack, string.Create(CultureInfo.InvariantCulture,
                $"This method declares about {bytes:N0} bytes of locals; a method may declare at most {MaxFrameBytes:N0} so that it cannot exhaust the stack. Split it or use arrays."), member.GetLocation());
        }
    }
}
