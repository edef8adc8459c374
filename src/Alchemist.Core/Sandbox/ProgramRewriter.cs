using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Alchemist;

/// <summary>The third layer: rewrites a program that passed the checks so that it runs under its budget.</summary>
/// <remarks>
/// <list type="bullet">
/// <item>Every loop body starts with <see cref="SandboxRuntime.Step"/>.</item>
/// <item>Every method, constructor, accessor, operator, local function, lambda and anonymous method body is wrapped in
/// <see cref="SandboxRuntime.Enter"/> and a <see langword="finally"/> that calls <see cref="SandboxRuntime.Exit"/>.</item>
/// <item>Every <see langword="catch"/> clause gets a filter, <see cref="SandboxRuntime.CanCatch"/>, so that programs cannot catch budget overruns or regular expression timeouts.</item>
/// <item>Every regular expression gets a match timeout; every lazy LINQ operator's result is tracked; every explicitly sized allocation is charged first.</item>
/// </list>
/// The rewrite reads the semantic model of the checked program, so it must be given the original syntax tree's model.
/// </remarks>
internal sealed class ProgramRewriter : CSharpSyntaxRewriter
{
    private const string Runtime = "global::Alchemist.SandboxRuntime";

    /// <summary>The longest constant pattern that a regex built once is compiled for: construction stays in milliseconds.</summary>
    private const int MaxCompiledPatternLength = 1_000;
    private readonly SemanticModel _model;
    private readonly bool _chargeSteps;
    private readonly CancellationToken _cancellationToken;
    private int _catchVariables;

    private ProgramRewriter(SemanticModel model, bool chargeSteps, CancellationToken cancellationToken)
    {
        _model = model;
        _chargeSteps = chargeSteps;
        _cancellationToken = cancellationToken;
    }

    public static SyntaxNode Rewrite(SemanticModel model, bool chargeSteps, CancellationToken cancellationToken) =>
        new ProgramRewriter(model, chargeSteps, cancellationToken).Visit(model.SyntaxTree.GetRoot(cancellationToken));

    // ----- Method bodies -----

    public override SyntaxNode? VisitMethodDeclaration(MethodDeclarationSyntax node)
    {
        var rewritten = (MethodDeclarationSyntax)base.VisitMethodDeclaration(node)!;
        return WrapBody(rewritten, rewritten.Body, rewritten.ExpressionBody?.Expression, ReturnsVoid(_model.GetDeclaredSymbol(node, cancellationToken: _cancellationToken)), (m, body) => m.WithBody(body).WithExpressionBody(null).WithSemicolonToken(default));
    }

    public override SyntaxNode? VisitConstructorDeclaration(ConstructorDeclarationSyntax node)
    {
        var rewritten = (ConstructorDeclarationSyntax)base.VisitConstructorDeclaration(node)!;
        return WrapBody(rewritten, rewritten.Body, rewritten.ExpressionBody?.Expression, returnsVoid: true, (m, body) => m.WithBody(body).WithExpressionBody(null).WithSemicolonToken(default));
    }

    public override SyntaxNode? VisitOperatorDeclaration(OperatorDeclarationSyntax node)
    {
        var rewritten = (OperatorDeclarationSyntax)base.VisitOperatorDeclaration(node)!;
        return WrapBody(rewritten, rewritten.Body, rewritten.ExpressionBody?.Expression, ReturnsVoid(_model.GetDeclaredSymbol(node, cancellationToken: _cancellationToken)), (m, body) => m.WithBody(body).WithExpressionBody(null).WithSemicolonToken(default));
    }

    public override SyntaxNode? VisitConversionOperatorDeclaration(ConversionOperatorDeclarationSyntax node)
    {
        var rewritten = (ConversionOperatorDeclarationSyntax)base.VisitConversionOperatorDeclaration(node)!;
        return WrapBody(rewritten, rewritten.Body, rewritten.ExpressionBody?.Expression, returnsVoid: false, (m, body) => m.WithBody(body).WithExpressionBody(null).WithSemicolonToken(default));
    }

    public override SyntaxNode? VisitAccessorDeclaration(AccessorDeclarationSyntax node)
    {
        var rewritten = (AccessorDeclarationSyntax)base.VisitAccessorDeclaration(node)!;
        bool returnsVoid = !node.IsKind(SyntaxKind.GetAccessorDeclaration);
        return WrapBody(rewritten, rewritten.Body, rewritten.ExpressionBody?.Expression, returnsVoid, (m, body) => m.WithBody(body).WithExpressionBody(null).WithSemicolonToken(default));
    }

    public override SyntaxNode? VisitPropertyDeclaration(PropertyDeclarationSyntax node)
    {
        var rewritten = (PropertyDeclarationSyntax)base.VisitPropertyDeclaration(node)!;
        if (!_chargeSteps || rewritten.ExpressionBody is not { } arrow)
        {
            return rewritten;
        }

        AccessorDeclarationSyntax getter = AccessorDeclaration(SyntaxKind.GetAccessorDeclaration, Wrap(ToBlock(arrow.Expression, returnsVoid: false)));
        return rewritten.WithExpressionBody(null).WithSemicolonToken(default).WithAccessorList(AccessorList(SingletonList(getter)));
    }

    public override SyntaxNode? VisitIndexerDeclaration(IndexerDeclarationSyntax node)
    {
        var rewritten = (IndexerDeclarationSyntax)base.VisitIndexerDeclaration(node)!;
        if (!_chargeSteps || rewritten.ExpressionBody is not { } arrow)
        {
            return rewritten;
        }

        AccessorDeclarationSyntax getter = AccessorDeclaration(SyntaxKind.GetAccessorDeclaration, Wrap(ToBlock(arrow.Expression, returnsVoid: false)));
        return rewritten.WithExpressionBody(null).WithSemicolonToken(default).WithAccessorList(AccessorList(SingletonList(getter)));
    }

    public override SyntaxNode? VisitLocalFunctionStatement(LocalFunctionStatementSyntax node)
    {
        var rewritten = (LocalFunctionStatementSyntax)base.VisitLocalFunctionStatement(node)!;
        return WrapBody(rewritten, rewritten.Body, rewritten.ExpressionBody?.Expression, ReturnsVoid(_model.GetDeclaredSymbol(node, cancellationToken: _cancellationToken)), (m, body) => m.WithBody(body).WithExpressionBody(null).WithSemicolonToken(default));
    }

    public override SyntaxNode? VisitSimpleLambdaExpression(SimpleLambdaExpressionSyntax node)
    {
        var rewritten = (SimpleLambdaExpressionSyntax)base.VisitSimpleLambdaExpression(node)!;
        return WrapBody(rewritten, rewritten.Block, rewritten.ExpressionBody, ReturnsVoid(_model.GetSymbolInfo(node, cancellationToken: _cancellationToken).Symbol), (m, body) => m.WithExpressionBody(null).WithBlock(body));
    }

    public override SyntaxNode? VisitParenthesizedLambdaExpression(ParenthesizedLambdaExpressionSyntax node)
    {
        var rewritten = (ParenthesizedLambdaExpressionSyntax)base.VisitParenthesizedLambdaExpression(node)!;
        return WrapBody(rewritten, rewritten.Block, rewritten.ExpressionBody, ReturnsVoid(_model.GetSymbolInfo(node, cancellationToken: _cancellationToken).Symbol), (m, body) => m.WithExpressionBody(null).WithBlock(body));
    }

    public override SyntaxNode? VisitAnonymousMethodExpression(AnonymousMethodExpressionSyntax node)
    {
        var rewritten = (AnonymousMethodExpressionSyntax)base.VisitAnonymousMethodExpression(node)!;
        return _chargeSteps ? rewritten.WithBlock(Wrap(rewritten.Block)) : rewritten;
    }

    // ----- Loops -----

    public override SyntaxNode? VisitWhileStatement(WhileStatementSyntax node)
    {
        var rewritten = (WhileStatementSyntax)base.VisitWhileStatement(node)!;
        return _chargeSteps ? rewritten.WithStatement(Charge(rewritten.Statement)) : rewritten;
    }

    public override SyntaxNode? VisitDoStatement(DoStatementSyntax node)
    {
        var rewritten = (DoStatementSyntax)base.VisitDoStatement(node)!;
        return _chargeSteps ? rewritten.WithStatement(Charge(rewritten.Statement)) : rewritten;
    }

    public override SyntaxNode? VisitForStatement(ForStatementSyntax node)
    {
        var rewritten = (ForStatementSyntax)base.VisitForStatement(node)!;
        return _chargeSteps ? rewritten.WithStatement(Charge(rewritten.Statement)) : rewritten;
    }

    public override SyntaxNode? VisitForEachStatement(ForEachStatementSyntax node)
    {
        var rewritten = (ForEachStatementSyntax)base.VisitForEachStatement(node)!;
        return _chargeSteps ? rewritten.WithStatement(Charge(rewritten.Statement)) : rewritten;
    }

    public override SyntaxNode? VisitForEachVariableStatement(ForEachVariableStatementSyntax node)
    {
        var rewritten = (ForEachVariableStatementSyntax)base.VisitForEachVariableStatement(node)!;
        return _chargeSteps ? rewritten.WithStatement(Charge(rewritten.Statement)) : rewritten;
    }

    // ----- Exceptions -----

    public override SyntaxNode? VisitCatchClause(CatchClauseSyntax node)
    {
        var rewritten = (CatchClauseSyntax)base.VisitCatchClause(node)!;
        string variable;
        CatchDeclarationSyntax declaration;
        if (rewritten.Declaration is null)
        {
            variable = NextCatchVariable();
            declaration = CatchDeclaration(ParseTypeName("global::System.Exception"), Identifier(TriviaList(Space), variable, TriviaList()));
        }
        else if (rewritten.Declaration.Identifier.IsKind(SyntaxKind.None))
        {
            variable = NextCatchVariable();
            declaration = rewritten.Declaration.WithIdentifier(Identifier(TriviaList(Space), variable, TriviaList()));
        }
        else
        {
            variable = rewritten.Declaration.Identifier.ValueText;
            declaration = rewritten.Declaration;
        }

        ExpressionSyntax guard = ParseExpression($"{Runtime}.CanCatch({variable})");
        ExpressionSyntax condition = rewritten.Filter is { } filter
            ? BinaryExpression(SyntaxKind.LogicalAndExpression, guard, ParenthesizedExpression(filter.FilterExpression))
            : guard;
        return rewritten.WithDeclaration(declaration).WithFilter(CatchFilterClause(condition));
    }

    // ----- Calls and allocations -----

    public override SyntaxNode? VisitInvocationExpression(InvocationExpressionSyntax node)
    {
        var rewritten = (InvocationExpressionSyntax)base.VisitInvocationExpression(node)!;
        if (_model.GetSymbolInfo(node, cancellationToken: _cancellationToken).Symbol is not IMethodSymbol method)
        {
            return rewritten;
        }

        if (RewriteTargets.IsRegexPatternCall(method))
        {
            rewritten = rewritten.WithArgumentList(AddRegexTimeout(rewritten.ArgumentList, method));
        }

        if (RewriteTargets.SizeParameter(method) is { } sizeParameter)
        {
            rewritten = rewritten.WithArgumentList(ChargeSize(rewritten.ArgumentList, method, sizeParameter));
        }

        if (RewriteTargets.FormatParameter(method) is >= 0 and int format)
        {
            rewritten = rewritten.WithArgumentList(CheckFormat(rewritten.ArgumentList, node.ArgumentList, method, format));
        }

        if (RewriteTargets.IsLazyLinq(method))
        {
            return Track(rewritten);
        }

        if (RewriteTargets.IsChargedSplit(method) && rewritten.Expression is MemberAccessExpressionSyntax split)
        {
            // text.Split(separators, ...) -> SandboxRuntime.Split(text, separators, ...), which charges length x separators first.
            return InvocationExpression(
                ParseExpression($"{Runtime}.Split"),
                rewritten.ArgumentList.WithArguments(rewritten.ArgumentList.Arguments.Insert(0, Argument(split.Expression.WithoutTrivia())))).WithTriviaFrom(rewritten);
        }

        return rewritten;
    }

    public override SyntaxNode? VisitAssignmentExpression(AssignmentExpressionSyntax node)
    {
        var rewritten = (AssignmentExpressionSyntax)base.VisitAssignmentExpression(node)!;
        if (!RewriteTargets.IsBuilderLength(_model.GetSymbolInfo(node.Left, cancellationToken: _cancellationToken).Symbol) ||
            rewritten.Left is not MemberAccessExpressionSyntax length)
        {
            return rewritten;
        }

        // builder.Length = n -> SandboxRuntime.SetLength(builder, n); builder.Length += n -> SandboxRuntime.AddLength(builder, n): growth is charged first.
        string? helper = rewritten.Kind() switch
        {
            SyntaxKind.SimpleAssignmentExpression => "SetLength",
            SyntaxKind.AddAssignmentExpression => "AddLength",
            _ => null,
        };
        return helper is null
            ? rewritten
            : InvocationExpression(
                ParseExpression($"{Runtime}.{helper}"),
                ArgumentList(SeparatedList([Argument(length.Expression.WithoutTrivia()), Argument(rewritten.Right.WithoutTrivia())]))).WithTriviaFrom(rewritten);
    }

    public override SyntaxNode? VisitObjectCreationExpression(ObjectCreationExpressionSyntax node)
    {
        var rewritten = (ObjectCreationExpressionSyntax)base.VisitObjectCreationExpression(node)!;
        return rewritten.ArgumentList is { } arguments && _model.GetSymbolInfo(node, cancellationToken: _cancellationToken).Symbol is IMethodSymbol constructor
            ? rewritten.WithArgumentList(RewriteConstructorArguments(arguments, constructor, IsRegexBuiltOnce(node, node.ArgumentList, constructor)))
            : rewritten;
    }

    public override SyntaxNode? VisitImplicitObjectCreationExpression(ImplicitObjectCreationExpressionSyntax node)
    {
        var rewritten = (ImplicitObjectCreationExpressionSyntax)base.VisitImplicitObjectCreationExpression(node)!;
        return _model.GetSymbolInfo(node, cancellationToken: _cancellationToken).Symbol is IMethodSymbol constructor
            ? rewritten.WithArgumentList(RewriteConstructorArguments(rewritten.ArgumentList, constructor, IsRegexBuiltOnce(node, node.ArgumentList, constructor)))
            : rewritten;
    }

    public override SyntaxNode? VisitQueryExpression(QueryExpressionSyntax node)
    {
        var rewritten = (QueryExpressionSyntax)base.VisitQueryExpression(node)!;
        return _model.GetTypeInfo(node, cancellationToken: _cancellationToken).Type is INamedTypeSymbol type &&
            SandboxAllowList.MetadataName(type) is "System.Collections.Generic.IEnumerable`1" or "System.Linq.IOrderedEnumerable`1"
            ? Track(ParenthesizedExpression(rewritten))
            : rewritten;
    }

    public override SyntaxNode? VisitArrayCreationExpression(ArrayCreationExpressionSyntax node)
    {
        var rewritten = (ArrayCreationExpressionSyntax)base.VisitArrayCreationExpression(node)!;
        ArrayRankSpecifierSyntax first = rewritten.Type.RankSpecifiers[0];
        if (rewritten.Initializer is not null || first.Sizes.All(s => s is OmittedArraySizeExpressionSyntax) ||
            _model.GetTypeInfo(node, cancellationToken: _cancellationToken).Type is not IArrayTypeSymbol arrayType)
        {
            return rewritten;
        }

        string elementBytes = TypeSize.Estimate(arrayType.ElementType).ToString(CultureInfo.InvariantCulture);
        if (first.Sizes.Count == 1)
        {
            ExpressionSyntax charged = SizeCall(first.Sizes[0], elementBytes);
            return rewritten.WithType(rewritten.Type.WithRankSpecifiers(rewritten.Type.RankSpecifiers.Replace(first, first.WithSizes(SingletonSeparatedList(charged)))));
        }

        // Multi-dimensional: the helper charges the product of the lengths before it allocates.
        TypeSyntax elementType = rewritten.Type.RankSpecifiers.Count > 1
            ? rewritten.Type.WithRankSpecifiers(rewritten.Type.RankSpecifiers.RemoveAt(0))
            : rewritten.Type.ElementType;
        string helper = first.Sizes.Count == 2 ? "Array2" : "Array3";
        var arguments = first.Sizes.Select(s => Argument(ParenthesizedExpression(s))).Append(Argument(ParseExpression(elementBytes)));
        return InvocationExpression(
            MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, ParseExpression(Runtime), GenericName(Identifier(helper), TypeArgumentList(SingletonSeparatedList(elementType)))),
            ArgumentList(SeparatedList(arguments)));
    }

    private static ArgumentListSyntax RewriteConstructorArguments(ArgumentListSyntax arguments, IMethodSymbol constructor, bool compileRegex)
    {
        if (RewriteTargets.IsRegexConstructor(constructor))
        {
            arguments = AddRegexTimeout(arguments, constructor);
            return compileRegex ? AddRegexCompiled(arguments, constructor) : arguments;
        }

        return RewriteTargets.SizeParameter(constructor) is { } sizeParameter ? ChargeSize(arguments, constructor, sizeParameter) : arguments;
    }

    private static ArgumentListSyntax AddRegexTimeout(ArgumentListSyntax arguments, IMethodSymbol method)
    {
        if (RewriteTargets.ArgumentIndex(arguments, method, "matchTimeout") is int timeoutIndex)
        {
            arguments = ChargePattern(arguments, method);
            ArgumentSyntax timeout = arguments.Arguments[timeoutIndex];
            return arguments.WithArguments(arguments.Arguments.Replace(timeout, timeout.WithExpression(
                InvocationExpression(ParseExpression($"{Runtime}.ClampRegexTimeout"), ArgumentList(SingletonSeparatedList(Argument(timeout.Expression)))))));
        }

        arguments = ChargePattern(arguments, method);
        SeparatedSyntaxList<ArgumentSyntax> list = arguments.Arguments;
        if (RewriteTargets.ArgumentIndex(arguments, method, "options") is null)
        {
            list = list.Add(Argument(ParseExpression("global::System.Text.RegularExpressions.RegexOptions.None")).WithNameColon(NameColon("options")));
        }

        list = list.Add(Argument(ParseExpression($"{Runtime}.RegexTimeout")).WithNameColon(NameColon("matchTimeout")));
        return arguments.WithArguments(list);
    }

    /// <summary>
    /// Determines whether a regular expression is built once per load of the program, with a short constant pattern and
    /// constant options, so that it is worth compiling to IL (<see cref="RegexOptions.Compiled"/>): it is the
    /// initializer of a static field or property of a non-generic type (which runs once), not inside a lambda, anonymous
    /// method or local function (which could run on every call).
    /// </summary>
    /// <remarks>
    /// Compiling costs more at construction (about a millisecond, once) and matches several times faster on every
    /// call after. It changes no match and no timeout: programs may ask for <see cref="RegexOptions.Compiled"/>
    /// themselves, and the match timeout applies to compiled regexes the same way.
    /// </remarks>
    private bool IsRegexBuiltOnce(ExpressionSyntax creation, ArgumentListSyntax? arguments, IMethodSymbol constructor)
    {
        if (!RewriteTargets.IsRegexConstructor(constructor) || arguments is null ||
            RewriteTargets.ArgumentIndex(arguments, constructor, "pattern") is not int patternIndex ||
            _model.GetConstantValue(arguments.Arguments[patternIndex].Expression, _cancellationToken) is not { HasValue: true, Value: string pattern } ||
            pattern.Length > MaxCompiledPatternLength)
        {
            return false;
        }

        if (RewriteTargets.ArgumentIndex(arguments, constructor, "options") is int optionsIndex &&
            (_model.GetConstantValue(arguments.Arguments[optionsIndex].Expression, _cancellationToken) is not { HasValue: true, Value: int options } ||
             ((RegexOptions)options & RegexOptions.NonBacktracking) != 0))
        {
            return false;
        }

        for (SyntaxNode? node = creation.Parent; node is not null; node = node.Parent)
        {
            switch (node)
            {
                case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax:
                    return false;
                case EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent.Parent: FieldDeclarationSyntax field } }:
                    return field.Modifiers.Any(SyntaxKind.StaticKeyword) && IsNonGeneric(field.Parent);
                case PropertyDeclarationSyntax property:
                    return property.Initializer is { } initializer && initializer.Span.Contains(creation.Span) &&
                        property.Modifiers.Any(SyntaxKind.StaticKeyword) && IsNonGeneric(property.Parent);
                case MemberDeclarationSyntax or StatementSyntax:
                    return false;
            }
        }

        return false;

        static bool IsNonGeneric(SyntaxNode? type)
        {
            for (; type is not null; type = type.Parent)
            {
                if (type is TypeDeclarationSyntax { TypeParameterList: not null })
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>Adds <see cref="RegexOptions.Compiled"/> to the options of a regex constructor call that <see cref="AddRegexTimeout"/> has rewritten (so it has an options argument).</summary>
    private static ArgumentListSyntax AddRegexCompiled(ArgumentListSyntax arguments, IMethodSymbol constructor)
    {
        ExpressionSyntax compiled = ParseExpression("global::System.Text.RegularExpressions.RegexOptions.Compiled");
        if (RewriteTargets.ArgumentIndex(arguments, constructor, "options") is int index)
        {
            ArgumentSyntax options = arguments.Arguments[index];
            return arguments.WithArguments(arguments.Arguments.Replace(options, options.WithExpression(
                BinaryExpression(SyntaxKind.BitwiseOrExpression, ParenthesizedExpression(options.Expression), compiled))));
        }

        return arguments;
    }

    /// <summary>Charges a regular expression's construction by its pattern's length, before the pattern is parsed (construction is outside the match timeout).</summary>
    private static ArgumentListSyntax ChargePattern(ArgumentListSyntax arguments, IMethodSymbol method)
    {
        if (RewriteTargets.ArgumentIndex(arguments, method, "pattern") is not int index ||
            method.Parameters.FirstOrDefault(p => p.Name == "pattern")?.Type.SpecialType != SpecialType.System_String)
        {
            return arguments;
        }

        ArgumentSyntax pattern = arguments.Arguments[index];
        return arguments.WithArguments(arguments.Arguments.Replace(pattern, pattern.WithExpression(
            InvocationExpression(ParseExpression($"{Runtime}.Pattern"), ArgumentList(SingletonSeparatedList(Argument(pattern.Expression)))))));
    }

    private static ArgumentListSyntax ChargeSize(ArgumentListSyntax arguments, IMethodSymbol method, string parameter)
    {
        if (RewriteTargets.ArgumentIndex(arguments, method, parameter) is not int index)
        {
            return arguments;
        }

        ArgumentSyntax argument = arguments.Arguments[index];
        string elementBytes = RewriteTargets.ElementBytes(method).ToString(CultureInfo.InvariantCulture);
        ExpressionSyntax charged = SizeCall(argument.Expression, elementBytes);
        return arguments.WithArguments(arguments.Arguments.Replace(argument, argument.WithExpression(charged)));
    }

    private ArgumentListSyntax CheckFormat(ArgumentListSyntax arguments, ArgumentListSyntax original, IMethodSymbol method, int format)
    {
        if (RewriteTargets.ArgumentIndex(arguments, method, method.Parameters[format].Name) is not int index ||
            _model.GetConstantValue(original.Arguments[index].Expression, cancellationToken: _cancellationToken).HasValue)
        {
            return arguments; // Constant formats were checked before the rewrite.
        }

        ArgumentSyntax argument = arguments.Arguments[index];
        return arguments.WithArguments(arguments.Arguments.Replace(argument, argument.WithExpression(
            InvocationExpression(ParseExpression($"{Runtime}.Format"), ArgumentList(SingletonSeparatedList(Argument(argument.Expression)))))));
    }

    private static InvocationExpressionSyntax SizeCall(ExpressionSyntax count, string elementBytes) =>
        InvocationExpression(
            ParseExpression($"{Runtime}.Size"),
            ArgumentList(SeparatedList([Argument(ParenthesizedExpression(count)), Argument(ParseExpression(elementBytes))])));

    private static InvocationExpressionSyntax Track(ExpressionSyntax sequence) =>
        InvocationExpression(ParseExpression($"{Runtime}.Track"), ArgumentList(SingletonSeparatedList(Argument(sequence))));

    // ----- Helpers -----

    private T WrapBody<T>(T member, BlockSyntax? body, ExpressionSyntax? expressionBody, bool returnsVoid, Func<T, BlockSyntax, T> withBody)
        where T : SyntaxNode
    {
        if (!_chargeSteps)
        {
            return member;
        }

        if (body is not null)
        {
            return withBody(member, Wrap(body));
        }

        return expressionBody is null ? member : withBody(member, Wrap(ToBlock(expressionBody, returnsVoid)));
    }

    private static BlockSyntax ToBlock(ExpressionSyntax expression, bool returnsVoid)
    {
        StatementSyntax statement = expression switch
        {
            ThrowExpressionSyntax throwExpression => ThrowStatement(Token(SyntaxKind.ThrowKeyword).WithTrailingTrivia(Space), throwExpression.Expression, Token(SyntaxKind.SemicolonToken)),
            _ when returnsVoid => ExpressionStatement(expression),
            _ => ReturnStatement(Token(SyntaxKind.ReturnKeyword).WithTrailingTrivia(Space), expression, Token(SyntaxKind.SemicolonToken)),
        };
        return Block(statement);
    }

    private static BlockSyntax Wrap(BlockSyntax body) =>
        Block(
            ParseStatement($"{Runtime}.Enter();"),
            TryStatement(body, default, FinallyClause(Block(ParseStatement($"{Runtime}.Exit();")))));

    private static BlockSyntax Charge(StatementSyntax statement)
    {
        StatementSyntax step = ParseStatement($"{Runtime}.Step();");
        return statement is BlockSyntax block ? block.WithStatements(block.Statements.Insert(0, step)) : Block(step, statement);
    }

    private static bool ReturnsVoid(ISymbol? symbol) => symbol is IMethodSymbol { ReturnsVoid: true };

    private string NextCatchVariable() => "__alchemist_exception" + (_catchVariables++).ToString(CultureInfo.InvariantCulture);
}
