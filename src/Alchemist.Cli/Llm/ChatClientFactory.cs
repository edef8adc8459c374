using System.ClientModel;
using System.ClientModel.Primitives;
using Azure.AI.OpenAI;
using Microsoft.Extensions.AI;
using OllamaSharp;
using OpenAI;

namespace Alchemist.Cli.Llm;

/// <summary>Creates the chat client an <c>--llm</c> spec names: <c>openai:MODEL</c>, <c>azure:DEPLOYMENT</c>, <c>ollama:MODEL</c> or <c>replay:FILE</c>.</summary>
/// <remarks>
/// <para>
/// <c>openai</c> reads its key from <c>OPENAI_API_KEY</c> and, for another OpenAI-compatible server, its address from
/// <c>OPENAI_BASE_URL</c>; <c>azure</c> reads <c>AZURE_OPENAI_ENDPOINT</c> and <c>AZURE_OPENAI_API_KEY</c> and calls the
/// deployment's chat completions; <c>ollama</c> reads its host from <c>OLLAMA_HOST</c> (default
/// <c>http://localhost:11434</c>); <c>replay</c> answers from a transcript a recorded run wrote. Creating a client does
/// not contact the provider.
/// </para>
/// <para>
/// The SDKs' own retries and timeouts are off (the OpenAI and Azure clients' retry policy has no retries and no network
/// timeout; Ollama's HTTP client has no timeout), so the <see cref="ResilientChatClient"/> the commands put in front is
/// the one policy that counts: every attempt, wait and timeout is its own, and is recorded. Every provider's HTTP goes
/// through a <see cref="RetryAfterHandler"/>, so a <c>Retry-After</c> reaches that policy whichever SDK is used.
/// </para>
/// </remarks>
internal static class ChatClientFactory
{
    public const string OpenAIKeyVariable = "OPENAI_API_KEY";
    public const string OpenAIBaseUrlVariable = "OPENAI_BASE_URL";
    public const string OllamaHostVariable = "OLLAMA_HOST";
    public const string DefaultOllamaHost = "http://localhost:11434";
    public const string AzureEndpointVariable = "AZURE_OPENAI_ENDPOINT";
    public const string AzureKeyVariable = "AZURE_OPENAI_API_KEY";

    private const string SpecHelp = "Use openai:MODEL, azure:DEPLOYMENT, ollama:MODEL or replay:FILE.";

    /// <summary>Creates the client of a spec.</summary>
    /// <param name="spec">The <c>--llm</c> value.</param>
    /// <param name="environment">Reads an environment variable; <see cref="Environment.GetEnvironmentVariable(string)"/> in production.</param>
    /// <param name="time">The clock an HTTP-date <c>Retry-After</c> is measured on; the system clock when <see langword="null"/>.</param>
    /// <exception cref="UsageException">The spec or the environment it needs is wrong.</exception>
    /// <exception cref="FileNotFoundException">A replay file does not exist.</exception>
    public static IChatClient Create(string spec, Func<string, string?> environment, TimeProvider? time = null)
    {
        (string provider, string argument) = Parse(spec);
        time ??= TimeProvider.System;
        return provider switch
        {
            "openai" => CreateOpenAI(argument, environment, time),
            "azure" => CreateAzure(argument, environment, time),
            "ollama" => CreateOllama(argument, environment, time),
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

    /// <summary>Whether a failed call is worth retrying: the library's test, plus the OpenAI and Azure SDKs' status errors.</summary>
    public static bool IsTransient(Exception exception) =>
        ChatResilienceOptions.IsTransient(exception) ||
        (exception is ClientResultException { Status: var status } && ChatResilienceOptions.IsTransientStatus(status));

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

    private static OwningChatClient CreateOpenAI(string model, Func<string, string?> environment, TimeProvider time)
    {
        string? key = environment(OpenAIKeyVariable);
        string? baseUrl = environment(OpenAIBaseUrlVariable);
        var options = new OpenAIClientOptions();
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

        HttpClient http = CreateHttpClient(time);
        TurnOffSdkRetries(options, http);
        return new OwningChatClient(new OpenAI.Chat.ChatClient(model, new ApiKeyCredential(key), options).AsIChatClient(), http);
    }

    private static OwningChatClient CreateAzure(string deployment, Func<string, string?> environment, TimeProvider time)
    {
        string? endpoint = environment(AzureEndpointVariable);
        string? key = environment(AzureKeyVariable);
        if (string.IsNullOrWhiteSpace(endpoint) || string.IsNullOrWhiteSpace(key))
        {
            throw new UsageException(
                $"--llm azure:{deployment} needs the resource's endpoint and key: set {AzureEndpointVariable} (such as https://my-resource.openai.azure.com/) and {AzureKeyVariable}.");
        }

        if (!Uri.TryCreate(endpoint.Trim(), UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new UsageException($"{AzureEndpointVariable} is '{endpoint}', which is not an absolute http(s) URL; give one such as https://my-resource.openai.azure.com/.");
        }

        HttpClient http = CreateHttpClient(time);
        var options = new AzureOpenAIClientOptions();
        TurnOffSdkRetries(options, http);
        IChatClient client = new AzureOpenAIClient(uri, new ApiKeyCredential(key.Trim()), options).GetChatClient(deployment).AsIChatClient();
        return new OwningChatClient(client, http);
    }

    private static OwningChatClient CreateOllama(string model, Func<string, string?> environment, TimeProvider time)
    {
        Uri uri = OllamaUri(environment(OllamaHostVariable));
        HttpClient http = CreateHttpClient(time);
        http.BaseAddress = uri;
        return new OwningChatClient(new OllamaApiClient(http, model), http);
    }

    /// <summary>The HTTP client under every provider: no timeout of its own (the resilient client's per-attempt timeout counts), and <c>Retry-After</c> made visible.</summary>
    private static HttpClient CreateHttpClient(TimeProvider time) =>
        new(new RetryAfterHandler(time) { InnerHandler = new SocketsHttpHandler() }) { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>The OpenAI and Azure SDKs retry 429 and 5xx themselves and time out after 100 s; the resilient client is the one policy, so both are off.</summary>
    private static void TurnOffSdkRetries(ClientPipelineOptions options, HttpClient http)
    {
        options.RetryPolicy = new ClientRetryPolicy(maxRetries: 0);
        options.NetworkTimeout = Timeout.InfiniteTimeSpan;
        options.Transport = new HttpClientPipelineTransport(http);
    }

    /// <summary>A provider's client that also disposes the HTTP client it was given.</summary>
    private sealed class OwningChatClient(IChatClient inner, IDisposable owned) : DelegatingChatClient(inner)
    {
        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                owned.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
