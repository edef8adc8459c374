using Alchemist;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
    /// and <see cref="TimeProvider.System"/> unless a <see cref="TimeProvider"/> is already registered. The options
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

        return new AlchemistBuilder(services);
    }
}
