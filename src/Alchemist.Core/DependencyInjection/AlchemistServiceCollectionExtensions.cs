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
    /// Registers, as singletons: <see cref="LabelModelCatalog"/> (the built-in models plus those of
    /// <see cref="AlchemistBuilder.AddLabelModel"/>), <see cref="LabelingFunctionApplier"/> configured from the options,
    /// and <see cref="TimeProvider.System"/> unless a <see cref="TimeProvider"/> is already registered. For synthesis:
    /// <see cref="ChatSynthesizerOptions"/>, a <see cref="CostLedger"/> priced from them, and a
    /// <see cref="ChatProgramSynthesizer"/> (also as <see cref="IProgramSynthesizer"/>) over the chat client of
    /// <see cref="AlchemistBuilder.UseChatClient"/>, or else the app's unkeyed <see cref="IChatClient"/>. The options
    /// are validated at start-up by a host, otherwise on first use.
    /// </remarks>
    public static AlchemistBuilder AddAlchemist(this IServiceCollection services, Action<AlchemistOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        OptionsBuilder<AlchemistOptions> options = services.AddOptionsWithValidateOnStart<AlchemistOptions, AlchemistOptionsValidator>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AlchemistOptions>, AlchemistCatalogOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static sp =>
        {
            LabelModelCatalog catalog = LabelModelCatalog.CreateDefault();
            foreach (LabelModelRegistration registration in sp.GetServices<LabelModelRegistration>())
            {
                catalog.Register(registration.Name, registration.Factory);
            }

            return catalog;
        });
        services.TryAddSingleton(static sp =>
        {
            AlchemistOptions value = sp.GetRequiredService<IOptions<AlchemistOptions>>().Value;
            return new LabelingFunctionApplier(new LabelingApplierOptions
            {
                MaxDegreeOfParallelism = value.MaxDegreeOfParallelism,
                QuarantineFaultRate = value.QuarantineFaultRate,
            });
        });

        services.AddOptions<ChatSynthesizerOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ChatSynthesizerOptions>, ChatSynthesizerOptionsValidator>());
        services.TryAddSingleton(static sp => new CostLedger(sp.GetRequiredService<IOptions<ChatSynthesizerOptions>>().Value.Prices));
        services.TryAddSingleton(static sp => new ChatProgramSynthesizer(
            ResolveChatClient(sp),
            sp.GetRequiredService<IOptions<ChatSynthesizerOptions>>().Value,
            sp.GetRequiredService<CostLedger>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<ChatProgramSynthesizer>>()));
        services.TryAddSingleton<IProgramSynthesizer>(static sp => sp.GetRequiredService<ChatProgramSynthesizer>());

        AddPipeline(services);
        return new AlchemistBuilder(services);
    }

    private static void AddPipeline(IServiceCollection services)
    {
        services.AddOptions<LabelingPipelineOptions>();
        services.AddOptions<OfflineSynthesizerOptions>();
        services.AddOptions<SandboxOptions>();
        services.AddOptions<ProgramGateOptions>();
        services.AddOptions<LogisticRegressionEndModelOptions>();
        services.TryAddSingleton(static sp => new OfflineProgramSynthesizer(
            sp.GetRequiredService<IOptions<OfflineSynthesizerOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(static sp => new ProgramCompiler(sp.GetRequiredService<IOptions<SandboxOptions>>().Value));
        services.TryAddSingleton(static sp => new ProgramGate(
            sp.GetRequiredService<ProgramCompiler>(), sp.GetRequiredService<IOptions<ProgramGateOptions>>().Value, sp.GetRequiredService<LabelingFunctionApplier>()));
        services.TryAddSingleton<IEndModel<string>>(static sp => LogisticRegressionEndModel.ForText(
            sp.GetRequiredService<IOptions<LogisticRegressionEndModelOptions>>().Value, sp.GetService<IEmbeddingGenerator<string, Embedding<float>>>()));
        services.TryAddSingleton(static sp =>
        {
            AlchemistOptions alchemist = sp.GetRequiredService<IOptions<AlchemistOptions>>().Value;
            LabelingPipelineOptions configured = sp.GetRequiredService<IOptions<LabelingPipelineOptions>>().Value;
            var options = new LabelingPipelineOptions
            {
                ProgramsPerSynthesizer = configured.ProgramsPerSynthesizer,
                LabelModel = alchemist.LabelModel,
                SelectionMetric = configured.SelectionMetric,
                GateSampleSize = configured.GateSampleSize,
                TrainEndModelOnSeedSet = configured.TrainEndModelOnSeedSet,
                UseSeedClassBalance = configured.UseSeedClassBalance,
                SeedModelVoter = configured.SeedModelVoter,
                ScoreSeedOnlyBaseline = configured.ScoreSeedOnlyBaseline,
                DirectLabelingModel = configured.DirectLabelingModel,
                Isolation = configured.Isolation,
                Workers = configured.Workers.Clone(),
                Seed = alchemist.Seed,
            };
            return new LabelingPipeline(
                Synthesizers(sp, alchemist),
                options,
                sp.GetRequiredService<ProgramCompiler>(),
                sp.GetRequiredService<ProgramGate>(),
                sp.GetRequiredService<LabelingFunctionApplier>(),
                sp.GetRequiredService<LabelModelCatalog>(),
                sp.GetRequiredService<CostLedger>(),
                services: sp);
        });
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
