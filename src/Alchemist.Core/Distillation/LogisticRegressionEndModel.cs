using Microsoft.Extensions.AI;

namespace Alchemist;

/// <summary>Creates <see cref="LogisticRegressionEndModel{TItem}"/> instances for common item types.</summary>
public static class LogisticRegressionEndModel
{
    /// <summary>Creates the default end model for plain-text items.</summary>
    /// <param name="options">The options; the defaults when <see langword="null"/>.</param>
    /// <param name="embeddingGenerator">A generator of text embeddings to use as features, or <see langword="null"/> for hashed features only.</param>
    /// <returns>An end model over strings.</returns>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public static LogisticRegressionEndModel<string> ForText(LogisticRegressionEndModelOptions? options = null, IEmbeddingGenerator<string, Embedding<float>>? embeddingGenerator = null) =>
        new(PlainText, options, embeddingGenerator);

    /// <summary>The text selector of <see cref="ForText"/>: the item is its text. A model trained with it can be rebuilt in another process (<see cref="ShippedEndModel"/>).</summary>
    internal static readonly Func<string, string?> PlainText = static text => text;
}
