using Microsoft.Extensions.AI;

namespace Alchemist.Tests.Synthesis;

public class CostLedgerTests
{
    private static readonly Dictionary<string, ModelPrice> Prices = new()
    {
        ["gpt-4o"] = new ModelPrice(2.50m, 10.00m),
        ["gpt-4o-mini"] = new ModelPrice(0.15m, 0.60m),
        ["llama3.1"] = new ModelPrice(0m, 0m),
    };

    [Fact]
    public void Record_PricedModel_ComputesExactCost()
    {
        var ledger = new CostLedger(Prices);
        CostEntry entry = ledger.Record("program", "gpt-4o-mini", new UsageDetails { InputTokenCount = 1_200, OutputTokenCount = 350 });
        Assert.Equal((1_200 * 0.15m / 1_000_000m) + (350 * 0.60m / 1_000_000m), entry.CostUsd);
        Assert.Equal(0.00039m, entry.CostUsd);
        Assert.True(entry.UsageReported);
    }

    [Theory]
    [InlineData("gpt-4o-mini-2024-07-18", 0.15)]
    [InlineData("GPT-4O-MINI", 0.15)]
    [InlineData("gpt-4o-2024-08-06", 2.50)]
    [InlineData("gpt-4o", 2.50)]
    [InlineData("llama3.1:8b", 0)]
    public void TryGetPrice_MatchesExactOrLongestPrefixAtABoundary(string model, double inputPrice)
    {
        var ledger = new CostLedger(Prices);
        Assert.True(ledger.TryGetPrice(model, out ModelPrice? price));
        Assert.Equal((decimal)inputPrice, price.InputUsdPerMillionTokens);
    }

    [Theory]
    [InlineData("gpt-4omni")]
    [InlineData("gpt-4")]
    [InlineData("")]
    [InlineData(null)]
    public void TryGetPrice_NoBoundaryOrUnknown_HasNoPrice(string? model) =>
        Assert.False(new CostLedger(Prices).TryGetPrice(model, out _));

    [Fact]
    public void GetSummary_SumsPerModelAndListsUnpricedModels()
    {
        var ledger = new CostLedger(Prices);
        ledger.Record("program", "gpt-4o", new UsageDetails { InputTokenCount = 1_000, OutputTokenCount = 100 });
        ledger.Record("repair", "gpt-4o", new UsageDetails { InputTokenCount = 3_000, OutputTokenCount = 300 });
        ledger.Record("program", "mystery-model", new UsageDetails { InputTokenCount = 50, OutputTokenCount = 5 });
        ledger.Record("program", null, usage: null);

        CostSummary summary = ledger.GetSummary();

        Assert.Equal(4, summary.Calls);
        Assert.Equal(1, summary.CallsWithoutUsage);
        Assert.Equal(4_050, summary.InputTokens);
        Assert.Equal(405, summary.OutputTokens);
        Assert.Equal(0.014m, summary.CostUsd); // 4000 * 2.5e-6 + 400 * 1e-5
        Assert.False(summary.IsComplete);
        Assert.Equal(["(unknown)", "mystery-model"], summary.UnpricedModels);
        Assert.Collection(
            summary.Models,
            m => Assert.Equal(new ModelCost("(unknown)", 1, 0, 0, null), m),
            m => Assert.Equal(new ModelCost("gpt-4o", 2, 4_000, 400, 0.014m), m),
            m => Assert.Equal(new ModelCost("mystery-model", 1, 50, 5, null), m));
    }

    [Fact]
    public async Task Record_ConcurrentCalls_LosesNothing()
    {
        var ledger = new CostLedger(Prices);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < 1_000; i++)
            {
                ledger.Record("program", "gpt-4o-mini", new UsageDetails { InputTokenCount = 10, OutputTokenCount = 1 });
            }
        })));

        CostSummary summary = ledger.GetSummary();
        Assert.Equal(8_000, summary.Calls);
        Assert.Equal(80_000, summary.InputTokens);
        Assert.Equal((80_000 * 0.15m / 1_000_000m) + (8_000 * 0.60m / 1_000_000m), summary.CostUsd);
    }

    [Fact]
    public void Ctor_NegativePrice_Throws()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>("prices", () => new CostLedger(new Dictionary<string, ModelPrice> { ["m"] = new(-1m, 0m) }));
        Assert.StartsWith("The price of model 'm' is missing or negative; give non-negative input and output prices per million tokens.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ctor_CopiesPrices()
    {
        var prices = new Dictionary<string, ModelPrice> { ["m"] = new(1m, 2m) };
        var ledger = new CostLedger(prices);
        prices["m"].InputUsdPerMillionTokens = 100m;
        Assert.Equal(1m, ledger.Prices["m"].InputUsdPerMillionTokens);
    }

    [Fact]
    public void Record_BlankPurpose_Throws() =>
        Assert.Throws<ArgumentException>("purpose", () => new CostLedger().Record(" ", "m", null));
}
