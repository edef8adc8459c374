using System.ClientModel;
using Microsoft.Extensions.AI;
using OllamaSharp;
using OpenAI;

namespace Alchemist.Cli.Llm;

/// <summary>
/// Creates the text embedding generator an <c>--embeddings</c> spec names: <c>none</c>, <c>minilm</c> (the local
/// all-MiniLM-L6-v2 model of Alchemist.Embeddings.MiniLM), <c>openai:MODEL</c> (<c>OPENAI_API_KEY</c>,
/// <c>OPENAI_BASE_URL</c>) or <c>ollama:MODEL</c> (<c>OLLAMA_HOST</c>), the same variables as <c>--llm</c>.
/// </summary>
/// <remarks>
/// The generator is wrapped in a <see cref="CachedEmbeddingGenerator"/> for the life of the command: a run trains several
/// end models on overlapping texts (the seed-only model, the seed model's folds, the final model) and a streamed run
/// predicts chunk by chunk, and each distinct text is embedded once (up to the cache's bounded memory; with
/// <c>--embedding-cache</c>, once across runs). Creating a generator does not contact the provider; <c>minilm</c> loads
/// its model on first use.
/// </remarks>
internal static class EmbeddingGeneratorFactory
{
    public const string None = "none";

    private const string SpecHelp = "Use none, minilm (a local model, no network), openai:MODEL or ollama:MODEL.";

    /// <summary>Checks a spec without creating anything.</summary>
    /// <exception cref="UsageException">The spec names no known provider or no model.</exception>
    public static void Check(string spec)
    {
        (string provider, _) = Parse(spec);
        if (provider is not (None or "minilm" or "openai" or "ollama"))
        {
            throw new UsageException($"The embeddings '{spec}' are unknown. {SpecHelp}");
        }
    }

    /// <summary>Creates the generator of a spec, or <see langword="null"/> for <c>none</c>.</summary>
    /// <param name="spec">The <c>--embeddings</c> value.</param>
    /// <param name="environment">Reads an environment variable.</param>
    /// <param name="cacheFolder">The <c>--embedding-cache</c> folder, or <see langword="null"/> to cache in memory only.</param>
    /// <exception cref="UsageException">The spec or the environment it needs is wrong.</exception>
    public static CachedEmbeddingGenerator? Create(string spec, Func<string, string?> environment, string? cacheFolder = null)
    {
        (string provider, string model) = Parse(spec);
        IEmbeddingGenerator<string, Embedding<float>>? generator = provider switch
        {
            None => null,
            "minilm" => new MiniLmEmbeddingGenerator(),
            "openai" => CreateOpenAI(model, environment),
            "ollama" => new OllamaApiClient(ChatClientFactory.OllamaUri(environment(ChatClientFactory.OllamaHostVariable)), model),
            _ => throw new UsageException($"The embeddings '{spec}' are unknown. {SpecHelp}"),
        };

        if (generator is null)
        {
            return null;
        }

        return new CachedEmbeddingGenerator(generator, cacheFolder);
    }

    /// <summary>Splits a spec into its provider and model; <c>none</c> and <c>minilm</c> take no model.</summary>
    private static (string Provider, string Model) Parse(string spec)
    {
        string value = spec.Trim();
        if (value.Equals(None, StringComparison.OrdinalIgnoreCase) || value.Equals("minilm", StringComparison.OrdinalIgnoreCase))
        {
            return (value.ToLowerInvariant(), "");
        }

        int colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || string.IsNullOrWhiteSpace(value[(colon + 1)..]))
        {
            throw new UsageException($"The --embeddings value '{spec}' is not a known model or a provider and a model. {SpecHelp}");
        }

        return (value[..colon].Trim().ToLowerInvariant(), value[(colon + 1)..].Trim());
    }

    private static IEmbeddingGenerator<string, Embedding<float>> CreateOpenAI(string model, Func<string, string?> environment)
    {
        string? key = environment(ChatClientFactory.OpenAIKeyVariable);
        string? baseUrl = environment(ChatClientFactory.OpenAIBaseUrlVariable);
        var options = new OpenAIClientOptions();
        if (!string.IsNullOrWhiteSpace(baseUrl))
        {
            if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out Uri? endpoint))
            {
                throw new UsageException($"{ChatClientFactory.OpenAIBaseUrlVariable} is '{baseUrl}', which is not an absolute URL; give one such as http://localhost:8000/v1, or unset it for api.openai.com.");
            }

            options.Endpoint = endpoint;
        }

        if (string.IsNullOrWhiteSpace(key))
        {
            if (options.Endpoint is null)
            {
                throw new UsageException($"--embeddings openai:{model} needs an API key: set the {ChatClientFactory.OpenAIKeyVariable} environment variable (and {ChatClientFactory.OpenAIBaseUrlVariable} for another OpenAI-compatible server).");
            }

            key = "no-key";
        }

        return new OpenAI.Embeddings.EmbeddingClient(model, new ApiKeyCredential(key), options).AsIEmbeddingGenerator();
    }
}
