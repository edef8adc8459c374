using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Alchemist;

/// <summary>
/// Finds every phrase a concept program looks up (<c>concepts["phrase"]</c>) and refuses lookups whose phrase is not a
/// compile-time constant string, so that the run knows every phrase a program uses before it runs it.
/// </summary>
internal static class ConceptPhraseCollector
{
    /// <summary>The longest phrase accepted, in characters.</summary>
    public const int MaxPhraseLength = 1_000;

    /// <summary>The most distinct phrases one program may name.</summary>
    public const int MaxPhrases = 256;

    /// <summary>The metadata name of <see cref="Concepts"/>.</summary>
    public const string ConceptsTypeName = "Alchemist.Concepts";

    /// <summary>Collects the phrases, in source order without repeats; reports a lookup of a phrase that is not a constant string.</summary>
    public static List<string> Collect(SemanticModel model, INamedTypeSymbol conceptsType, DiagnosticSink sink, CancellationToken cancellationToken)
    {
        var phrases = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (SyntaxNode node in model.SyntaxTree.GetRoot(cancellationToken).DescendantNodes())
        {
            BracketedArgumentListSyntax? arguments = node switch
            {
                ElementAccessExpressionSyntax access => access.ArgumentList,
                ElementBindingExpressionSyntax binding => binding.ArgumentList,
                _ => null,
            };
            if (arguments is null ||
                model.GetSymbolInfo(node, cancellationToken).Symbol is not IPropertySymbol { IsIndexer: true } indexer ||
                !SymbolEqualityComparer.Default.Equals(indexer.ContainingType.OriginalDefinition, conceptsType))
            {
                continue;
            }

            ExpressionSyntax? argument = arguments.Arguments.Count == 1 ? arguments.Arguments[0].Expression : null;
            if (argument is null || model.GetConstantValue(argument, cancellationToken) is not { HasValue: true, Value: string phrase })
            {
                sink.Add(SandboxRules.Concepts, "The phrase of a concept lookup must be a compile-time constant string (a literal such as concepts[\"asks people to visit a channel\"], or a const), so that the run can embed every phrase before it runs the program; computed phrases are not allowed.", node.GetLocation());
                continue;
            }

            if (string.IsNullOrWhiteSpace(phrase) || phrase.Length > MaxPhraseLength)
            {
                sink.Add(SandboxRules.Concepts, $"A concept phrase must hold some text and at most {MaxPhraseLength:N0} characters; this one has {phrase.Length:N0}.", node.GetLocation());
                continue;
            }

            if (seen.Add(phrase))
            {
                phrases.Add(phrase);
            }
        }

        if (phrases.Count > MaxPhrases)
        {
            sink.Add(new SandboxDiagnostic(SandboxRules.Concepts, $"The program names {phrases.Count} distinct concept phrases, more than the {MaxPhrases} allowed; use fewer.", 1, 1));
        }

        return phrases;
    }

    /// <summary>Determines whether a source may name <see cref="Concepts"/>: only then is Alchemist.Core referenced when the program is checked.</summary>
    public static bool MayUseConcepts(string source) => source.Contains("Concepts", StringComparison.Ordinal);

    /// <summary>Determines whether a program declares a type named <c>Concepts</c> itself, in which case the implicit alias is left out.</summary>
    public static bool DeclaresConcepts(SyntaxTree tree, CancellationToken cancellationToken) =>
        tree.GetRoot(cancellationToken).DescendantNodes().OfType<BaseTypeDeclarationSyntax>().Any(t => t.Identifier.ValueText == "Concepts") ||
        tree.GetRoot(cancellationToken).DescendantNodes().OfType<DelegateDeclarationSyntax>().Any(t => t.Identifier.ValueText == "Concepts");
}
