using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Alchemist;

/// <summary>Bounds the length of the constant strings the compiler would fold, from the syntax alone, before anything is bound.</summary>
/// <remarks>
/// The compiler folds <c>const string B = A + A;</c> (and constant interpolated strings) into one string while it binds, in
/// memory and outside any timeout, so 22 doublings of a 16-character constant in a few hundred bytes of source make a
/// 64-million-character string, and a few more exhaust the host's memory. This pass gives every constant and every
/// concatenation an upper bound on its length (a name counts as the longest constant of that name anywhere in the program;
/// anything that is not a constant counts as its own source text, which is more than any constant it could fold to),
/// computing the bound of a named constant on demand, whatever the order of the declarations.
/// </remarks>
internal static class ConstantStringBounds
{
    /// <summary>The longest constant string a program may make the compiler fold.</summary>
    public const long MaxLength = 1_000_000;

    /// <summary>Finds a constant declaration or a concatenation whose folded string could pass <see cref="MaxLength"/>.</summary>
    public static (SyntaxNode Node, long Bound)? FindTooLong(SyntaxNode root)
    {
        var constants = new List<VariableDeclaratorSyntax>();
        var expressions = new List<ExpressionSyntax>();
        foreach (SyntaxNode node in root.DescendantNodes())
        {
            switch (node)
            {
                case VariableDeclaratorSyntax { Initializer: not null, Parent.Parent: FieldDeclarationSyntax field } declarator when field.Modifiers.Any(SyntaxKind.ConstKeyword):
                    constants.Add(declarator);
                    break;
                case VariableDeclaratorSyntax { Initializer: not null, Parent.Parent: LocalDeclarationStatementSyntax { IsConst: true } } declarator:
                    constants.Add(declarator);
                    break;
                case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.AddExpression) && !(node.Parent is BinaryExpressionSyntax parent && parent.IsKind(SyntaxKind.AddExpression)):
                    expressions.Add(binary);
                    break;
                case InterpolatedStringExpressionSyntax interpolated:
                    expressions.Add(interpolated);
                    break;
                default:
                    break;
            }
        }

        var bounds = new NameBounds(constants);
        foreach (VariableDeclaratorSyntax constant in constants)
        {
            long bound = Bound(constant.Initializer!.Value, bounds);
            if (bound > MaxLength)
            {
                return (constant, bound);
            }
        }

        foreach (ExpressionSyntax expression in expressions)
        {
            long bound = Bound(expression, bounds);
            if (bound > MaxLength)
            {
                return (expression, bound);
            }
        }

        return null;
    }

    private static long Bound(ExpressionSyntax expression, NameBounds bounds)
    {
        // Iterative over the left spine of long '+' chains, so that a chain of thousands of operands does not recurse deeply.
        long total = 0;
        ExpressionSyntax current = expression;
        while (true)
        {
            switch (current)
            {
                case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.AddExpression):
                    total = Add(total, Bound(binary.Right, bounds));
                    current = binary.Left;
                    continue;
                case BinaryExpressionSyntax coalesce when coalesce.IsKind(SyntaxKind.CoalesceExpression):
                    return Add(total, Math.Max(Bound(coalesce.Left, bounds), Bound(coalesce.Right, bounds)));
                case ParenthesizedExpressionSyntax parenthesized:
                    current = parenthesized.Expression;
                    continue;
                case CastExpressionSyntax cast:
                    current = cast.Expression;
                    continue;
                case CheckedExpressionSyntax check:
                    current = check.Expression;
                    continue;
                case ConditionalExpressionSyntax conditional:
                    return Add(total, Math.Max(Bound(conditional.WhenTrue, bounds), Bound(conditional.WhenFalse, bounds)));
                case InterpolatedStringExpressionSyntax interpolated:
                    foreach (InterpolatedStringContentSyntax content in interpolated.Contents)
                    {
                        total = Add(total, content is InterpolationSyntax hole ? Bound(hole.Expression, bounds) : content.Span.Length);
                    }

                    return total;
                case IdentifierNameSyntax name:
                    return Add(total, Math.Max(bounds.Get(name.Identifier.ValueText), name.Span.Length));
                case MemberAccessExpressionSyntax access:
                    return Add(total, Math.Max(bounds.Get(access.Name.Identifier.ValueText), access.Span.Length));
                case AliasQualifiedNameSyntax or QualifiedNameSyntax:
                    string last = current is QualifiedNameSyntax qualified ? qualified.Right.Identifier.ValueText : ((AliasQualifiedNameSyntax)current).Name.Identifier.ValueText;
                    return Add(total, Math.Max(bounds.Get(last), current.Span.Length));
                default:
                    // A literal, nameof, or something that is not a constant: its folded form is no longer than its source.
                    return Add(total, current.Span.Length);
            }
        }
    }

    private static long Add(long a, long b) => Math.Min(a + b, MaxLength * 4);

    /// <summary>The bound of each named constant: the longest of the constants of that name, computed on demand and memoized, whatever the order of the declarations.</summary>
    private sealed class NameBounds(List<VariableDeclaratorSyntax> constants)
    {
        private readonly ILookup<string, ExpressionSyntax> _declarations = constants.ToLookup(c => c.Identifier.ValueText, c => c.Initializer!.Value, StringComparer.Ordinal);
        private readonly Dictionary<string, long> _bounds = new(StringComparer.Ordinal);
        private readonly HashSet<string> _inProgress = new(StringComparer.Ordinal);

        public long Get(string name)
        {
            if (_bounds.TryGetValue(name, out long known))
            {
                return known;
            }

            if (!_declarations.Contains(name) || !_inProgress.Add(name))
            {
                return 0; // Not a constant of the program, or a cycle (which the compiler reports).
            }

            long bound = 0;
            foreach (ExpressionSyntax value in _declarations[name])
            {
                bound = Math.Max(bound, Bound(value, this));
            }

            _inProgress.Remove(name);
            _bounds[name] = bound;
            return bound;
        }
    }
}
