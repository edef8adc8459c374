using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Alchemist;

/// <summary>The second layer of checks: every symbol a program touches must be its own, a member of the item type, or on the allow-list.</summary>
internal sealed partial class ProgramSymbolChecker
{
    /// <summary>The largest value type a program may use, in bytes, so that locals cannot exhaust the stack.</summary>
    internal const int MaxValueTypeBytes = 256;

    /// <summary>The most bytes of locals one method may declare.</summary>
    internal const int MaxFrameBytes = 32 * 1024;

    /// <summary>Names of forbidden framework types that do not even bind (their assemblies are not referenced), with the rule they break.</summary>
    private static readonly Dictionary<string, string> UnresolvedNames = new(StringComparer.Ordinal)
    {
        ["File"] = SandboxRules.Io, ["Directory"] = SandboxRules.Io, ["FileInfo"] = SandboxRules.Io, ["DirectoryInfo"] = SandboxRules.Io,
        ["FileStream"] = SandboxRules.Io, ["StreamReader"] = SandboxRules.Io, ["StreamWriter"] = SandboxRules.Io, ["DriveInfo"] = SandboxRules.Io,
        ["FileSystemWatcher"] = SandboxRules.Io, ["Console"] = SandboxRules.Io,
        ["HttpClient"] = SandboxRules.Network, ["HttpClientHandler"] = SandboxRules.Network, ["WebClient"] = SandboxRules.Network,
        ["WebRequest"] = SandboxRules.Network, ["HttpWebRequest"] = SandboxRules.Network, ["Socket"] = SandboxRules.Network,
        ["TcpClient"] = SandboxRules.Network, ["UdpClient"] = SandboxRules.Network, ["TcpListener"] = SandboxRules.Network,
        ["Dns"] = SandboxRules.Network, ["IPAddress"] = SandboxRules.Network, ["IPEndPoint"] = SandboxRules.Network, ["Ping"] = SandboxRules.Network,
        ["NetworkStream"] = SandboxRules.Network, ["SmtpClient"] = SandboxRules.Network, ["ClientWebSocket"] = SandboxRules.Network,
        ["Process"] = SandboxRules.Process, ["ProcessStartInfo"] = SandboxRules.Process,
        ["Registry"] = SandboxRules.Environment, ["RegistryKey"] = SandboxRules.Environment,
        ["Expression"] = SandboxRules.Reflection, ["DynamicMethod"] = SandboxRules.Reflection, ["ILGenerator"] = SandboxRules.Reflection,
        ["AssemblyBuilder"] = SandboxRules.Reflection, ["AssemblyLoadContext"] = SandboxRules.Reflection, ["CSharpScript"] = SandboxRules.Reflection,
        ["Thread"] = SandboxRules.Threading, ["ThreadPool"] = SandboxRules.Threading, ["Task"] = SandboxRules.Threading,
        ["Parallel"] = SandboxRules.Threading, ["Timer"] = SandboxRules.Threading, ["AsParallel"] = SandboxRules.Threading,
        ["Marshal"] = SandboxRules.Interop, ["DllImport"] = SandboxRules.Interop, ["NativeLibrary"] = SandboxRules.Interop,
    };

    private readonly SemanticModel _model;
    private readonly HashSet<INamedTypeSymbol> _hostTypes;
    private readonly DiagnosticSink _sink;
    private readonly CancellationToken _cancellationToken;
    private readonly HashSet<ITypeSymbol> _checkedTypes = new(SymbolEqualityComparer.Default);
    private readonly HashSet<ISymbol> _reportedMembers = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<ITypeParameterSymbol, string> _structuralParameters = new(SymbolEqualityComparer.Default);
    private readonly List<(ITypeParameterSymbol Parameter, ITypeSymbol Argument, SyntaxNode Node)> _instantiations = [];
    private HashSet<ITypeSymbol>? _writtenAnonymousTypes;

    private ProgramSymbolChecker(SemanticModel model, HashSet<INamedTypeSymbol> hostTypes, DiagnosticSink sink, CancellationToken cancellationToken)
    {
        _model = model;
        _hostTypes = hostTypes;
        _sink = sink;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Checks every symbol the program's syntax tree touches, and the program's own type declarations.</summary>
    public static void Check(SemanticModel model, HashSet<INamedTypeSymbol> hostTypes, DiagnosticSink sink, CancellationToken cancellationToken)
    {
        var checker = new ProgramSymbolChecker(model, hostTypes, sink, cancellationToken);
        SyntaxNode root = model.SyntaxTree.GetRoot(cancellationToken);
        foreach (SyntaxNode node in root.DescendantNodes(static n => n is not UsingDirectiveSyntax and not AttributeListSyntax))
        {
            cancellationToken.ThrowIfCancellationRequested();
            checker.CheckNode(node);
        }

        checker.CheckDeclarations(root);
        checker.CheckStructuralInstantiations();
    }

    /// <summary>Determines whether a symbol is declared by the program itself.</summary>
    internal static bool IsSource(ISymbol? symbol) =>
        symbol is not null && (symbol.OriginalDefinition.Locations.Any(static l => l.IsInSource) ||
            (symbol.ContainingType is { } type && IsSource(type)));

    private void CheckNode(SyntaxNode node)
    {
        if (IsHostTypeQualifier(node))
        {
            // 'Inbox' in 'Inbox.Message', where Message is the item type: naming the outer type reaches none of its members.
            return;
        }

        switch (node)
        {
            case AttributeListSyntax list:
                foreach (AttributeSyntax attribute in list.Attributes)
                {
                    CheckAttribute(attribute);
                }

                return;
            case BaseNamespaceDeclarationSyntax or QualifiedNameSyntax { Parent: BaseNamespaceDeclarationSyntax }:
                return;
            case SimpleNameSyntax or ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax or ElementAccessExpressionSyntax
                or ElementBindingExpressionSyntax or ImplicitElementAccessSyntax or BinaryExpressionSyntax or PrefixUnaryExpressionSyntax
                or PostfixUnaryExpressionSyntax or AssignmentExpressionSyntax or CastExpressionSyntax or InvocationExpressionSyntax
                or ConstructorInitializerSyntax or PrimaryConstructorBaseTypeSyntax:
                CheckSymbol(_model.GetSymbolInfo(node, cancellationToken: _cancellationToken).Symbol, node);
                break;
            case QueryClauseSyntax clause:
                QueryClauseInfo info = _model.GetQueryClauseInfo(clause, cancellationToken: _cancellationToken);
                CheckSymbol(info.CastInfo.Symbol, node);
                CheckSymbol(info.OperationInfo.Symbol, node);
                break;
            case SelectOrGroupClauseSyntax or OrderingSyntax:
                CheckSymbol(_model.GetSymbolInfo(node, cancellationToken: _cancellationToken).Symbol, node);
                break;
            default:
                break;
        }

        if (node is InvocationExpressionSyntax { ArgumentList: var formatted } && _model.GetSymbolInfo(node, cancellationToken: _cancellationToken).Symbol is IMethodSymbol method &&
            RewriteTargets.FormatParameter(method) is >= 0 and int format &&
            RewriteTargets.ArgumentIndex(formatted, method, method.Parameters[format].Name) is int index &&
            _model.GetConstantValue(formatted.Arguments[index].Expression, cancellationToken: _cancellationToken) is { HasValue: true, Value: string constant } &&
            !ProgramSyntaxChecker.IsSafeFormat(constant))
        {
            _sink.Add(SandboxRules.Allocation, $"The format \"{Shorten(constant)}\" asks for too many digits or too much padding (at most {ProgramSyntaxChecker.MaxFormatWidth:N0}); use a shorter format.", formatted.Arguments[index].GetLocation());
        }

        CheckHandlerNamed(node);
        CheckAlignment(node);

        if (node is SimpleNameSyntax name && _model.GetSymbolInfo(node, cancellationToken: _cancellationToken) is { Symbol: null, CandidateSymbols.IsEmpty: true } &&
            UnresolvedNames.TryGetValue(name.Identifier.ValueText, out string? unresolvedRule))
        {
            _sink.Add(unresolvedRule, $"'{name.Identifier.ValueText}' is not available: {SandboxRules.Explain(unresolvedRule)}", node.GetLocation());
        }

        if (node is ExpressionSyntax expression)
        {
            CheckZoneConversion(expression);
            TypeInfo type = _model.GetTypeInfo(expression, cancellationToken: _cancellationToken);
            CheckType(type.Type, node);
            CheckType(type.ConvertedType, node);
        }
    }

    /// <summary>Determines whether a name only qualifies a nested host type, such as the outer type in <c>Outer.Item</c>.</summary>
    private bool IsHostTypeQualifier(SyntaxNode node)
    {
        if (node is not NameSyntax name)
        {
            return false;
        }

        NameSyntax qualifier = name.Parent is QualifiedNameSyntax whole && whole.Right == name ? whole : name;
        return qualifier.Parent is QualifiedNameSyntax outer && outer.Left == qualifier &&
            _model.GetSymbolInfo(outer, cancellationToken: _cancellationToken).Symbol is INamedTypeSymbol qualified &&
            (_hostTypes.Contains(qualified.OriginalDefinition) || IsHostTypeQualifier(outer));
    }

    /// <summary>
    /// Refuses naming or constructing an interpolated-string handler. The compiler builds one for every <c>$"..."</c> and
    /// uses it exactly once; a program that holds one itself can copy it (it is a struct that owns a buffer rented from the
    /// process-wide <c>ArrayPool&lt;char&gt;.Shared</c>, so releasing both copies returns one array twice and corrupts
    /// other programs' strings), pre-size it past the memory budget, or hand it a static buffer to write into.
    /// </summary>
    private void CheckHandlerNamed(SyntaxNode node)
    {
        ITypeSymbol? named = node switch
        {
            SimpleNameSyntax => _model.GetSymbolInfo(node, cancellationToken: _cancellationToken).Symbol as ITypeSymbol,
            ImplicitObjectCreationExpressionSyntax => _model.GetTypeInfo(node, cancellationToken: _cancellationToken).Type,
            _ => null,
        };
        if (named is INamedTypeSymbol type && IsPooledBufferOwner(type))
        {
            _sink.Add(SandboxRules.Api, $"'{type.ToDisplayString()}' is not allowed: it owns a buffer rented from the process-wide array pool (or writes into one it is given), and a copy of it can return that buffer twice. Write an interpolated string ($\"...\") and let the compiler use the handler.", node.GetLocation());
        }
    }

    /// <summary>Determines whether a type is an interpolated-string handler or a pool of buffers, which programs may not hold.</summary>
    internal static bool IsPooledBufferOwner(INamedTypeSymbol type) =>
        type.GetAttributes().Any(a => a.AttributeClass is { Name: "InterpolatedStringHandlerAttribute" }) ||
        SandboxAllowList.MetadataName(type) is "System.Buffers.ArrayPool`1" or "System.Buffers.MemoryPool`1" or "System.Buffers.IMemoryOwner`1";

    private void CheckAttribute(AttributeSyntax attribute)
    {
        if (_model.GetSymbolInfo(attribute, cancellationToken: _cancellationToken).Symbol is IMethodSymbol { ContainingType: { } type } &&
            SandboxAllowList.MetadataName(type) == "System.FlagsAttribute")
        {
            return;
        }

        _sink.Add(SandboxRules.Attribute, $"The attribute [{attribute.Name}] is not allowed: attributes can change how a program is loaded, laid out or run; remove it (only [Flags] is allowed).", attribute.GetLocation());
    }

    private void CheckSymbol(ISymbol? symbol, SyntaxNode node)
    {
        switch (symbol)
        {
            case null or INamespaceSymbol or ILocalSymbol or IParameterSymbol or IRangeVariableSymbol or ILabelSymbol or IDiscardSymbol
                or IAliasSymbol or IPreprocessingSymbol:
                return;
            case ITypeSymbol type:
                CheckType(type, node);
                return;
            case IMethodSymbol method:
                CheckMethod(method, node);
                return;
            case IPropertySymbol or IFieldSymbol or IEventSymbol:
                CheckMember(symbol, node);
                return;
            default:
                Report(SandboxRules.Api, symbol, node);
                return;
        }
    }

    private void CheckMethod(IMethodSymbol method, SyntaxNode node)
    {
        foreach (ITypeSymbol argument in method.TypeArguments)
        {
            CheckType(argument, node);
        }

        CheckIdentityHash(method, node);

        if (method.MethodKind is MethodKind.BuiltinOperator or MethodKind.AnonymousFunction or MethodKind.LocalFunction || IsSource(method))
        {
            RecordInstantiation(method, node);
            CheckGenericGrowth(method.TypeArguments, method, node);
            return;
        }

        IMethodSymbol definition = (method.ReducedFrom ?? method).OriginalDefinition;
        if (definition.ContainingType is { } owner && _hostTypes.Contains(owner.OriginalDefinition))
        {
            if (definition.IsStatic || definition.MethodKind != MethodKind.Ordinary || definition.DeclaredAccessibility != Accessibility.Public)
            {
                ReportOnce(definition, SandboxRules.Api, $"'{Display(definition)}' is not available to programs: they may read the item's public properties and call its public instance methods only.", node);
            }

            return;
        }

        if (definition.DeclaredAccessibility != Accessibility.Public || !SandboxAllowList.IsAllowedMember(definition))
        {
            Report(SandboxRules.Classify(definition), definition, node);
            return;
        }

        CheckClockAndZone(definition, node);
        if (definition.MethodKind == MethodKind.Constructor && IsException(definition.ContainingType) &&
            definition.Parameters.Any(p => IsException(p.Type) || p.Type.SpecialType == SpecialType.System_Object))
        {
            // An inner exception makes chains whose ToString recurses; an 'actual value' object is formatted by the host,
            // outside any budget, when it reads the message.
            ReportOnce(definition, SandboxRules.Api, "Exceptions that wrap an inner exception or carry an object are not allowed; throw a new exception with a message instead.", node);
        }
        else if (definition.Name == "Insert" && definition.Parameters.Length == 3 && definition.Parameters[2].Name == "count" &&
            SandboxAllowList.MetadataName(definition.ContainingType) == "System.Text.StringBuilder")
        {
            ReportOnce(definition, SandboxRules.Allocation, "StringBuilder.Insert with a repeat count is not allowed because its size is unbounded; insert the text in a loop instead.", node);
        }
        else if (RewriteTargets.IsChargedSplit(method) && node is SimpleNameSyntax { Parent: MemberBindingExpressionSyntax })
        {
            _sink.Add(SandboxRules.Api, $"'{Display(definition)}' with several separators must be called as text.Split(...), not through '?.', so that the sandbox can charge its work.", node.GetLocation());
        }
        else if (RewriteTargets.MustBeCalledDirectly(method) && !IsInvoked(node) && node is SimpleNameSyntax or MemberAccessExpressionSyntax)
        {
            _sink.Add(SandboxRules.Api, $"'{Display(definition)}' must be called directly, not turned into a delegate, so that the sandbox can add its checks to the call.", node.GetLocation());
        }
    }

    private void CheckMember(ISymbol member, SyntaxNode node)
    {
        if (IsSource(member))
        {
            return;
        }

        ISymbol definition = member.OriginalDefinition;
        bool write = IsWrite(node);
        if (definition.ContainingType is { } owner && _hostTypes.Contains(owner.OriginalDefinition))
        {
            if (definition is IFieldSymbol { IsConst: true })
            {
                return;
            }

            if (definition.IsStatic || definition.DeclaredAccessibility != Accessibility.Public || definition is IEventSymbol)
            {
                ReportOnce(definition, SandboxRules.Api, $"'{Display(definition)}' is not available to programs: they may read the item's public instance properties and fields only.", node);
            }
            else if (write && !IsInWithInitializer(node))
            {
                _sink.Add(SandboxRules.ItemMutation, $"Assigning '{Display(definition)}' is not allowed: items are shared by every labeling function, so programs may only read them.", node.GetLocation());
            }

            return;
        }

        if (definition.DeclaredAccessibility != Accessibility.Public || !SandboxAllowList.IsAllowedMember(definition) || definition is IEventSymbol)
        {
            Report(SandboxRules.Classify(definition), definition, node);
            return;
        }

        if (!write)
        {
            return;
        }

        if (RewriteTargets.IsBuilderLength(definition) && !IsChargedLengthWrite(node))
        {
            _sink.Add(SandboxRules.Allocation, "StringBuilder.Length may only be assigned as 'builder.Length = n', 'builder.Length += n', 'builder.Length -= n' or incremented, so that the sandbox can charge what it grows by.", node.GetLocation());
            return;
        }

        switch (definition)
        {
            case IPropertySymbol property when !SandboxAllowList.IsSettable(property):
                string rule = property.IsStatic ? SandboxRules.StaticState : SandboxRules.Api;
                string why = property.IsStatic ? "it would change state shared by the whole process" : "programs may only read it";
                _sink.Add(rule, $"Assigning '{Display(definition)}' is not allowed: {why}.", node.GetLocation());
                break;
            case IFieldSymbol { IsStatic: true }:
                _sink.Add(SandboxRules.StaticState, $"Assigning '{Display(definition)}' is not allowed: it would change state shared by the whole process.", node.GetLocation());
                break;
            default:
                break;
        }
    }

    /// <summary>Determines whether a write of StringBuilder.Length has a form the rewrite charges (or that cannot grow much).</summary>
    private static bool IsChargedLengthWrite(SyntaxNode node)
    {
        SyntaxNode access = Outermost(node);
        return access is MemberAccessExpressionSyntax && access.Parent switch
        {
            AssignmentExpressionSyntax assignment => assignment.Left == access && assignment.Kind() is SyntaxKind.SimpleAssignmentExpression or SyntaxKind.AddAssignmentExpression or SyntaxKind.SubtractAssignmentExpression,
            PrefixUnaryExpressionSyntax or PostfixUnaryExpressionSyntax => true,
            _ => false,
        };
    }

    /// <summary>Refuses an interpolation alignment wider than the format limit, whatever constant gives it (a literal is also refused before binding).</summary>
    private void CheckAlignment(SyntaxNode node)
    {
        if (node is InterpolationAlignmentClauseSyntax alignment &&
            _model.GetConstantValue(alignment.Value, _cancellationToken) is { HasValue: true, Value: int width } &&
            Math.Abs((long)width) > ProgramSyntaxChecker.MaxFormatWidth)
        {
            _sink.Add(SandboxRules.Allocation, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"The interpolation alignment {width} is too wide (at most {ProgramSyntaxChecker.MaxFormatWidth}); pad less."), node.GetLocation());
        }
    }

    private void Report(string rule, ISymbol symbol, SyntaxNode node) =>
        _sink.Add(rule, $"'{Display(symbol)}' is not allowed: {SandboxRules.Explain(rule)}", node.GetLocation());

    private void ReportOnce(ISymbol symbol, string rule, string message, SyntaxNode node)
    {
        if (_reportedMembers.Add(symbol))
        {
            _sink.Add(rule, message, node.GetLocation());
        }
    }

    private static bool IsException(ITypeSymbol type)
    {
        for (ITypeSymbol? t = type; t is not null; t = t.BaseType)
        {
            if (t is INamedTypeSymbol named && SandboxAllowList.MetadataName(named) == "System.Exception")
            {
                return true;
            }
        }

        return false;
    }

    private static string Shorten(string text) => text.Length > 40 ? text[..37] + "..." : text;

    internal static string Display(ISymbol symbol) =>
        symbol.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat.WithParameterOptions(SymbolDisplayParameterOptions.IncludeType));

    /// <summary>Determines whether the symbol named at <paramref name="node"/> is the target of an assignment, an increment or a ref/out argument.</summary>
    internal static bool IsWrite(SyntaxNode node)
    {
        SyntaxNode current = Outermost(node);
        switch (current.Parent)
        {
            case AssignmentExpressionSyntax assignment:
                return assignment.Left == current;
            case PrefixUnaryExpressionSyntax prefix:
                return prefix.IsKind(SyntaxKind.PreIncrementExpression) || prefix.IsKind(SyntaxKind.PreDecrementExpression);
            case PostfixUnaryExpressionSyntax postfix:
                return postfix.IsKind(SyntaxKind.PostIncrementExpression) || postfix.IsKind(SyntaxKind.PostDecrementExpression);
            case ArgumentSyntax argument when argument.RefKindKeyword.Kind() is SyntaxKind.RefKeyword or SyntaxKind.OutKeyword:
                return true;
            case ArgumentSyntax { Parent: TupleExpressionSyntax tuple }:
                return IsWrite(tuple);
            default:
                return false;
        }
    }

    private static bool IsInvoked(SyntaxNode node) =>
        Outermost(node).Parent is InvocationExpressionSyntax invocation && invocation.Expression == Outermost(node);

    private static bool IsInWithInitializer(SyntaxNode node) =>
        node.Ancestors().OfType<InitializerExpressionSyntax>().FirstOrDefault()?.Parent is WithExpressionSyntax;

    /// <summary>Climbs from a member name to the whole member access or binding that names it, through parentheses.</summary>
    private static SyntaxNode Outermost(SyntaxNode node)
    {
        SyntaxNode current = node;
        while (current.Parent is { } parent)
        {
            if ((parent is MemberAccessExpressionSyntax access && access.Name == current) ||
                (parent is MemberBindingExpressionSyntax binding && binding.Name == current) ||
                parent is ParenthesizedExpressionSyntax ||
                (parent is PostfixUnaryExpressionSyntax suppress && suppress.IsKind(SyntaxKind.SuppressNullableWarningExpression)))
            {
                current = parent;
                continue;
            }

            break;
        }

        return current;
    }
}
