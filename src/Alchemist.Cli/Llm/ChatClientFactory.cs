using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OllamaSharp;
using OpenAI;

namespace Alchemist.Cli.Llm;

/// <summary>Creates the chat client an <c>--llm</c> spec names: <c>openai:MODEL</c>, <c>ollama:MODEL</c> or <c>replay:FILE</c>.</summary>
/// <remarks>
/// <c>openai</c> reads its key from <c>OPENAI_API_KEY</c> and, for another OpenAI-compatible server, its address from
/// <c>OPENAI_BASE_URL</c>; <c>ollama</c> reads its host from <c>OLLAMA_HOST</c> (default <c>http://localhost:11434</c>);
/// <c>replay</c> answers from a transcript a recorded run wrote. Creating a client does not contact the provider.
/// </remarks>
internal static class ChatClientFactory
{
    public const string OpenAIKeyVariable = "OPENAI_API_KEY";
    public const string OpenAIBaseUrlVariable = "OPENAI_BASE_URL";
    public const string OllamaHostVariable = "OLLAMA_HOST";
    public const string DefaultOllamaHost = "http://localhost:11434";

    private const string SpecHelp = "Use openai:MODEL, ollama:MODEL or replay:FILE.";

    /// <summary>Creates the client of a spec.</summary>
    /// <param name="spec">The <c>--llm</c> value.</param>
    /// <param name="environment">Reads an environment variable; <see cref="Environment.GetEnvironmentVariable(string)"/> in production.</param>
    /// <exception cref="UsageException">The spec or the environment it needs is wrong.</exception>
    /// <exception cref="FileNotFoundException">A replay file does not exist.</exception>
    public static IChatClient Create(string spec, Func<string, string?> environment)
    {
        (string provider, string argument) = Parse(spec);
        return provider switch
        {
            "openai" => CreateOpenAI(argument, environment),
            "ollama" => new OllamaApiClient(OllamaUri(environment(OllamaHostVariable)), argument),
            "replay" => ReplayChatClient.Load(argument),
            _ => throw new UsageException($"The LLM provider '{provider}' in --llm '{spec}' is unknown. {SpecHelp}"),
        };
    }

    /// <summary>Splits a spec into its provider and its argument (a model or a file).</summary>
    /// <exception cref="UsageException">The spec has no provider or no argument.</exception>
    public static (string Provider, string Argument) Parse(string spec)
    {
        int colon = spec.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == spec.Length - 1 || string.IsNullOrWhiteSpace(spec[(colon + 1)..]))
        {
            throw new UsageException($"The --llm value '{spec}' is not a provider and a model or file. {SpecHelp}");
        }

        return (spec[..colon].Trim().ToLowerInvariant(), spec[(colon + 1)..].Trim());
    }

    /// <summary>Whether a failed call is worth retrying: the library's test, plus the OpenAI SDK's status errors.</summary>
    public static bool IsTransient(Exception exception) =>
        ChatRetryOptions.IsTransient(exception) ||
        (exception is ClientResultException { Status: var status } && ChatRetryOptions.IsTransientStatus(status));

    /// <summary>Turns <c>OLLAMA_HOST</c> into an address: a scheme and the default port are added when missing.</summary>
    public static Uri OllamaUri(string? host)
    {
        string value = string.IsNullOrWhiteSpace(host) ? DefaultOllamaHost : host.Trim();
        if (!value.Contains("://", StringComparison.Ordinal))
        {
            value = "http://" + value;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) || uri.Host.Length == 0)
        {
            throw new UsageException($"{OllamaHostVariable} is '{host}', which is not a host; give one such as localhost:11434 or http://ollama:11434.");
        }

        // OLLAMA_HOST often names no port ("0.0.0.0" or "ollama"); Ollama's port is 11434, not the scheme's.
        string authority = value[(value.IndexOf("://", StringComparison.Ordinal) + 3)..].Split('/')[0];
        bool hasPort = authority.StartsWith('[') ? authority.Contains("]:", StringComparison.Ordinal) : authority.Contains(':', StringComparison.Ordinal);
        return hasPort ? uri : new UriBuilder(uri) { Port = 11434 }.Uri;
    }

    private static IChatClient CreateOpenAI(string model, Func<string, string?> environment)
    {
        string? key = environment(OpenAIKeyVariable);
        string? baseUrl = environment(OpenAIBaseUrlVariable);
        // The pipeline's RetryingChatClient is the one retry layer, so the SDK's own retries are turned off.
        var options = new OpenAIClientOptions { RetryPolicy = new ClientRetryPolicy(maxRetries: 0) };
        if (!string.IsNullOrWhiteSpace(baseUrl))
        {
            if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out Uri? endpoint))
            {
                throw new UsageException($"{OpenAIBaseUrlVariable} is '{baseUrl}', which is not an absolute URL; give one such as http://localhost:8000/v1, or unset it for api.openai.com.");
            }

            options.Endpoint = endpoint;
        }

        if (string.IsNullOrWhiteSpace(key))
        {
            if (options.Endpoint is null)
            {
                throw new UsageException($"--llm openai:{model} needs an API key: set the {OpenAIKeyVariable} environment variable (and {OpenAIBaseUrlVariable} for another OpenAI-compatible server).");
            }

            // Local OpenAI-compatible servers usually ignore the key, but the SDK needs one.
            key = "no-key";
        }

        return new OpenAI.Chat.ChatClient(model, new ApiKeyCredential(key), options).AsIChatClient();
    }
}
