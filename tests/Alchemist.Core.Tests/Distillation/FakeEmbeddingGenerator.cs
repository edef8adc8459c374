using Microsoft.Extensions.AI;

namespace Alchemist.Tests.Distillation;

/// <summary>A deterministic embedding generator for tests: a text ending in a number embeds as [even, odd, 1].</summary>
internal sealed class FakeEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    public int Calls { get; private set; }

    public int TextsEmbedded { get; private set; }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        Calls++;
        var embeddings = new GeneratedEmbeddings<Embedding<float>>();
        foreach (string value in values)
        {
            TextsEmbedded++;
            int number = int.Parse(value.Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture);
            embeddings.Add(new Embedding<float>(new float[] { number % 2 == 0 ? 1 : 0, number % 2, 1 }));
        }

        return Task.FromResult(embeddings);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
