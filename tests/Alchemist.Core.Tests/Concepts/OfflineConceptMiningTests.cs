using Alchemist.Tests.Offline;
using Alchemist.Tests.Shared;

namespace Alchemist.Tests.ConceptPrograms;

/// <summary>With concept scores, the offline synthesizer mines concept programs from a few seed labels, and they vote as the heuristics they come from.</summary>
public class OfflineConceptMiningTests
{
    [Theory]
    [InlineData(20)]
    public async Task FewSeedLabels_ConceptProgramsMinedAndTheyVoteAsMined(int seedLabels)
    {
        WrenchDataset youtube = TestData.Load("youtube");
        string[] train = [.. youtube.Train.Texts.Select(t => t!)];
        // The first seed labels of each class, half and half, as a user who labels a few of each would give.
        LabeledExample<string>[] all = [.. youtube.Valid!.Texts.Select((t, i) => new LabeledExample<string>(t!, youtube.Valid.GoldLabels[i]))];
        LabeledExample<string>[] seed = [.. all.Where(e => e.Label == 0).Take(seedLabels / 2), .. all.Where(e => e.Label == 1).Take(seedLabels / 2)];
        var generator = new HashedWordsEmbeddingGenerator();
        ConceptScores<string> scores = await ConceptScores<string>.CreateAsync(train, seed, 2, generator, generator, null, CancellationToken.None);
        var request = new SynthesisRequest<string>(youtube.Task) { Examples = seed, UnlabeledSample = train, ProgramCount = 10, Concepts = scores };
        var synthesizer = new OfflineProgramSynthesizer();

        List<LabelingProgram> programs = await synthesizer.SynthesizeAsync(request).ToListAsync();
        IReadOnlyList<Heuristic> heuristics = synthesizer.Mine(request, t => t, CancellationToken.None);

        // Without concept scores, these seed labels are too few for any heuristic.
        Assert.Empty(await synthesizer.SynthesizeAsync(new SynthesisRequest<string>(youtube.Task) { Examples = seed, UnlabeledSample = train, ProgramCount = 10 }).ToListAsync());
        Assert.NotEmpty(programs);
        Assert.All(programs, p => Assert.Contains("public static int Label(string item, Concepts concepts)", p.Source, StringComparison.Ordinal));
        Assert.Contains("spam", scores.Table.Phrases);
        Assert.Contains("ham", scores.Table.Phrases);

        IReadOnlyList<ILabelingFunction<string>> functions = SandboxProgramCompiler.Compile<string>(programs);
        for (int p = 0; p < programs.Count; p++)
        {
            var function = (SandboxedLabelingFunction<string>)functions[p];
            Heuristic heuristic = heuristics[p];
            int[] votes = [.. seed.Select(e => function.Apply(e.Item, scores.For(e.Item)))];
            Assert.Equal(heuristic.Support, votes.Count(v => v >= 0));
            Assert.Equal(heuristic.Correct, votes.Where((v, i) => v >= 0 && v == seed[i].Label).Count());
            Assert.All(votes, v => Assert.True(v == -1 || v == heuristic.Label));
        }
    }

    [Fact]
    public async Task TenSeedLabelsWithTwoOfAClass_AClearConceptStillYieldsAKeptProgramForIt()
    {
        // Two spam seed items of ten: too few for any condition to be shown precise from the seed items alone (a
        // bound needs five flawless), but the phrase "spam" is close to every spam text and to no other, and its
        // coverage of the unlabeled items agrees with the class's share.
        (LabelingTask task, string[] unlabeled, LabeledExample<string>[] seed) = SpamTask(spamShare: 0.15, spamSeeds: 2, seedLabels: 10);
        (OfflineProgramSynthesizer synthesizer, SynthesisRequest<string> request) = await RequestAsync(task, unlabeled, seed);

        IReadOnlyList<Heuristic> heuristics = synthesizer.Mine(request, t => t, CancellationToken.None);
        List<LabelingProgram> programs = await synthesizer.SynthesizeAsync(request).ToListAsync();

        Heuristic[] spam = [.. heuristics.Where(h => h.Label == 1)];
        Assert.NotEmpty(spam);
        // With the rule off, the two spam items are too few for any spam program.
        Assert.DoesNotContain(new OfflineProgramSynthesizer(new OfflineSynthesizerOptions { EstimateFewSeedConcepts = false }).Mine(request, t => t, CancellationToken.None), h => h.Label == 1);
        ConceptScores<string> scores = request.Concepts!;
        IReadOnlyList<ILabelingFunction<string>> functions = SandboxProgramCompiler.Compile<string>(programs);
        int spamVotes = 0;
        foreach (Heuristic heuristic in spam)
        {
            Assert.True(heuristic.Condition.UsesConcepts && heuristic.BoundByCoverage, heuristic.Evidence);
            Assert.Equal(2, heuristic.Correct);
            // Estimated, not proven: at most the smoothed precision of the two seed items it holds on, 3/4.
            Assert.InRange(heuristic.LowerBound, 0.6, 0.75 + 1e-12);

            // Applied to the unlabeled items, the kept spam program votes spam on spam texts only.
            var function = (SandboxedLabelingFunction<string>)functions[heuristics.ToList().IndexOf(heuristic)];
            int[] votes = [.. unlabeled.Select(t => function.Apply(t, scores.For(t)))];
            Assert.All(unlabeled.Where((t, i) => votes[i] == 1), t => Assert.StartsWith("spam ", t, StringComparison.Ordinal));
            spamVotes = Math.Max(spamVotes, votes.Count(v => v == 1));
        }

        // And one of them (the phrase "spam" against "ham") finds most of the 150 spam texts.
        Assert.True(spamVotes >= 100, $"The kept spam programs vote spam on at most {spamVotes} of the 150 spam texts.");

        Assert.Contains(programs, p => p.Provenance.Description!.Contains("estimated from the class's share", StringComparison.Ordinal) && p.Name.EndsWith("-spam", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0.03)]
    [InlineData(0.10)]
    public async Task TenSeedLabelsWithOneOfAClass_NoProgramOfThatClassClaimsMoreThanOneItemCanShow(double spamShare)
    {
        // One spam seed item: its class's prototype is empty for it (leave-one-out), and a threshold at its value is
        // expected to hold on half the class, not all of it. A program for spam may be kept when the condition is narrow
        // (3% of the unlabeled items), but its precision is given as at most 2/3 (one item, smoothed); when the condition is
        // as wide as the class's seed share (10%), half the class over the share is 0.5, below the floor: none is kept.
        (LabelingTask task, string[] unlabeled, LabeledExample<string>[] seed) = SpamTask(spamShare, spamSeeds: 1, seedLabels: 10);
        (OfflineProgramSynthesizer synthesizer, SynthesisRequest<string> request) = await RequestAsync(task, unlabeled, seed);

        IReadOnlyList<Heuristic> spam = [.. synthesizer.Mine(request, t => t, CancellationToken.None).Where(h => h.Label == 1)];

        Assert.All(spam, h => Assert.True(h.LowerBound <= (2.0 / 3) + 1e-12, $"{h.Condition.Describe()}: {h.Evidence}"));
        if (spamShare < 0.05)
        {
            Heuristic kept = Assert.Single(spam);
            Assert.True(kept.BoundByCoverage);
            Assert.Equal(2.0 / 3, kept.LowerBound, 9);
        }
        else
        {
            Assert.Empty(spam);
        }
    }

    private static async Task<(OfflineProgramSynthesizer Synthesizer, SynthesisRequest<string> Request)> RequestAsync(LabelingTask task, string[] unlabeled, LabeledExample<string>[] seed)
    {
        var generator = new HashedWordsEmbeddingGenerator();
        ConceptScores<string> scores = await ConceptScores<string>.CreateAsync(unlabeled, seed, 2, generator, generator, null, CancellationToken.None);
        await scores.AddPhrasesAsync(ConceptFeatures.ZeroShotPhrases(task).SelectMany(p => p), CancellationToken.None);
        return (new OfflineProgramSynthesizer(new OfflineSynthesizerOptions { EstimateFewSeedConcepts = true, FewSeedSmallClassesOnly = false, FewSeedHeldOutCheck = false }), new SynthesisRequest<string>(task) { Examples = seed, UnlabeledSample = unlabeled, ProgramCount = 10, Concepts = scores });
    }

    /// <summary>
    /// A spam task in the hashed-words space: a spam text is "spam" and three spam words, a ham text four ham words,
    /// the words chosen so that no two of a spam text share a hash bucket and no ham word shares one with "spam". So
    /// every spam text is 0.5 from the phrase "spam", and every ham text 0.
    /// </summary>
    private static (LabelingTask Task, string[] Unlabeled, LabeledExample<string>[] Seed) SpamTask(double spamShare, int spamSeeds, int seedLabels)
    {
        static int Bucket(string word) => Array.FindIndex(HashedWordsEmbeddingGenerator.Embed(word), v => v > 0);
        var taken = new HashSet<int> { Bucket("spam"), Bucket("ham") };
        List<string> spamWords = [];
        List<string> hamWords = [];
        for (int i = 0; spamWords.Count < 8 || hamWords.Count < 20; i++)
        {
            string word = "w" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            int bucket = Bucket(word);
            if (spamWords.Count < 8 && taken.Add(bucket))
            {
                spamWords.Add(word);
            }
            else if (hamWords.Count < 20 && !taken.Contains(bucket))
            {
                hamWords.Add(word);
            }
        }

        const int count = 1_000;
        int spamCount = (int)Math.Round(count * spamShare);
        var random = new Random(5);
        string Spam()
        {
            string[] words = [.. spamWords];
            random.Shuffle(words);
            return "spam " + string.Join(' ', words.Take(3));
        }


        string Ham() => string.Join(' ', random.GetItems(hamWords.ToArray(), 4));
        string[] unlabeled = [.. Enumerable.Range(0, count).Select(i => i < spamCount ? Spam() : Ham())];
        LabeledExample<string>[] seed = [.. Enumerable.Range(0, seedLabels).Select(i => i < spamSeeds ? new LabeledExample<string>(Spam(), 1) : new LabeledExample<string>(Ham(), 0))];
        var task = new LabelingTask("sms-spam", "Text message spam classification. Is a message spam?", ["ham", "spam"]);
        return (task, unlabeled, seed);
    }
}
