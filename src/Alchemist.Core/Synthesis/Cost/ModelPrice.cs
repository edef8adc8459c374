namespace Alchemist;

/// <summary>Represents the price of a model's tokens, in US dollars per million tokens.</summary>
/// <remarks>Prices are configuration: set them from the provider's price list, for example in <c>appsettings.json</c>.</remarks>
public sealed class ModelPrice
{
    /// <summary>Initializes a new instance of the <see cref="ModelPrice"/> class with zero prices, for configuration binding.</summary>
    public ModelPrice()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ModelPrice"/> class.</summary>
    /// <param name="inputUsdPerMillionTokens">The price of a million input (prompt) tokens.</param>
    /// <param name="outputUsdPerMillionTokens">The price of a million output (completion) tokens.</param>
    public ModelPrice(decimal inputUsdPerMillionTokens, decimal outputUsdPerMillionTokens)
    {
        InputUsdPerMillionTokens = inputUsdPerMillionTokens;
        OutputUsdPerMillionTokens = outputUsdPerMillionTokens;
    }

    /// <summary>Gets or sets the price of a million input (prompt) tokens, in US dollars.</summary>
    public decimal InputUsdPerMillionTokens { get; set; }

    /// <summary>Gets or sets the price of a million output (completion) tokens, in US dollars.</summary>
    public decimal OutputUsdPerMillionTokens { get; set; }

    /// <summary>Computes the cost of a call.</summary>
    /// <param name="inputTokens">The input tokens.</param>
    /// <param name="outputTokens">The output tokens.</param>
    /// <returns>The cost in US dollars, exact in <see cref="decimal"/>.</returns>
    public decimal CostOf(long inputTokens, long outputTokens) =>
        ((inputTokens * InputUsdPerMillionTokens) + (outputTokens * OutputUsdPerMillionTokens)) / 1_000_000m;

    /// <inheritdoc />
    public override string ToString() => $"${InputUsdPerMillionTokens}/M input, ${OutputUsdPerMillionTokens}/M output";
}
