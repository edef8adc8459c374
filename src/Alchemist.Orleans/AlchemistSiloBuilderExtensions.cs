using Alchemist;
using Microsoft.Extensions.DependencyInjection;

namespace Orleans.Hosting;

/// <summary>Extension methods that make a silo able to label shards of Alchemist runs.</summary>
public static class AlchemistSiloBuilderExtensions
{
    /// <summary>Adds what the shard grains of <see cref="OrleansLabelingBackend"/> need on this silo: a sandbox compiler and the silo's cache of compiled programs, so that each distinct program is compiled once per silo, and the silo's cache of trained end models, so that a run's model is loaded once per silo to predict its shards.</summary>
    /// <param name="builder">The silo builder.</param>
    /// <returns>The same builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <remarks>Programs are compiled with the default <see cref="SandboxOptions"/>, the ones a pipeline's own compiler uses unless it is given others.</remarks>
    public static ISiloBuilder AddAlchemistShards(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(_ => new ShardProgramCache(new ProgramCompiler()));
        builder.Services.AddSingleton(_ => new ShardModelCache());
        return builder;
    }
}
