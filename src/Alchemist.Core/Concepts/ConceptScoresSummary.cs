namespace Alchemist;

/// <summary>Represents what a run embedded for its concept scores: the phrases, the items, where the embeddings came from and how long it took.</summary>
/// <param name="ModelId">The model id of the generator that embedded the items (the disk cache's key).</param>
/// <param name="Items">The number of distinct items embedded (the job's items, seed items and test items).</param>
/// <param name="Phrases">The phrases embedded, in the order they were added: those the synthesizers tried and those the compiled programs name.</param>
/// <param name="Prototypes">The number of classes with a prototype (classes with seed examples).</param>
/// <param name="Generated">The number of embeddings the generators computed.</param>
/// <param name="FromCache">The number of embeddings read from the disk cache.</param>
/// <param name="Elapsed">The time spent embedding, the cache included.</param>
public sealed record ConceptScoresSummary(string ModelId, int Items, IReadOnlyList<string> Phrases, int Prototypes, int Generated, int FromCache, TimeSpan Elapsed);
