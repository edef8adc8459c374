namespace Alchemist;

/// <summary>A synthesizer that <see cref="Microsoft.Extensions.DependencyInjection.AlchemistBuilder.AddSynthesizer"/> adds to the pipeline.</summary>
internal sealed record SynthesizerRegistration(Func<IServiceProvider, IProgramSynthesizer> Factory);
