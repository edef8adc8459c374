using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Alchemist.Tests.DependencyInjection;

public class AlchemistServiceCollectionExtensionsTests
{
    [Fact]
    public void AddAlchemist_NullServices_Throws() =>
        Assert.Throws<ArgumentNullException>("services", () => AlchemistServiceCollectionExtensions.AddAlchemist(null!));

    [Fact]
    public void AddAlchemist_RegistersSingletons()
    {
        using ServiceProvider provider = new ServiceCollection().AddAlchemist().Services.BuildServiceProvider();
        Assert.Same(provider.GetRequiredService<LabelModelCatalog>(), provider.GetRequiredService<LabelModelCatalog>());
        Assert.Same(provider.GetRequiredService<LabelingFunctionApplier>(), provider.GetRequiredService<LabelingFunctionApplier>());
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void AddAlchemist_Configure_IsApplied()
    {
        using ServiceProvider provider = new ServiceCollection().AddAlchemist(o => o.Seed = 42).Services.BuildServiceProvider();
        Assert.Equal(42, provider.GetRequiredService<IOptions<AlchemistOptions>>().Value.Seed);
    }

    [Fact]
    public void AddLabelModel_AddsToTheCatalogAndCanBeChosen()
    {
        using ServiceProvider provider = new ServiceCollection()
            .AddAlchemist()
            .AddLabelModel("custom", () => new MajorityVoteLabelModel())
            .UseLabelModel("custom")
            .Services.BuildServiceProvider();

        Assert.Contains("custom", provider.GetRequiredService<LabelModelCatalog>().Names);
        Assert.Equal("custom", provider.GetRequiredService<IOptions<AlchemistOptions>>().Value.LabelModel);
    }

    [Fact]
    public void Options_UnknownLabelModel_FailValidationListingKnownNames()
    {
        using ServiceProvider provider = new ServiceCollection().AddAlchemist().UseLabelModel("nope").Services.BuildServiceProvider();
        OptionsValidationException ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AlchemistOptions>>().Value);
        Assert.Contains("AlchemistOptions.LabelModel is 'nope', which is not a known label model. Known label models: majority", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_OutOfRange_FailValidation()
    {
        using ServiceProvider provider = new ServiceCollection().AddAlchemist(o => o.QuarantineFaultRate = 2).Services.BuildServiceProvider();
        OptionsValidationException ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AlchemistOptions>>().Value);
        Assert.Contains("QuarantineFaultRate", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddAlchemist_KeepsAnExistingTimeProvider()
    {
        var services = new ServiceCollection();
        var custom = new FixedTimeProvider();
        services.AddSingleton<TimeProvider>(custom);
        using ServiceProvider provider = services.AddAlchemist().Services.BuildServiceProvider();
        Assert.Same(custom, provider.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void UseLabelModel_Blank_Throws() =>
        Assert.Throws<ArgumentException>("name", () => new ServiceCollection().AddAlchemist().UseLabelModel(" "));

    private sealed class FixedTimeProvider : TimeProvider;
}
