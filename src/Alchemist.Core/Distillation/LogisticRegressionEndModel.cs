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
        new(static text => text, options, embeddingGenerator);
}
