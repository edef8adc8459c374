using Alchemist;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Provides extension methods that register Alchemist in an <see cref="IServiceCollection"/>.</summary>
public static class AlchemistServiceCollectionExtensions
{
    /// <summary>Registers Alchemist's services and options.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures <see cref="AlchemistOptions"/>, or <see langword="null"/>.</param>
    /// <returns>A builder for choosing the label model, the synthesizers and the chat client.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// <para>
    /// Registers, as singletons: <see cref="LabelingPipeline"/>; <see cref="LabelModelCatalog"/> (the built-in models
    /// plus those of <see cref="AlchemistBuilder.AddLabelModel"/>); <see cref="LabelingFunctionApplier"/>,
    /// <see cref="ProgramCompiler"/>, <see cref="ProgramGate"/>, <see cref="OfflineProgramSynthesizer"/>, the default
    /// <see cref="IEndModel{TItem}"/> for text, a <see cref="CostLedger"/> priced from
    /// <see cref="ChatSynthesizerOptions.Prices"/> (each run records in a scope of it), a
    /// <see cref="ChatProgramSynthesizer"/> (also as <see cref="IProgramSynthesizer"/>) over the chat client of
    /// <see cref="AlchemistBuilder.UseChatClient"/> or else the app's unkeyed <see cref="IChatClient"/>; and
    /// <see cref="TimeProvider.System"/> unless a <see cref="TimeProvider"/> is already registered.
    /// </para>
    /// <para>
    /// Every component's options (<see cref="LabelingPipelineOptions"/>, <see cref="ChatSynthesizerOptions"/>,
    /// <see cref="OfflineSynthesizerOptions"/>, <see cref="SandboxOptions"/>, <see cref="ProgramGateOptions"/>,
    /// <see cref="LabelingApplierOptions"/>, <see cref="LogisticRegressionEndModelOptions"/>) are registered with the
    /// options pattern and validated at start-up by a host (otherwise on first use); configure them with the builder's
    /// <c>Configure*</c> methods. <see cref="AlchemistOptions"/> gives the defaults they share: the seed, the label
    /// model, the labeling parallelism and quarantine.
    /// </para>
    /// </remarks>
    public static AlchemistBuilder AddAlchemist(this IServiceCollection services, Action<AlchemistOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        OptionsBuilder<AlchemistOptions> options = services.AddOptionsWithValidateOnStart<AlchemistOptions, AlchemistOptionsValidator>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AlchemistOptions>, LabelModelNameValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LabelingPipelineOptions>, LabelModelNameValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static sp =>
        {
            LabelModelCatalog catalog = LabelModelCatalog.CreateDefault();
            foreach (LabelModelRegistration registration in sp.GetServices<LabelModelRegistration>())
            {
                catalog.Register(registration.Name, registration.Factory, registration.CandidateForAuto);
            }

            return catalog;
        });

        // Every component's options are registered as they are, validated at start-up, and read by the component
        // itself: nothing is copied field by field. AlchemistOptions gives the app-wide defaults they start from.
        services.AddOptionsWithValidateOnStart<LabelingApplierOptions, LabelingApplierOptionsValidator>()
            .Configure<IOptions<AlchemistOptions>>(static (applier, app) =>
            {
                applier.MaxDegreeOfParallelism = app.Value.MaxDegreeOfParallelism;
                applier.QuarantineFaultRate = app.Value.QuarantineFaultRate;
            });
        services.AddOptionsWithValidateOnStart<ChatSynthesizerOptions, ChatSynthesizerOptionsValidator>()
            .Configure<IOptions<AlchemistOptions>>(static (chat, app) => chat.Seed = app.Value.Seed);
        services.AddOptionsWithValidateOnStart<LabelingPipelineOptions, LabelingPipelineOptionsValidator>()
            .Configure<IOptions<AlchemistOptions>>(static (pipeline, app) =>
            {
                pipeline.Seed = app.Value.Seed;
                pipeline.LabelModel = app.Value.LabelModel;
            });
        services.AddOptionsWithValidateOnStart<OfflineSynthesizerOptions, OfflineSynthesizerOptionsValidator>();
        services.AddOptionsWithValidateOnStart<SandboxOptions, SandboxOptionsValidator>();
        services.AddOptionsWithValidateOnStart<ProgramGateOptions, ProgramGateOptionsValidator>();
        services.AddOptionsWithValidateOnStart<LogisticRegressionEndModelOptions, LogisticRegressionEndModelOptionsValidator>();
        services.AddOptionsWithValidateOnStart<ChatResilienceOptions, ChatResilienceOptionsValidator>();

        services.TryAddSingleton(static sp => new LabelingFunctionApplier(sp.GetRequiredService<IOptions<LabelingApplierOptions>>().Value));
        services.TryAddSingleton(static sp => new CostLedger(sp.GetRequiredService<IOptions<ChatSynthesizerOptions>>().Value.Prices));
        services.TryAddSingleton(static sp => new ChatProgramSynthesizer(
            ResolveChatClient(sp),
            sp.GetRequiredService<IOptions<ChatSynthesizerOptions>>().Value,
            sp.GetRequiredService<CostLedger>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<ChatProgramSynthesizer>>()));
        services.TryAddSingleton<IProgramSynthesizer>(static sp => sp.GetRequiredService<ChatProgramSynthesizer>());
        services.TryAddSingleton(static sp => new OfflineProgramSynthesizer(
            sp.GetRequiredService<IOptions<OfflineSynthesizerOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(static sp => new ProgramCompiler(sp.GetRequiredService<IOptions<SandboxOptions>>().Value));
        services.TryAddSingleton(static sp => new ProgramGate(
            sp.GetRequiredService<ProgramCompiler>(), sp.GetRequiredService<IOptions<ProgramGateOptions>>().Value, sp.GetRequiredService<LabelingFunctionApplier>()));
        services.TryAddSingleton<IEndModel<string>>(static sp => LogisticRegressionEndModel.ForText(
            sp.GetRequiredService<IOptions<LogisticRegressionEndModelOptions>>().Value, sp.GetService<IEmbeddingGenerator<string, Embedding<float>>>()));
        services.TryAddSingleton(static sp =>
        {
            // Each run snapshots the current options, so a host that reloads its configuration changes the next run only.
            IOptionsMonitor<LabelingPipelineOptions> pipelineOptions = sp.GetRequiredService<IOptionsMonitor<LabelingPipelineOptions>>();
            return new LabelingPipeline(
                Synthesizers(sp, sp.GetRequiredService<IOptions<AlchemistOptions>>().Value),
                () => pipelineOptions.CurrentValue,
                sp.GetRequiredService<ProgramCompiler>(),
                sp.GetRequiredService<ProgramGate>(),
                sp.GetRequiredService<LabelingFunctionApplier>(),
                sp.GetRequiredService<LabelModelCatalog>(),
                sp.GetRequiredService<CostLedger>(),
                estimator: null,
                services: sp);
        });

        return new AlchemistBuilder(services);
    }

    private static List<IProgramSynthesizer> Synthesizers(IServiceProvider services, AlchemistOptions options)
    {
        var synthesizers = new List<IProgramSynthesizer>();
        if (options.UseOfflineSynthesizer)
        {
            synthesizers.Add(services.GetRequiredService<OfflineProgramSynthesizer>());
        }

        // The chat synthesizer joins only when a chat client is there to talk to.
        if (services.GetKeyedService<IChatClient>(AlchemistBuilder.ChatClientKey) is not null || services.GetService<IChatClient>() is not null)
        {
            synthesizers.Add(services.GetRequiredService<ChatProgramSynthesizer>());
        }

        synthesizers.AddRange(services.GetServices<SynthesizerRegistration>().Select(r => r.Factory(services)));
        return synthesizers;
    }

    private static IChatClient ResolveChatClient(IServiceProvider services) =>
        services.GetKeyedService<IChatClient>(AlchemistBuilder.ChatClientKey)
        ?? services.GetService<IChatClient>()
        ?? throw new InvalidOperationException(
            "No IChatClient is registered for Alchemist's program synthesis. Call AddAlchemist().UseChatClient(...), or register an IChatClient (for example with AddChatClient).");
}
