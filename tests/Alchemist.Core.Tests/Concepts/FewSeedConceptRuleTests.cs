namespace Alchemist.Tests.ConceptPrograms;

/// <summary>
/// The variants of the estimated-precision rule for classes with too few seed items (OfflineSynthesizerOptions.
/// EstimateFewSeedConcepts): the class share taken from the unlabeled items' nearest prototype, and the check of the
/// estimated programs on held-out seed items. Small synthetic concept tables, mined directly.
/// </summary>
public class FewSeedConceptRuleTests
{
    [Fact]
    public void NearestPrototypeShares_EachItemCountsForItsMostSimilarPrototype_TiesToTheLowerClass()
    {
        Concepts[] items =
        [
            Concepts.FromScores(new Dictionary<string, double>(), [0.9, 0.1, 0.3]),
            Concepts.FromScores(new Dictionary<string, double>(), [0.8, 0.2, 0.1]),
            Concepts.FromScores(new Dictionary<string, double>(), [0.2, 0.7, 0.1]),
            Concepts.FromScores(new Dictionary<string, double>(), [0.5, 0.5, 0.1]),
            Concepts.FromScores(new Dictionary<string, double>(), [0.1, 0.2, 0.6]),
        ];

        double[]? shares = OfflineProgramSynthesizer.NearestPrototypeShares(items, 3, [true, true, true]);

        Assert.Equal([0.6, 0.2, 0.2], shares!);
    }

    [Fact]
    public void NearestPrototypeShares_AClassWithoutAPrototypeGetsNone_AndNoItemGivesNull()
    {
        Concepts[] items = [Concepts.FromScores(new Dictionary<string, double>(), [0.9, 0.1]), Concepts.FromScores(new Dictionary<string, double>(), [0.8, 0.2])];

        // Class 0 has no prototype (no seed item), so its scores are not read; every item is nearest class 1.
        Assert.Equal([0.0, 1.0], OfflineProgramSynthesizer.NearestPrototypeShares(items, 2, [false, true])!);
        Assert.Null(OfflineProgramSynthesizer.NearestPrototypeShares([], 2, [true, true]));
    }

    [Theory]
    [InlineData(0, 0, true)] // no held-out vote: no evidence against the programs
    [InlineData(1, 1, true)] // 2/3
    [InlineData(1, 0, false)] // 1/3
    [InlineData(3, 2, true)] // 3/5 = 0.6, the floor
    [InlineData(4, 2, false)] // 3/6
    public void PassesHeldOutCheck_SmoothedPrecisionOfTheHeldOutVotesAgainstTheFloor(int votes, int correct, bool passes) =>
        Assert.Equal(passes, new HeuristicMiner(new OfflineSynthesizerOptions()).PassesHeldOutCheck((votes, correct)));

    [Theory]
    [InlineData(0, 0, 0, false, true)] // no held-out vote passes either way
    [InlineData(0, 0, 0, true, true)]
    [InlineData(3, 3, 3, true, true)] // as often right as the stand-in
    [InlineData(3, 2, 3, false, true)] // 3/5 passes the floor; the stand-in is not consulted without the option
    [InlineData(3, 2, 3, true, false)] // the stand-in is right once more
    [InlineData(3, 3, 1, true, true)] // right more often than the stand-in
    [InlineData(4, 2, 0, true, false)] // 3/6 fails the floor, however wrong the stand-in
    public void PassesHeldOutCheck_WithThePrototypeCheck_ProgramsMustBeRightAsOftenAsTheNearestPrototype(int votes, int correct, int standIn, bool prototypeCheck, bool passes) =>
        Assert.Equal(passes, new HeuristicMiner(new OfflineSynthesizerOptions { FewSeedPrototypeCheck = prototypeCheck }).PassesHeldOutCheck((votes, correct, standIn)));

    [Fact]
    public void NearestPrototype_HighestPlainPrototypeScore_OtherFeaturesIgnored_TiesToTheLowerClass()
    {
        ConceptFeature[] features =
        [
            new("concepts.Prototype(0)", "ham", 0, c => c.Prototype(0), IsPrototype: true),
            new("concepts[\"spam\"]", "spam phrase", 1, c => c["spam"]),
            new("concepts.Prototype(1)", "spam", 1, c => c.Prototype(1), IsPrototype: true),
        ];
        TextProfile profile = TextProfile.Create("some text");

        Assert.Equal(-1, HeuristicMiner.NearestPrototype(profile, features)); // no concept values
        profile.ConceptValues = [0.4, 0.9, 0.5];
        Assert.Equal(1, HeuristicMiner.NearestPrototype(profile, features)); // the phrase's 0.9 is not a prototype
        profile.ConceptValues = [0.5, 0.9, 0.5];
        Assert.Equal(0, HeuristicMiner.NearestPrototype(profile, features));
        Assert.Equal(-1, HeuristicMiner.NearestPrototype(profile, [features[1]])); // no prototype feature
    }

    [Fact]
    public void HeldOutTally_CountsTheNearestPrototypeOnTheItemsTheEstimatedProgramsVoteOn()
    {
        // The spam-phrase task below, with a plain prototype feature per class: every seed item is nearest its own
        // class's prototype (and the unlabeled items are at 0 on both, so no prototype program covers any of them).
        // The spam program mined without the ham outlier (0.85 on the phrase) votes spam on it and is wrong; the
        // nearest prototype says ham there and is right.
        ConceptFeature[] features =
        [
            new("concepts[\"spam\"]", "the similarity to \"spam\"", 1, c => c["spam"]),
            new("concepts.Prototype(0)", "the similarity to the ham seed examples", 0, c => c.Prototype(0), IsPrototype: true),
            new("concepts.Prototype(1)", "the similarity to the spam seed examples", 1, c => c.Prototype(1), IsPrototype: true),
        ];
        (TextProfile[] seeds, int[] labels, TextProfile[] unlabeled, _) = Task(hamOutlier: 0.85);
        for (int i = 0; i < seeds.Length; i++)
        {
            seeds[i].ConceptValues = [seeds[i].ConceptValues![0], labels[i] == 0 ? 0.5 : 0.2, labels[i] == 1 ? 0.5 : 0.2];
        }

        foreach (TextProfile item in unlabeled)
        {
            item.ConceptValues = [item.ConceptValues![0], 0.0, 0.0];
        }

        var options = new OfflineSynthesizerOptions { EstimateFewSeedConcepts = true, FewSeedHeldOutCheck = true, FewSeedSmallClassesOnly = false, FewSeedPrototypeCheck = true };
        var miner = new HeuristicMiner(options);

        (int votes, int correct, int standIn) = miner.HeldOutTally(seeds, labels, unlabeled, 2, 10, features, null, CancellationToken.None);

        Assert.Equal((1, 0, 1), (votes, correct, standIn));
        Assert.Equal((1, 0), miner.HeldOutVotes(seeds, labels, unlabeled, 2, 10, features, null, CancellationToken.None));
        Assert.False(miner.PassesHeldOutCheck((votes, correct, standIn)));
        Assert.Empty(miner.Mine(seeds, labels, unlabeled, 2, 10, CancellationToken.None, features));
    }

    [Fact]
    public void HeldOutCheck_EstimatedProgramWrongOnAHeldOutSeedItem_IsNotKept()
    {
        // A ham seed item at 0.85 on the spam concept: the spam program mined without it (threshold 0.8, at the lower
        // spam seed item) holds on it, so the held-out votes say the estimated programs are wrong.
        (TextProfile[] seeds, int[] labels, TextProfile[] unlabeled, ConceptFeature[] features) = Task(hamOutlier: 0.85);

        IReadOnlyList<Heuristic> withoutCheck = Miner(heldOut: false).Mine(seeds, labels, unlabeled, 2, 10, CancellationToken.None, features);
        HeuristicMiner miner = Miner(heldOut: true);
        (int votes, int correct) = miner.HeldOutVotes(seeds, labels, unlabeled, 2, 10, features, null, CancellationToken.None);
        IReadOnlyList<Heuristic> withCheck = miner.Mine(seeds, labels, unlabeled, 2, 10, CancellationToken.None, features);

        Heuristic spam = Assert.Single(withoutCheck);
        Assert.True(spam.BoundByCoverage);
        Assert.Equal(0.9, ((ConceptCondition)spam.Condition).Threshold);
        Assert.Equal((1, 0), (votes, correct));
        Assert.Empty(withCheck);
    }

    [Fact]
    public void Defaults_RuleOnForSmallClassesWithTheHeldOutCheck()
    {
        var options = new OfflineSynthesizerOptions();

        Assert.True(options.EstimateFewSeedConcepts);
        Assert.True(options.FewSeedSmallClassesOnly);
        Assert.True(options.FewSeedHeldOutCheck);
        Assert.False(options.FewSeedPrototypeCheck);
        Assert.Equal(FewSeedClassShare.SeedLabels, options.FewSeedShare);

        // With the defaults, the hostile task of the test above keeps no program, the clean one keeps its spam program.
        (TextProfile[] seeds, int[] labels, TextProfile[] unlabeled, ConceptFeature[] features) = Task(hamOutlier: 0.85);
        Assert.Empty(new HeuristicMiner(options).Mine(seeds, labels, unlabeled, 2, 10, CancellationToken.None, features));
        (seeds, labels, unlabeled, features) = Task(hamOutlier: 0.1);
        Assert.Single(new HeuristicMiner(options).Mine(seeds, labels, unlabeled, 2, 10, CancellationToken.None, features));
    }

    [Fact]
    public void HeldOutCheck_NoHeldOutSeedItemContradictsTheEstimatedProgram_ItIsKept()
    {
        (TextProfile[] seeds, int[] labels, TextProfile[] unlabeled, ConceptFeature[] features) = Task(hamOutlier: 0.1);
        HeuristicMiner miner = Miner(heldOut: true);

        Assert.Equal((0, 0), miner.HeldOutVotes(seeds, labels, unlabeled, 2, 10, features, null, CancellationToken.None));
        Heuristic spam = Assert.Single(miner.Mine(seeds, labels, unlabeled, 2, 10, CancellationToken.None, features));
        Assert.True(spam.BoundByCoverage);
        Assert.Equal(1, spam.Label);
    }

    [Fact]
    public void NearestPrototypeShare_ASmallerShareThanTheSeedsGive_LowersTheEstimateBelowTheFloor()
    {
        // The seed share of spam is 2/10; if only 5% of the unlabeled items are nearest the spam prototype, the estimate
        // for the spam program (0.05 x 2/3 / 0.1) is far below the floor, and nothing is kept.
        (TextProfile[] seeds, int[] labels, TextProfile[] unlabeled, ConceptFeature[] features) = Task(hamOutlier: 0.1);
        var options = new OfflineSynthesizerOptions { EstimateFewSeedConcepts = true, FewSeedShare = FewSeedClassShare.NearestPrototype, FewSeedHeldOutCheck = false };

        Assert.Single(new HeuristicMiner(options).Mine(seeds, labels, unlabeled, 2, 10, CancellationToken.None, features, [0.8, 0.2]));
        Assert.Empty(new HeuristicMiner(options).Mine(seeds, labels, unlabeled, 2, 10, CancellationToken.None, features, [0.95, 0.05]));
        // With the seed share, the same shares are ignored.
        Assert.Single(Miner(heldOut: false).Mine(seeds, labels, unlabeled, 2, 10, CancellationToken.None, features, [0.95, 0.05]));
    }

    [Fact]
    public void SmallClassesOnly_ALargeClassThatOnlyMissesItsLiftedFloor_GetsNoEstimatedProgram()
    {
        // 17 ham and 3 spam seed items: a ham condition right on all 17 has a bound of 0.863, short of ham's floor of
        // 0.869 (its 85% share lifted), so the rule estimates ham's programs too; kept to small classes (a bound that
        // cannot reach 0.6), it leaves ham alone.
        double[] values = [.. Enumerable.Range(0, 17).Select(i => 0.5 + (0.02 * i)), 0.1, 0.1, 0.1];
        int[] labels = [.. Enumerable.Repeat(0, 17), 1, 1, 1];
        TextProfile[] seeds = [.. values.Select((v, i) => Profile($"seed{i} text{i}", v))];
        TextProfile[] unlabeled = [.. Enumerable.Range(0, 1000).Select(i => Profile($"item{i} other{i}", i < 870 ? 0.7 : 0.1))];
        ConceptFeature[] features = [new("concepts.Prototype(0)", "the similarity to the ham seed examples", 0, c => c.Prototype(0))];

        IReadOnlyList<Heuristic> all = Miner(heldOut: false).Mine(seeds, labels, unlabeled, 2, 10, CancellationToken.None, features);
        IReadOnlyList<Heuristic> small = new HeuristicMiner(new OfflineSynthesizerOptions { EstimateFewSeedConcepts = true, FewSeedSmallClassesOnly = true, FewSeedHeldOutCheck = false })
            .Mine(seeds, labels, unlabeled, 2, 10, CancellationToken.None, features);

        Assert.NotEmpty(all);
        Assert.All(all, h => Assert.True(h.Label == 0 && h.BoundByCoverage));
        Assert.Empty(small);
    }

    private static TextProfile Profile(string text, double value)
    {
        TextProfile profile = TextProfile.Create(text);
        profile.ConceptValues = [value];
        return profile;
    }

    private static HeuristicMiner Miner(bool heldOut) => new(new OfflineSynthesizerOptions { EstimateFewSeedConcepts = true, FewSeedHeldOutCheck = heldOut, FewSeedSmallClassesOnly = false });

    /// <summary>
    /// Ten seed items (eight ham, two spam at 0.9 and 0.8 on the spam concept, the ham ones at 0.1 but one at
    /// <paramref name="hamOutlier"/>) and 1,000 unlabeled items, 10% at 0.95 and the rest at 0.1. Every text is words
    /// of its own, so no word or count condition can be shown precise.
    /// </summary>
    private static (TextProfile[] Seeds, int[] Labels, TextProfile[] Unlabeled, ConceptFeature[] Features) Task(double hamOutlier)
    {
        double[] values = [0.1, 0.9, 0.1, hamOutlier, 0.1, 0.8, 0.1, 0.1, 0.1, 0.1];
        int[] labels = [0, 1, 0, 0, 0, 1, 0, 0, 0, 0];
        TextProfile[] seeds = [.. values.Select((v, i) => Profile($"seed{i} text{i}", v))];
        TextProfile[] unlabeled = [.. Enumerable.Range(0, 1000).Select(i => Profile($"item{i} other{i}", i % 10 == 0 ? 0.95 : 0.1))];
        ConceptFeature[] features = [new("concepts[\"spam\"]", "the similarity to \"spam\"", 1, c => c["spam"])];
        return (seeds, labels, unlabeled, features);
    }
}
