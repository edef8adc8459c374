using Microsoft.Extensions.DependencyInjection;

namespace Alchemist.Tests.Aggregation;

/// <summary>New label models join <c>auto</c>'s candidates by registration, not by a list in the library.</summary>
public class AutoCandidateRegistrationTests
{
    [Fact]
    public void RegisteredCandidate_ThatWinsOnDev_IsChosenByTheCatalogsAuto()
    {
        (LabelMatrix unlabeled, LabelMatrix dev, int[] devLabels, Dictionary<string, int> gold) = NoiseWithHiddenGold();
        LabelModelCatalog catalog = LabelModelCatalog.CreateDefault().Register("oracle", () => new OracleLabelModel(gold), candidateForAuto: true);

        LabelModel auto = catalog.Create("auto");
        LabelModelFitReport report = auto.Fit(unlabeled, new LabelModelFitOptions { DevMatrix = dev, DevLabels = devLabels });

        Assert.Equal("oracle", report.Selected);
        Assert.Equal(1.0, report.CandidateScores!["oracle"]);
        Assert.Contains("oracle+threshold", report.CandidateScores.Keys);
        Assert.All(report.CandidateScores.Where(c => !c.Key.StartsWith("oracle", StringComparison.Ordinal)), c => Assert.True(c.Value < 0.75, c.Key));
        Assert.Equal(gold[Key(unlabeled.GetRow(0))], auto.Predict(unlabeled)[0]);
    }

    [Fact]
    public void RegisteredModel_NotACandidate_IsNotConsidered()
    {
        (LabelMatrix unlabeled, LabelMatrix dev, int[] devLabels, Dictionary<string, int> gold) = NoiseWithHiddenGold();
        LabelModelCatalog catalog = LabelModelCatalog.CreateDefault().Register("oracle", () => new OracleLabelModel(gold));

        LabelModelFitReport report = catalog.Create("auto").Fit(unlabeled, new LabelModelFitOptions { DevMatrix = dev, DevLabels = devLabels });

        Assert.DoesNotContain(report.CandidateScores!.Keys, k => k.StartsWith("oracle", StringComparison.Ordinal));
        Assert.Empty(catalog.AutoCandidates);
    }

    [Fact]
    public void AddLabelModel_CandidateForAuto_ReachesAutoThroughDependencyInjection()
    {
        (LabelMatrix unlabeled, LabelMatrix dev, int[] devLabels, Dictionary<string, int> gold) = NoiseWithHiddenGold();
        using ServiceProvider provider = new ServiceCollection()
            .AddAlchemist()
            .AddLabelModel("oracle", () => new OracleLabelModel(gold), candidateForAuto: true)
            .Services.BuildServiceProvider();

        LabelModelCatalog catalog = provider.GetRequiredService<LabelModelCatalog>();
        Assert.Equal(["oracle"], catalog.AutoCandidates.Select(c => c.Name));
        Assert.Equal("oracle", catalog.Create("auto").Fit(unlabeled, new LabelModelFitOptions { DevMatrix = dev, DevLabels = devLabels }).Selected);
    }

    [Fact]
    public void RegisteredCandidate_AutoFittedFromStatistics_IsLeftOutWithAWarning()
    {
        (LabelMatrix unlabeled, LabelMatrix dev, int[] devLabels, Dictionary<string, int> gold) = NoiseWithHiddenGold();
        LabelModelCatalog catalog = LabelModelCatalog.CreateDefault().Register("oracle", () => new OracleLabelModel(gold), candidateForAuto: true);

        LabelModelFitReport report = catalog.Create("auto").Fit(LabelStatistics.Compute(unlabeled), new LabelModelFitOptions { DevMatrix = dev, DevLabels = devLabels });

        Assert.DoesNotContain("oracle", report.CandidateScores!.Keys);
        Assert.Contains(report.Warnings, w => w.Contains("'oracle' was left out", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("dawid-skene")]
    [InlineData("mine+threshold")]
    public void Register_ReservedNameAsCandidate_IsRefused(string name) =>
        Assert.Throws<ArgumentException>("name", () => LabelModelCatalog.CreateDefault().Register(name, () => new MajorityVoteLabelModel(), candidateForAuto: true));

    [Fact]
    public void Register_AgainWithoutTheFlag_RemovesTheCandidate()
    {
        LabelModelCatalog catalog = LabelModelCatalog.CreateDefault()
            .Register("mine", () => new MajorityVoteLabelModel(), candidateForAuto: true)
            .Register("mine", () => new MajorityVoteLabelModel());
        Assert.Empty(catalog.AutoCandidates);
    }

    /// <summary>
    /// Votes that carry no information about the gold labels (so every built-in model is near chance), every row
    /// distinct; the gold labels hidden in a map from row to class, which only the test's oracle reads.
    /// </summary>
    private static (LabelMatrix Unlabeled, LabelMatrix Dev, int[] DevLabels, Dictionary<string, int> Gold) NoiseWithHiddenGold()
    {
        const int Functions = 10;
        var random = new Random(11);
        var gold = new Dictionary<string, int>(StringComparer.Ordinal);
        var rows = new List<sbyte[]>();
        while (rows.Count < 600)
        {
            sbyte[] row = [.. Enumerable.Range(0, Functions).Select(_ => (sbyte)(random.Next(3) - 1))];
            if (gold.TryAdd(Key(row), random.Next(2)))
            {
                rows.Add(row);
            }
        }

        LabelMatrix Matrix(IEnumerable<sbyte[]> part)
        {
            sbyte[][] parts = [.. part];
            return new LabelMatrix(parts.Length, Functions, 2, [.. parts.SelectMany(r => r)]);
        }

        sbyte[][] devRows = [.. rows.Take(200)];
        return (Matrix(rows.Skip(200)), Matrix(devRows), [.. devRows.Select(r => gold[Key(r)])], gold);
    }

    private static string Key(ReadOnlySpan<sbyte> row) => string.Join(',', row.ToArray());

    /// <summary>A label model that knows the answer: a stand-in for a host's better model.</summary>
    private sealed class OracleLabelModel(Dictionary<string, int> gold) : LabelModel
    {
        public override string Name => "oracle";

        protected override LabelModelFitReport FitCore(LabelMatrix matrix, LabelModelFitOptions options, CancellationToken cancellationToken) =>
            new() { ModelName = Name, ClassBalance = [0.5, 0.5] };

        protected override void PredictRowCore(ReadOnlySpan<sbyte> votes, Span<double> destination)
        {
            int label = gold.TryGetValue(Key(votes), out int known) ? known : 0;
            destination.Clear();
            destination[label] = 1;
        }
    }
}
