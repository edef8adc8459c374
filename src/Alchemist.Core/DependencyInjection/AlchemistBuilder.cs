using Alchemist;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures the Alchemist services registered by <see cref="AlchemistServiceCollectionExtensions.AddAlchemist"/>.</summary>
public sealed class AlchemistBuilder
{
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

    /// <summary>Adds a label model of the host's own to the catalog.</summary>
    /// <param name="name">The name to register it under.</param>
    /// <param name="factory">Creates a new, unfitted model.</param>
    /// <returns>This builder, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is blank.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="factory"/> is <see langword="null"/>.</exception>
    public AlchemistBuilder AddLabelModel(string name, Func<LabelModel> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        Services.AddSingleton(new LabelModelRegistration(name, factory));
        return this;
    }
}
