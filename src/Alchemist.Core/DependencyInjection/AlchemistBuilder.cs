using Alchemist;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures the Alchemist services registered by <see cref="AlchemistServiceCollectionExtensions.AddAlchemist"/>.</summary>
public sealed class AlchemistBuilder
{
    /// <summary>The service key of the <see cref="IChatClient"/> registered by <see cref="UseChatClient"/>.</summary>
    public const string ChatClientKey = "Alchemist";

    internal AlchemistBuilder(IServiceCollection services) => Services = services;

    /// <summary>Gets the service collection this builder adds to.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Chooses the label model that aggregates the votes.</summary>
    /// <param name="name">A name in the <see cref="LabelModelCatalog"/>, for example <c>"majority"</c>; checked at start-up.</param>
    /// <returns>This builder, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is blank.</exception>
    public AlchemistBuilder UseLabelModel(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Services.Configure<AlchemistOptions>(options => options.LabelModel = name);
        return this;
    }

    /// <summary>Adds a label model of the host's own to the catalog, by name, and optionally to <c>auto</c>'s candidates.</summary>
    /// <param name="name">The name to register it under.</param>
    /// <param name="factory">Creates a new, unfitted model.</param>
    /// <param name="candidateForAuto">Whether <c>auto</c> considers the model beside its built-in candidates, scoring it by the same cross-validation on the dev split and choosing it when it wins.</param>
    /// <returns>This builder, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is blank.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="factory"/> is <see langword="null"/>.</exception>
    public AlchemistBuilder AddLabelModel(string name, Func<LabelModel> factory, bool candidateForAuto = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        Services.AddSingleton(new LabelModelRegistration(name, factory, candidateForAuto));
        return this;
    }

    /// <summary>Uses a dedicated <see cref="IChatClient"/> for program synthesis, registered under the key <see cref="ChatClientKey"/>; the app's own <see cref="IChatClient"/>, if any, is untouched.</summary>
    /// <param name="factory">Creates the inner client, for example <c>_ => new OpenAI.Chat.ChatClient("gpt-4o-mini", key).AsIChatClient()</c>.</param>
    /// <param name="configurePipeline">Adds middleware, such as <c>p => p.UseResilience().UseDistributedCache(cache).UseLogging()</c>, or <see langword="null"/>.</param>
    /// <returns>This builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="factory"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// The client is a singleton, built once with the container's services (so <c>UseLogging()</c> finds the
    /// <c>ILoggerFactory</c>). Without this call, the synthesizer uses the app's unkeyed <see cref="IChatClient"/>.
    /// </remarks>
    public AlchemistBuilder UseChatClient(Func<IServiceProvider, IChatClient> factory, Action<ChatClientBuilder>? configurePipeline = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ChatClientBuilder pipeline = Services.AddKeyedChatClient(ChatClientKey, factory);
        if (configurePipeline is not null)
        {
            configurePipeline(pipeline);
        }

        return this;
    }

    /// <summary>Uses a keyed <see cref="IChatClient"/> the app already registers (for example with <c>AddKeyedChatClient("labeler", ...)</c>) for program synthesis.</summary>
    /// <param name="serviceKey">The key the app registered the client under.</param>
    /// <returns>This builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="serviceKey"/> is <see langword="null"/>.</exception>
    /// <remarks>The app's client keeps its own pipeline (caching, logging, retries); Alchemist adds none. Resolving the synthesizer fails, naming the key, when no client is registered under it.</remarks>
    public AlchemistBuilder UseKeyedChatClient(object serviceKey)
    {
        ArgumentNullException.ThrowIfNull(serviceKey);
        return UseChatClient(services => services.GetKeyedService<IChatClient>(serviceKey)
            ?? throw new InvalidOperationException($"No IChatClient is registered under the key '{serviceKey}' that AddAlchemist().UseKeyedChatClient(...) names."));
    }

    /// <summary>Configures the <see cref="ChatResilienceOptions"/> that <c>UseResilience()</c> in the chat pipeline starts from: retries, <c>Retry-After</c> cap, per-attempt timeout, circuit breaker.</summary>
    /// <param name="configure">Configures the options; they are validated at start-up (data annotations, by a source-generated validator).</param>
    /// <returns>This builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="configure"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// Resilience is middleware: add it to the pipeline, for example
    /// <c>.ConfigureResilience(o => o.AttemptTimeout = TimeSpan.FromSeconds(60)).UseChatClient(factory, p => p.UseResilience())</c>.
    /// The options can also be bound from configuration with <c>services.AddOptions&lt;ChatResilienceOptions&gt;().Bind(section)</c>.
    /// </remarks>
    public AlchemistBuilder ConfigureResilience(Action<ChatResilienceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }

    /// <summary>Configures the chat-based synthesizer: concurrency, repairs, temperatures, prompt content and model prices.</summary>
    /// <param name="configure">Configures the <see cref="ChatSynthesizerOptions"/>; they are validated at start-up.</param>
    /// <returns>This builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="configure"/> is <see langword="null"/>.</exception>
    public AlchemistBuilder ConfigureSynthesis(Action<ChatSynthesizerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }

    /// <summary>Configures the pipeline: programs per synthesizer, the dev metric, the gate sample, the end model's training set and the cost plan.</summary>
    /// <param name="configure">Configures <see cref="LabelingPipelineOptions"/>; the label model and the seed start from <see cref="AlchemistOptions"/>, and what is set here wins. Validated at start-up; each run snapshots the current value.</param>
    /// <returns>This builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="configure"/> is <see langword="null"/>.</exception>
    public AlchemistBuilder ConfigurePipeline(Action<LabelingPipelineOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }

    /// <summary>Configures the sandbox: step budget, call depth, regex timeout, source length.</summary>
    /// <param name="configure">Configures <see cref="SandboxOptions"/>; validated at start-up.</param>
    /// <returns>This builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="configure"/> is <see langword="null"/>.</exception>
    public AlchemistBuilder ConfigureSandbox(Action<SandboxOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }

    /// <summary>Configures the gate's thresholds: the fault rate a program may have and the dev floors it must clear.</summary>
    /// <param name="configure">Configures <see cref="ProgramGateOptions"/>; validated at start-up.</param>
    /// <returns>This builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="configure"/> is <see langword="null"/>.</exception>
    public AlchemistBuilder ConfigureGate(Action<ProgramGateOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }

    /// <summary>Configures how labeling functions are applied: parallelism, chunk size and quarantine.</summary>
    /// <param name="configure">Configures <see cref="LabelingApplierOptions"/>; the parallelism and quarantine start from <see cref="AlchemistOptions"/>, and what is set here wins. Validated at start-up.</param>
    /// <returns>This builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="configure"/> is <see langword="null"/>.</exception>
    public AlchemistBuilder ConfigureLabeling(Action<LabelingApplierOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }

    /// <summary>Configures the default end model for text (the hashed n-gram logistic regression): features, regularization, training.</summary>
    /// <param name="configure">Configures <see cref="LogisticRegressionEndModelOptions"/>; validated at start-up. An end model of <see cref="UseEndModel{TItem}"/> takes its own options.</param>
    /// <returns>This builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="configure"/> is <see langword="null"/>.</exception>
    public AlchemistBuilder ConfigureEndModel(Action<LogisticRegressionEndModelOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }

    /// <summary>Configures the offline synthesizer, which mines programs from the seed labels.</summary>
    /// <param name="configure">Configures <see cref="OfflineSynthesizerOptions"/>; validated at start-up.</param>
    /// <returns>This builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="configure"/> is <see langword="null"/>.</exception>
    public AlchemistBuilder ConfigureOfflineSynthesizer(Action<OfflineSynthesizerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }

    /// <summary>Adds a synthesizer of the host's own to those the pipeline asks, after the offline and chat ones.</summary>
    /// <param name="factory">Creates the synthesizer once, from the container.</param>
    /// <returns>This builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="factory"/> is <see langword="null"/>.</exception>
    public AlchemistBuilder AddSynthesizer(Func<IServiceProvider, IProgramSynthesizer> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.AddSingleton(new SynthesizerRegistration(factory));
        return this;
    }

    /// <summary>Uses an end model of the host's for items of type <typeparamref name="TItem"/>, replacing the default (the hashed n-gram logistic regression for text, which also picks up a registered embedding generator).</summary>
    /// <typeparam name="TItem">The type of item.</typeparam>
    /// <param name="factory">Creates the end model once, from the container.</param>
    /// <returns>This builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="factory"/> is <see langword="null"/>.</exception>
    public AlchemistBuilder UseEndModel<TItem>(Func<IServiceProvider, IEndModel<TItem>> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.RemoveAll<IEndModel<TItem>>();
        Services.AddSingleton(factory);
        return this;
    }
}
