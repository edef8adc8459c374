using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Alchemist;

/// <summary>Registers the local MiniLM embedding model with a service collection.</summary>
public static class MiniLmServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="MiniLmEmbeddingGenerator"/> as the singleton <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>
    /// of strings; <c>AddAlchemist</c>'s text end model then uses its vectors as features. The model is loaded on first use.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the generator's options, or <see langword="null"/> for the defaults.</param>
    /// <returns>A builder to add Microsoft.Extensions.AI middleware (such as <c>UseDistributedCache</c>) around the generator.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddMiniLmEmbeddingGenerator(this IServiceCollection services, Action<MiniLmEmbeddingGeneratorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new MiniLmEmbeddingGeneratorOptions();
        configure?.Invoke(options);
        options.Validate();
        return services.AddEmbeddingGenerator(_ => new MiniLmEmbeddingGenerator(options));
    }
}
