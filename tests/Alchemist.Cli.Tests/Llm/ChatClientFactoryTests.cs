using System.ClientModel;
using System.ClientModel.Primitives;
using Alchemist.Cli.Llm;
using Microsoft.Extensions.AI;

namespace Alchemist.Cli.Tests.Llm;

/// <summary>Provider creation only: creating a client never contacts the provider, and no test calls one.</summary>
public class ChatClientFactoryTests
{
    private static readonly Dictionary<string, string?> NoEnvironment = [];

    [Fact]
    public void Create_OpenAI_UsesTheModelAndKey()
    {
        using IChatClient client = ChatClientFactory.Create("openai:gpt-4o-mini", Env(("OPENAI_API_KEY", "sk-test")));
        ChatClientMetadata metadata = client.GetService<ChatClientMetadata>()!;
        Assert.Equal("gpt-4o-mini", metadata.DefaultModelId);
        Assert.Equal("openai", metadata.ProviderName);
    }

    [Fact]
    public void Create_OpenAI_BaseUrlFromTheEnvironment()
    {
        using IChatClient client = ChatClientFactory.Create("openai:local-model", Env(("OPENAI_BASE_URL", "http://localhost:8000/v1")));
        Assert.Equal(new Uri("http://localhost:8000/v1"), client.GetService<ChatClientMetadata>()!.ProviderUri);
    }

    [Fact]
    public void Create_OpenAIWithoutKey_ExplainsWhatToSet()
    {
        UsageException ex = Assert.Throws<UsageException>(() => ChatClientFactory.Create("openai:gpt-4o", Env()));
        Assert.Equal("--llm openai:gpt-4o needs an API key: set the OPENAI_API_KEY environment variable (and OPENAI_BASE_URL for another OpenAI-compatible server).", ex.Message);
    }

    [Fact]
    public void Create_OpenAIBadBaseUrl_Explains() =>
        Assert.StartsWith("OPENAI_BASE_URL is 'not a url'", Assert.Throws<UsageException>(() => ChatClientFactory.Create("openai:m", Env(("OPENAI_BASE_URL", "not a url")))).Message, StringComparison.Ordinal);

    [Fact]
    public void Create_Ollama_UsesTheModelAndHost()
    {
        using IChatClient client = ChatClientFactory.Create("ollama:llama3.1:8b", Env(("OLLAMA_HOST", "gpu-box")));
        ChatClientMetadata metadata = client.GetService<ChatClientMetadata>()!;
        Assert.Equal("llama3.1:8b", metadata.DefaultModelId);
        Assert.Equal(new Uri("http://gpu-box:11434"), metadata.ProviderUri);
    }

    [Theory]
    [InlineData(null, "http://localhost:11434/")]
    [InlineData("0.0.0.0", "http://0.0.0.0:11434/")]
    [InlineData("localhost:9999", "http://localhost:9999/")]
    [InlineData("https://ollama.example.com", "https://ollama.example.com:11434/")]
    [InlineData("http://ollama:80", "http://ollama/")]
    public void OllamaUri_AddsSchemeAndDefaultPort(string? host, string expected) =>
        Assert.Equal(expected, ChatClientFactory.OllamaUri(host).ToString());

    [Fact]
    public async Task Create_Replay_AnswersFromTheFile()
    {
        string path = Path.Combine(Path.GetTempPath(), "alchemist-replay-" + Guid.NewGuid().ToString("N") + ".jsonl");
        await File.WriteAllTextAsync(path, "{\"reply\": \"hello\", \"inputTokens\": 3, \"outputTokens\": 1}\n");
        try
        {
            using IChatClient client = ChatClientFactory.Create("replay:" + path, Env());
            ChatResponse response = await client.GetResponseAsync("hi");
            Assert.Equal(("hello", 3L), (response.Text, response.Usage!.InputTokenCount!.Value));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("gpt-4o", "The --llm value 'gpt-4o' is not a provider and a model or file. Use openai:MODEL, azure:DEPLOYMENT, ollama:MODEL or replay:FILE.")]
    [InlineData("openai:", "The --llm value 'openai:' is not a provider and a model or file. Use openai:MODEL, azure:DEPLOYMENT, ollama:MODEL or replay:FILE.")]
    [InlineData("claude:opus", "The LLM provider 'claude' in --llm 'claude:opus' is unknown. Use openai:MODEL, azure:DEPLOYMENT, ollama:MODEL or replay:FILE.")]
    public void Create_BadSpec_Explains(string spec, string message) =>
        Assert.Equal(message, Assert.Throws<UsageException>(() => ChatClientFactory.Create(spec, Env())).Message);

    [Fact]
    public void Create_Azure_UsesTheDeploymentAndTheEndpoint()
    {
        using IChatClient client = ChatClientFactory.Create(
            "azure:labeler", Env(("AZURE_OPENAI_ENDPOINT", "https://my-resource.openai.azure.com/"), ("AZURE_OPENAI_API_KEY", "k")));
        ChatClientMetadata metadata = client.GetService<ChatClientMetadata>()!;
        Assert.Equal("labeler", metadata.DefaultModelId);
        Assert.Equal("my-resource.openai.azure.com", metadata.ProviderUri!.Host);
    }

    [Theory]
    [InlineData(null, "k")]
    [InlineData("https://my-resource.openai.azure.com/", null)]
    public void Create_AzureWithoutEndpointOrKey_ExplainsWhatToSet(string? endpoint, string? key) =>
        Assert.Equal(
            "--llm azure:labeler needs the resource's endpoint and key: set AZURE_OPENAI_ENDPOINT (such as https://my-resource.openai.azure.com/) and AZURE_OPENAI_API_KEY.",
            Assert.Throws<UsageException>(() => ChatClientFactory.Create("azure:labeler", Env(("AZURE_OPENAI_ENDPOINT", endpoint), ("AZURE_OPENAI_API_KEY", key)))).Message);

    [Fact]
    public void Create_AzureBadEndpoint_Explains() =>
        Assert.StartsWith(
            "AZURE_OPENAI_ENDPOINT is 'my-resource', which is not an absolute http(s) URL",
            Assert.Throws<UsageException>(() => ChatClientFactory.Create("azure:x", Env(("AZURE_OPENAI_ENDPOINT", "my-resource"), ("AZURE_OPENAI_API_KEY", "k")))).Message,
            StringComparison.Ordinal);

    [Fact]
    public void IsTransient_OpenAIStatusErrors()
    {
        Assert.True(ChatClientFactory.IsTransient(new ClientResultException("throttled", new FakeResponse(429))));
        Assert.True(ChatClientFactory.IsTransient(new ClientResultException("down", new FakeResponse(503))));
        Assert.False(ChatClientFactory.IsTransient(new ClientResultException("bad key", new FakeResponse(401))));
        Assert.True(ChatClientFactory.IsTransient(new TimeoutException()));
    }

    private static Func<string, string?> Env(params (string Name, string? Value)[] variables)
    {
        var map = new Dictionary<string, string?>(NoEnvironment);
        foreach ((string name, string? value) in variables)
        {
            map[name] = value;
        }

        return name => map.GetValueOrDefault(name);
    }

    private sealed class FakeResponse(int status) : PipelineResponse
    {
        public override int Status => status;

        public override string ReasonPhrase => "fake";

        public override Stream? ContentStream { get; set; }

        public override BinaryData Content => BinaryData.FromString(string.Empty);

        protected override PipelineResponseHeaders HeadersCore => throw new NotSupportedException();

        public override BinaryData BufferContent(CancellationToken cancellationToken = default) => Content;

        public override ValueTask<BinaryData> BufferContentAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(Content);

        public override void Dispose()
        {
        }
    }
}
