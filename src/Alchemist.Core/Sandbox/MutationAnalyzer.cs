using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Alchemist;

/// <summary>
/// Finds writes to state that outlives one call or belongs to the host: the program's static fields (rule
/// <c>static-state</c>) and the item (rule <c>item-mutation</c>), also through aliases.
/// </summary>
/// <remarks>
/// <para>
/// Static lookup tables are allowed (<c>static readonly HashSet&lt;string&gt;</c> and the like), but the objects they
/// hold are shared by every call on every thread, so a program may read them and may not change them. The analysis
/// tracks which values may be such shared objects: a static field of the program, the item, and anything derived from
/// them (a local or parameter they were assigned to, an element read from them, a view such as <c>Keys</c> or a lazy
/// LINQ query over them, the return value of a method that returns one). A fresh copy whose elements are immutable
/// (<c>ToList()</c>, <c>new List&lt;string&gt;(table)</c>) is not shared. Writes through a shared value (element and
/// property assignments, <c>Add</c>, <c>Clear</c>, <c>Sort</c>, <c>Array.Fill</c>, and so on) are rejected.
/// </para>
/// <para>
/// The analysis is flow-insensitive and runs to a fixed point over the whole program, so it errs on the side of
/// rejecting. Static constructors and static field initializers are not checked: they build the tables, once.
/// </para>
/// </remarks>
internal sealed partial class MutationAnalyzer
{
    private const int MaxPasses = 32;

    private readonly SemanticModel _model;
    private readonly Dictionary<ISymbol, Taint> _symbols = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<ISymbol, Taint> _returns = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<ISymbol, Taint> _receivers = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<ITypeSymbol, bool> _immutable = new(SymbolEqualityComparer.Default);
    private readonly Stack<ISymbol?> _functions = new();
    private Taint _delegateArguments;
    private bool _staticInitialization;
    private readonly HashSet<ISymbol> _statefulFunctions = new(SymbolEqualityComparer.Default);
    private DiagnosticSink? _report;
    private bool _changed;

    private MutationAnalyzer(SemanticModel model) => _model = model;

    [Flags]
    private enum Taint
    {
        None = 0,
        Static = 1,
        Item = 2,

        /// <summary>A lambda or local function that changes variables it captured: harmless per call, state if it outlives the call.</summary>
        Closure = 4,
    }

    public static void Analyze(SemanticModel model, IMethodSymbol? entryPoint, DiagnosticSink sink, CancellationToken cancellationToken)
    {
        var analyzer = new MutationAnalyzer(model);
        List<(IOperation Operation, ISymbol? Function, bool StaticInitialization)> roots = analyzer.FindRoots(cancellationToken);
        if (entryPoint is { Parameters: [var item, ..] })
        {
            analyzer.Set(item, Taint.Item);
        }

        for (int pass = 0; pass < MaxPasses; pass++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            analyzer._changed = false;
            analyzer.WalkAll(roots);
            if (!analyzer._changed)
            {
                break;
            }
        }

        analyzer._report = sink;
        analyzer.WalkAll(roots);
    }

    private List<(IOperation, ISymbol?, bool)> FindRoots(CancellationToken cancellationToken)
    {
        var roots = new List<(IOperation, ISymbol?, bool)>();
        foreach (SyntaxNode node in _model.SyntaxTree.GetRoot(cancellationToken).DescendantNodes())
        {
            switch (node)
            {
                case BaseMethodDeclarationSyntax or AccessorDeclarationSyntax:
                    if (_model.GetOperation(node, cancellationToken) is { } body)
                    {
                        // The static constructor builds the tables once; only the lambdas it creates are checked.
                        bool staticConstructor = node is ConstructorDeclarationSyntax constructor && constructor.Modifiers.Any(m => m.ValueText == "static");
                        roots.Add((body, _model.GetDeclaredSymbol(node, cancellationToken), staticConstructor));
                    }

                    break;
                case PropertyDeclarationSyntax { ExpressionBody: { } arrow } property:
                    if (_model.GetOperation(arrow, cancellationToken) is { } getter)
                    {
                        roots.Add((getter, (_model.GetDeclaredSymbol(property, cancellationToken) as IPropertySymbol)?.GetMethod, false));
                    }

                    break;
                case IndexerDeclarationSyntax { ExpressionBody: { } arrow } indexer:
                    if (_model.GetOperation(arrow, cancellationToken) is { } indexerGetter)
                    {
                        roots.Add((indexerGetter, (_model.GetDeclaredSymbol(indexer, cancellationToken) as IPropertySymbol)?.GetMethod, false));
                    }

                    break;
                case EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent.Parent: FieldDeclarationSyntax field } }:
                    if (_model.GetOperation(node, cancellationToken) is { } initializer)
                    {
                        roots.Add((initializer, null, field.Modifiers.Any(m => m.ValueText is "static" or "const")));
                    }

                    break;
                case EqualsValueClauseSyntax { Parent: PropertyDeclarationSyntax propertyWithInitializer }:
                    if (_model.GetOperation(node, cancellationToken) is { } propertyInitializer)
                    {
                        roots.Add((propertyInitializer, null, propertyWithInitializer.Modifiers.Any(m => m.ValueText == "static")));
                    }

                    break;
                default:
                    break;
            }
        }

        return roots;
    }

    private void WalkAll(List<(IOperation Operation, ISymbol? Function, bool StaticInitialization)> roots)
    {
        foreach ((IOperation operation, ISymbol? function, bool staticInitialization) in roots)
        {
            _functions.Clear();
            _functions.Push(function);
            _staticInitialization = staticInitialization;
            Walk(operation);
        }
    }

    private void Walk(IOperation operation)
    {
        switch (operation)
        {
            case IAnonymousFunctionOperation or ILocalFunctionOperation:
                // A lambda or local function runs later, once per call, even when a static initializer creates it.
                IMethodSymbol function = operation is IAnonymousFunctionOperation lambda ? lambda.Symbol : ((ILocalFunctionOperation)operation).Symbol;
                if (WritesCapturedVariables(operation, function) && _statefulFunctions.Add(function))
                {
                    MarkChanged();
                }

                bool staticInitialization = _staticInitialization;
                _staticInitialization = false;
                ApplyDelegateArguments(function);
                _functions.Push(function);
                foreach (IOperation child in operation.ChildOperations)
                {
                    Walk(child);
                }

                _functions.Pop();
                _staticInitialization = staticInitialization;
                return;
            default:
                Visit(operation);
                foreach (IOperation child in operation.ChildOperations)
                {
                    Walk(child);
                }

                return;
        }
    }
}
