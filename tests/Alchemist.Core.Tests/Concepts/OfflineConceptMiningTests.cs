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
}
