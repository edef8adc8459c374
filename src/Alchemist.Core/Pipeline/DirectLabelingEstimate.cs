namespace Alchemist;

/// <summary>Represents what labeling every item directly with an LLM would cost: one prompt per item, as the ALCHEmist paper's baseline does.</summary>
/// <param name="ModelId">The model priced.</param>
/// <param name="Items">The number of items.</param>
/// <param name="InputTokens">The prompt tokens over all items, counted with a real tokenizer.</param>
/// <param name="OutputTokens">The answer tokens over all items.</param>
/// <param name="CostUsd">The cost in US dollars, or <see langword="null"/> when the model has no price.</param>
/// <param name="Tokenizer">The tokenizer that counted the tokens, for example <c>o200k_base</c>.</param>
public sealed record DirectLabelingEstimate(string ModelId, int Items, long InputTokens, long OutputTokens, decimal? CostUsd, string Tokenizer);
