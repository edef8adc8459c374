using Alchemist.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static Alchemist.Tests.Synthesis.SynthesisTestData;

namespace Alchemist.Tests.Synthesis;

/// <summary>The DI patterns of synthesis: keyed versus unkeyed chat clients, lifetimes, pipelines and options validation.</summary>
public class SynthesisDependencyInjectionTests
{
    [Fact]
    public async Task UseChatClient_RegistersAKeyedClientAndLeavesTheAppClientAlone()
    {
        var appClient = new ScriptedChatClient("app-model");
        var alchemistClient = new ScriptedChatClient("alchemist-model").Reply(Fenced(GoodProgram));
        var services = new ServiceCollection();
        services.AddChatClient(appClient);
        services.AddAlchemist().UseChatClient(_ => alchemistClient);
        await using ServiceProvider provider = services.BuildServiceProvider(validateScopes: true);

        Assert.Same(appClient, provider.GetRequiredService<IChatClient>().GetService<ScriptedChatClient>());
        Assert.Same(alchemistClient, provider.GetRequiredKeyedService<IChatClient>(AlchemistBuilder.ChatClientKey).GetService<ScriptedChatClient>());

        LabelingProgram program = Assert.Single(await provider.GetRequiredService<IProgramSynthesizer>()
            .SynthesizeAsync(new SynthesisRequest<string>(SpamTask) { ProgramCount = 1 }).ToListAsync());
        Assert.Equal("alchemist-model", program.Provenance.ModelId);
        Assert.Single(alchemistClient.Requests);
        Assert.Empty(appClient.Requests);
    }

    [Fact]
    public async Task UseKeyedChatClient_UsesTheAppsKeyedClient()
    {
        var appClient = new ScriptedChatClient("app-model");
        var labeler = new ScriptedChatClient("labeler-model").Reply(Fenced(GoodProgram));
        var services = new ServiceCollection();
        services.AddChatClient(appClient);
        services.AddKeyedChatClient("labeler", labeler);
        services.AddAlchemist().UseKeyedChatClient("labeler");
        await using ServiceProvider provider = services.BuildServiceProvider(validateScopes: true);

        LabelingProgram program = Assert.Single(await provider.GetRequiredService<IProgramSynthesizer>()
            .SynthesizeAsync(new SynthesisRequest<string>(SpamTask) { ProgramCount = 1 }).ToListAsync());
        Assert.Equal("labeler-model", program.Provenance.ModelId);
        Assert.Single(labeler.Requests);
        Assert.Empty(appClient.Requests);
    }

    [Fact]
    public async Task UseKeyedChatClient_MissingKey_ThrowsNamingIt()
    {
        await using ServiceProvider provider = new ServiceCollection().AddAlchemist().UseKeyedChatClient("nope").Services.BuildServiceProvider();
        InvalidOperationException ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IProgramSynthesizer>());
        Assert.Contains("under the key 'nope'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Synthesizer_WithoutUseChatClient_FallsBackToTheAppClient()
    {
        var appClient = new ScriptedChatClient("app-model").Reply(Fenced(GoodProgram));
        var services = new ServiceCollection();
        services.AddChatClient(appClient);
        services.AddAlchemist();
        await using ServiceProvider provider = services.BuildServiceProvider(validateScopes: true);

        LabelingProgram program = Assert.Single(await provider.GetRequiredService<ChatProgramSynthesizer>()
            .SynthesizeAsync(new SynthesisRequest<string>(SpamTask) { ProgramCount = 1 }).ToListAsync());
        Assert.Equal("app-model", program.Provenance.ModelId);
    }

    [Fact]
    public async Task Synthesizer_NoChatClientAtAll_ThrowsExplaining()
    {
        await using ServiceProvider provider = new ServiceCollection().AddAlchemist().Services.BuildServiceProvider();
        InvalidOperationException ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IProgramSynthesizer>());
        Assert.Equal(
            "No IChatClient is registered for Alchemist's program synthesis. Call AddAlchemist().UseChatClient(...), or register an IChatClient (for example with AddChatClient).",
            ex.Message);
    }

    [Fact]
    public async Task Registrations_AreSingletonsSharingOneLedger()
    {
        await using ServiceProvider provider = new ServiceCollection()
            .AddAlchemist()
            .UseChatClient(_ => new ScriptedChatClient())
            .Services.BuildServiceProvider(validateScopes: true);

        var synthesizer = provider.GetRequiredService<ChatProgramSynthesizer>();
        Assert.Same(synthesizer, provider.GetRequiredService<ChatProgramSynthesizer>());
        Assert.Same(synthesizer, provider.GetRequiredService<IProgramSynthesizer>());
        Assert.Same(provider.GetRequiredService<CostLedger>(), synthesizer.Ledger);
        await using (AsyncServiceScope scope = provider.CreateAsyncScope())
        {
            Assert.Same(synthesizer, scope.ServiceProvider.GetRequiredService<IProgramSynthesizer>());
            Assert.Same(
                provider.GetRequiredKeyedService<IChatClient>(AlchemistBuilder.ChatClientKey),
                scope.ServiceProvider.GetRequiredKeyedService<IChatClient>(AlchemistBuilder.ChatClientKey));
        }
    }

    [Fact]
    public async Task ConfigureSynthesis_PricesTheLedger()
    {
        var client = new ScriptedChatClient("gpt-test").Reply(Fenced(GoodProgram), 2_000, 100);
        await using ServiceProvider provider = new ServiceCollection()
            .AddAlchemist()
            .UseChatClient(_ => client)
            .ConfigureSynthesis(o => o.Prices["gpt-test"] = new ModelPrice(1m, 2m))
            .Services.BuildServiceProvider();

        LabelingProgram program = Assert.Single(await provider.GetRequiredService<IProgramSynthesizer>()
            .SynthesizeAsync(new SynthesisRequest<string>(SpamTask) { ProgramCount = 1 }).ToListAsync());

        Assert.Equal(0.0022m, program.Provenance.CostUsd);
        Assert.Equal(0.0022m, provider.GetRequiredService<CostLedger>().GetSummary().CostUsd);
    }

    [Fact]
    public async Task Options_Invalid_FailStartupValidationWithEveryMessage()
    {
        await using ServiceProvider provider = new ServiceCollection()
            .AddAlchemist()
            .ConfigureSynthesis(o =>
            {
                o.MaxConcurrency = 0;
                o.Temperatures.Add(3f);
                o.Prices["gpt-x"] = new ModelPrice(-1m, 1m);
            })
            .Services.BuildServiceProvider();

        OptionsValidationException ex = await Assert.ThrowsAsync<OptionsValidationException>(() => provider.GetRequiredService<IAsyncStartupValidator>().ValidateAsync(CancellationToken.None));
        Assert.Equal(3, ex.Failures.Count());
        Assert.Contains(ex.Failures, f => f.Contains("MaxConcurrency", StringComparison.Ordinal) && f.Contains("between 1 and 64", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("ChatSynthesizerOptions.Temperatures[4] is 3; every temperature must be between 0 and 2.", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("ChatSynthesizerOptions.Prices['gpt-x'] has a negative price; prices per million tokens must be 0 or more.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UseChatClient_Pipeline_CachesThroughTheBuilder()
    {
        var client = new ScriptedChatClient().Reply(Fenced(GoodProgram), 100, 10);
        var cache = new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions()));
        await using ServiceProvider provider = new ServiceCollection()
            .AddAlchemist()
            .UseChatClient(_ => client, pipeline => pipeline.UseDistributedCache(cache))
            .Services.BuildServiceProvider();
        var synthesizer = provider.GetRequiredService<IProgramSynthesizer>();
        var request = new SynthesisRequest<string>(SpamTask) { ProgramCount = 1 };

        LabelingProgram first = Assert.Single(await synthesizer.SynthesizeAsync(request).ToListAsync());
        LabelingProgram second = Assert.Single(await synthesizer.SynthesizeAsync(request).ToListAsync());

        Assert.Single(client.Requests);
        Assert.Equal(first.ContentHash, second.ContentHash);

        // A cache hit reports the usage of the call that filled the cache, and the ledger counts it (see CostLedger remarks).
        Assert.Equal(200, provider.GetRequiredService<CostLedger>().GetSummary().InputTokens);
    }

    [Fact]
    public async Task UseChatClient_Pipeline_GetsTheContainersServices()
    {
        var client = new ScriptedChatClient().Reply(Fenced(GoodProgram));
        var loggers = new CapturingLoggerFactory();
        await using ServiceProvider provider = new ServiceCollection()
            .AddSingleton<ILoggerFactory>(loggers)
            .AddAlchemist()
            .UseChatClient(_ => client, pipeline => pipeline.UseLogging().UseResilience())
            .Services.BuildServiceProvider();

        await provider.GetRequiredService<IProgramSynthesizer>().SynthesizeAsync(new SynthesisRequest<string>(SpamTask) { ProgramCount = 1 }).ToListAsync();

        Assert.Contains(loggers.Messages, m => m.Contains("GetResponseAsync", StringComparison.Ordinal));
        IChatClient pipelineClient = provider.GetRequiredKeyedService<IChatClient>(AlchemistBuilder.ChatClientKey);
        Assert.NotNull(pipelineClient.GetService<LoggingChatClient>());
        Assert.NotNull(pipelineClient.GetService<ResilientChatClient>());
    }

    [Fact]
    public void UseChatClient_NullFactory_Throws() =>
        Assert.Throws<ArgumentNullException>("factory", () => new ServiceCollection().AddAlchemist().UseChatClient(null!));

    [Fact]
    public void ConfigureSynthesis_Null_Throws() =>
        Assert.Throws<ArgumentNullException>("configure", () => new ServiceCollection().AddAlchemist().ConfigureSynthesis(null!));

    private sealed class CapturingLoggerFactory : ILoggerFactory, ILogger
    {
        private readonly List<string> _messages = [];

        public IReadOnlyList<string> Messages
        {
            get
            {
                lock (_messages)
                {
                    return [.. _messages];
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_messages)
            {
                _messages.Add(formatter(state, exception));
            }
        }
    }
}
