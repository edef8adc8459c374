using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Alchemist;

/// <summary>The first layer of checks: constructs a labeling program has no use for, found from the syntax alone.</summary>
internal static class ProgramSyntaxChecker
{
    /// <summary>Names a program may not declare as namespaces or types, so that it cannot shadow the framework or the sandbox.</summary>
    private static readonly HashSet<string> ReservedNames = new(StringComparer.Ordinal) { "System", "Microsoft", "Alchemist", "Internal", "Windows", "global" };

    /// <summary>The widest interpolation alignment and the largest number in a format specifier a program may write.</summary>
    internal const int MaxFormatWidth = 10_000;

    /// <summary>The deepest nesting of lambdas: overload resolution over nested lambdas takes time exponential in the depth.</summary>
    internal const int MaxLambdaNesting = 3;

    /// <summary>The deepest nesting of syntax (expressions in expressions, statements in statements) a program may have.</summary>
    /// <remarks>Realistic programs stay below 40, or a few hundred for a long chain of || conditions. Deeper trees would make the compiler's, the sandbox's and the JIT's recursive passes risk the stack.</remarks>
    internal const int MaxSyntaxDepth = 512;

    /// <summary>The most dimensions an array may have.</summary>
    internal const int MaxArrayRank = 3;

    public static void Check(SyntaxTree tree, DiagnosticSink sink)
    {
        SyntaxNode root = tree.GetRoot();
        if (FindTooDeep(root) is { } deep)
        {
            sink.Add(SandboxRules.Syntax, $"The program nests expressions or statements more than {MaxSyntaxDepth} deep; write flatter code.", deep.GetLocation());
            sink.StopBeforeBinding = true;
            return;
        }

        foreach (SyntaxTrivia trivia in root.DescendantTrivia(descendIntoTrivia: true))
        {
            if (trivia.Kind() is SyntaxKind.LineDirectiveTrivia or SyntaxKind.LineSpanDirectiveTrivia or SyntaxKind.PragmaChecksumDirectiveTrivia
                or SyntaxKind.ReferenceDirectiveTrivia or SyntaxKind.LoadDirectiveTrivia or SyntaxKind.ShebangDirectiveTrivia
                or SyntaxKind.IgnoredDirectiveTrivia)
            {
                sink.Add(SandboxRules.Syntax, $"The directive '{FirstLine(trivia.ToString())}' is not allowed; remove it (programs may use #if, #region, #nullable and #pragma warning only).", trivia.GetLocation());
            }
        }

        foreach (SyntaxToken token in root.DescendantTokens())
        {
            if (token.IsKind(SyntaxKind.IdentifierToken) && token.ValueText.StartsWith("__", StringComparison.Ordinal))
            {
                sink.Add(SandboxRules.Syntax, $"The identifier '{token.ValueText}' is reserved: names that start with two underscores belong to the sandbox; rename it.", token.GetLocation());
            }
        }

        foreach (SyntaxNode node in root.DescendantNodes())
        {
            CheckNode(node, sink);
        }

        if (ConstantStringBounds.FindTooLong(root) is { } tooLong)
        {
            sink.Add(SandboxRules.Allocation, string.Create(CultureInfo.InvariantCulture,
                $"This constant string could be up to {tooLong.Bound:N0} characters long once the compiler folds it (at most {ConstantStringBounds.MaxLength:N0}); build long strings at run time."), tooLong.Node.GetLocation());
            sink.StopBeforeBinding = true;
        }
    }

    /// <summary>
    /// Determines whether code inside a node runs as a lambda: an anonymous function, or the body of a query expression,
    /// whose clauses the compiler turns into lambdas (a query continuation, <c>into</c>, does not nest them further).
    /// </summary>
    private static bool IsLambdaScope(SyntaxNode node) =>
        node is AnonymousFunctionExpressionSyntax || (node is QueryBodySyntax && node.Parent is not QueryContinuationSyntax);

    private static void CheckNode(SyntaxNode node, DiagnosticSink sink)
    {
        switch (node)
        {
            case GlobalStatementSyntax:
                sink.Add(SandboxRules.Syntax, "Top-level statements are not allowed; put the code in the Label method or in other methods of the class.", node.GetLocation());
                break;
            case ExternAliasDirectiveSyntax:
                sink.Add(SandboxRules.Syntax, "'extern alias' is not allowed; programs are compiled against a fixed set of assemblies.", node.GetLocation());
                break;
            case BaseNamespaceDeclarationSyntax ns:
                foreach (string part in ns.Name.ToString().Split('.'))
                {
                    if (ReservedNames.Contains(part.Trim()))
                    {
                        sink.Add(SandboxRules.Namespace, $"The namespace '{ns.Name}' is reserved: a program may not declare types in the System, Microsoft or Alchemist namespaces; use your own namespace or none.", ns.Name.GetLocation());
                        break;
                    }
                }

                break;
            case BaseTypeDeclarationSyntax type when ReservedNames.Contains(type.Identifier.ValueText):
                sink.Add(SandboxRules.Namespace, $"The type name '{type.Identifier.ValueText}' is reserved because it would hide a namespace; rename the type.", type.Identifier.GetLocation());
                break;
            case DelegateDeclarationSyntax del when ReservedNames.Contains(del.Identifier.ValueText):
                sink.Add(SandboxRules.Namespace, $"The type name '{del.Identifier.ValueText}' is reserved because it would hide a namespace; rename the type.", del.Identifier.GetLocation());
                break;
            case UnsafeStatementSyntax or FixedStatementSyntax or PointerTypeSyntax or FunctionPointerTypeSyntax or StackAllocArrayCreationExpressionSyntax
                or ImplicitStackAllocArrayCreationExpressionSyntax or MakeRefExpressionSyntax or RefTypeExpressionSyntax or RefValueExpressionSyntax:
                sink.Add(SandboxRules.Unsafe, $"'{Describe(node)}' is not allowed: {SandboxRules.Explain(SandboxRules.Unsafe)}", node.GetLocation());
                break;
            case PrefixUnaryExpressionSyntax unary when unary.IsKind(SyntaxKind.AddressOfExpression) || unary.IsKind(SyntaxKind.PointerIndirectionExpression):
                sink.Add(SandboxRules.Unsafe, $"Pointer operations are not allowed: {SandboxRules.Explain(SandboxRules.Unsafe)}", node.GetLocation());
                break;
            case MemberAccessExpressionSyntax access when access.IsKind(SyntaxKind.PointerMemberAccessExpression):
                sink.Add(SandboxRules.Unsafe, $"Pointer operations are not allowed: {SandboxRules.Explain(SandboxRules.Unsafe)}", node.GetLocation());
                break;
            case ExpressionSyntax expression when expression.IsKind(SyntaxKind.ArgListExpression):
                sink.Add(SandboxRules.Unsafe, $"'__arglist' is not allowed: {SandboxRules.Explain(SandboxRules.Unsafe)}", node.GetLocation());
                break;
            case AwaitExpressionSyntax:
                sink.Add(SandboxRules.Threading, $"'await' is not allowed: {SandboxRules.Explain(SandboxRules.Threading)} Label must be synchronous.", node.GetLocation());
                break;
            case LockStatementSyntax:
                sink.Add(SandboxRules.Threading, $"'lock' is not allowed: {SandboxRules.Explain(SandboxRules.Threading)}", node.GetLocation());
                break;
            case GotoStatementSyntax or LabeledStatementSyntax:
                sink.Add(SandboxRules.Syntax, "'goto' and statement labels are not allowed; use a loop, 'break' or 'continue'.", node.GetLocation());
                break;
            case AnonymousFunctionExpressionSyntax or QueryBodySyntax when IsLambdaScope(node) && node.Ancestors().Count(IsLambdaScope) == MaxLambdaNesting:
                sink.Add(SandboxRules.Syntax, $"Lambdas (including the clauses of query expressions) are nested more than {MaxLambdaNesting} deep; the compiler's time grows exponentially with the depth. Move the inner lambdas or queries into a helper method.", node.GetLocation());
                sink.StopBeforeBinding = true;
                break;
            case DestructorDeclarationSyntax:
                sink.Add(SandboxRules.Finalizer, "Finalizers are not allowed: they run on the runtime's finalizer thread, outside any budget; remove it.", node.GetLocation());
                break;
            case RefTypeSyntax or RefExpressionSyntax:
                sink.Add(SandboxRules.Syntax, "'ref' locals, 'ref' returns and 'ref' expressions are not allowed; use plain values ('ref' and 'out' parameters are fine).", node.GetLocation());
                break;
            case AttributeTargetSpecifierSyntax target when target.Identifier.Kind() is SyntaxKind.AssemblyKeyword or SyntaxKind.ModuleKeyword:
                sink.Add(SandboxRules.Attribute, $"Attributes on the {target.Identifier.ValueText} are not allowed: they can change how the program is loaded; remove them.", node.Parent!.GetLocation());
                break;
            case ArrayRankSpecifierSyntax rank when rank.Rank > MaxArrayRank:
                sink.Add(SandboxRules.Allocation, $"Arrays with more than {MaxArrayRank} dimensions are not allowed; use fewer dimensions.", node.GetLocation());
                break;
            case InterpolationAlignmentClauseSyntax alignment when alignment.Value is LiteralExpressionSyntax literal && literal.Token.Value is int width && width > MaxFormatWidth:
                sink.Add(SandboxRules.Allocation, string.Create(CultureInfo.InvariantCulture, $"The interpolation alignment {width} is too wide (at most {MaxFormatWidth}); pad less."), node.GetLocation());
                break;
            case InterpolationAlignmentClauseSyntax alignment when alignment.Value is PrefixUnaryExpressionSyntax { Operand: LiteralExpressionSyntax { Token.Value: int width } } && width > MaxFormatWidth:
                sink.Add(SandboxRules.Allocation, string.Create(CultureInfo.InvariantCulture, $"The interpolation alignment -{width} is too wide (at most {MaxFormatWidth}); pad less."), node.GetLocation());
                break;
            case InterpolationFormatClauseSyntax format when !IsSafeFormat(format.FormatStringToken.ValueText):
                sink.Add(SandboxRules.Allocation, $"The format '{format.FormatStringToken.ValueText}' asks for too many digits (at most {MaxFormatWidth}); use a shorter format.", node.GetLocation());
                break;
            default:
                break;
        }

        if (node is MemberDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax)
        {
            foreach (SyntaxToken modifier in Modifiers(node))
            {
                switch (modifier.Kind())
                {
                    case SyntaxKind.UnsafeKeyword:
                        sink.Add(SandboxRules.Unsafe, $"'unsafe' is not allowed: {SandboxRules.Explain(SandboxRules.Unsafe)}", modifier.GetLocation());
                        break;
                    case SyntaxKind.FixedKeyword:
                        sink.Add(SandboxRules.Unsafe, $"Fixed-size buffers are not allowed: {SandboxRules.Explain(SandboxRules.Unsafe)}", modifier.GetLocation());
                        break;
                    case SyntaxKind.ExternKeyword:
                        sink.Add(SandboxRules.Interop, $"'extern' methods are not allowed: {SandboxRules.Explain(SandboxRules.Interop)}", modifier.GetLocation());
                        break;
                    case SyntaxKind.VolatileKeyword:
                        sink.Add(SandboxRules.Threading, $"'volatile' is not allowed: {SandboxRules.Explain(SandboxRules.Threading)}", modifier.GetLocation());
                        break;
                    case SyntaxKind.AsyncKeyword:
                        sink.Add(SandboxRules.Threading, $"'async' is not allowed: {SandboxRules.Explain(SandboxRules.Threading)} Label must be synchronous.", modifier.GetLocation());
                        break;
                    default:
                        break;
                }
            }
        }
    }

    /// <summary>Finds the first node nested deeper than <see cref="MaxSyntaxDepth"/>, without recursing.</summary>
    private static SyntaxNode? FindTooDeep(SyntaxNode root)
    {
        var ancestors = new Stack<SyntaxNode>();
        foreach (SyntaxNode node in root.DescendantNodes())
        {
            while (ancestors.Count > 0 && ancestors.Peek() != node.Parent)
            {
                ancestors.Pop();
            }

            ancestors.Push(node);
            if (ancestors.Count > MaxSyntaxDepth)
            {
                return node;
            }
        }

        return null;
    }

    /// <summary>Determines whether a format specifier (or composite format string) asks for a bounded number of digits.</summary>
    internal static bool IsSafeFormat(ReadOnlySpan<char> format)
    {
        long run = 0;
        foreach (char c in format)
        {
            run = char.IsAsciiDigit(c) ? Math.Min((run * 10) + (c - '0'), int.MaxValue) : 0;
            if (run > MaxFormatWidth)
            {
                return false;
            }
        }

        return true;
    }

    private static SyntaxTokenList Modifiers(SyntaxNode node) => node switch
    {
        MemberDeclarationSyntax member => member.Modifiers,
        LocalFunctionStatementSyntax local => local.Modifiers,
        AnonymousFunctionExpressionSyntax lambda => lambda.Modifiers,
        _ => default,
    };

    private static string Describe(SyntaxNode node) => node switch
    {
        StackAllocArrayCreationExpressionSyntax or ImplicitStackAllocArrayCreationExpressionSyntax => "stackalloc",
        FixedStatementSyntax => "fixed",
        UnsafeStatementSyntax => "unsafe",
        MakeRefExpressionSyntax => "__makeref",
        RefTypeExpressionSyntax => "__reftype",
        RefValueExpressionSyntax => "__refvalue",
        FunctionPointerTypeSyntax => "delegate*",
        _ => FirstLine(node.ToString()),
    };

    private static string FirstLine(string text)
    {
        int end = text.IndexOfAny(['\r', '\n']);
        text = end < 0 ? text : text[..end];
        return text.Length > 60 ? text[..60] + "..." : text.Trim();
    }
}
