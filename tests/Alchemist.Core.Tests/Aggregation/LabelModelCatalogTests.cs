namespace Alchemist.Tests.Aggregation;

public class LabelModelCatalogTests
{
    [Fact]
    public void CreateDefault_KnowsMajority()
    {
        LabelModelCatalog catalog = LabelModelCatalog.CreateDefault();
        Assert.Contains("majority", catalog.Names);
        Assert.IsType<MajorityVoteLabelModel>(catalog.Create("MAJORITY"));
    }

    [Fact]
    public void CreateDefault_KnowsEveryBuiltInModel()
    {
        LabelModelCatalog catalog = LabelModelCatalog.CreateDefault();
        Assert.Equal(["majority", "weighted-majority", "dawid-skene", "snorkel", "flyingsquid", "hyper", "hyper-semi", "auto"], catalog.Names);
        Assert.All(catalog.Names, name => Assert.Equal(name, catalog.Create(name).Name));
    }

    [Fact]
    public void Create_ReturnsANewModelEachTime()
    {
        LabelModelCatalog catalog = LabelModelCatalog.CreateDefault();
        Assert.NotSame(catalog.Create("majority"), catalog.Create("majority"));
    }

    [Fact]
    public void Create_Unknown_ListsKnownNames()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>("name", () => LabelModelCatalog.CreateDefault().Create("nope"));
        Assert.StartsWith("Unknown label model 'nope'. Known label models: majority", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Register_AddsAndReplaces()
    {
        var catalog = new LabelModelCatalog().Register("mine", () => new MajorityVoteLabelModel()).Register("MINE", () => new MajorityVoteLabelModel());
        Assert.Equal(["mine"], catalog.Names);
        Assert.True(catalog.Contains("Mine"));
    }
}
