using Alchemist.TestItems;
using Alchemist.Tests.Pipeline;

namespace Alchemist.Tests.ConceptPrograms;

/// <summary>A run with an embedding generator computes its concept scores once and hands each concept program its item's row, in process and in worker processes alike.</summary>
public class ConceptPipelineTests
{
    internal const string ChannelProgram = """
        public static class Channel
        {
            public static int Label(string item, Concepts concepts) => concepts["check out my channel and subscribe"] >= 0.3 ? 1 : -1;
        }
        """;

    internal const string SongProgram = """
        public static class Song
        {
            public static int Label(string item, Concepts concepts) => concepts.Prototype(0) >= concepts.Prototype(1) + 0.1 ? 0 : -1;
        }
        """;

    private const string PlainProgram = """
        public static class Plain
        {
            public static int Label(string item) => item.Contains("http", System.StringComparison.Ordinal) ? 1 : -1;
        }
        """;

    [Fact]
    public async Task InProcessAndWorkers_SameVotesFaultsAndDecisions()
    {
        LabelingRun<string> inProcess = await RunAsync(ProgramIsolation.InProcess);
        LabelingRun<string> workers = await RunAsync(ProgramIsolation.WorkerProcesses);

        Assert.Equal(3, inProcess.KeptCount);
        Assert.Equal(inProcess.Programs.Select(p => (p.Program.Name, p.Kept, p.DropReason)), workers.Programs.Select(p => (p.Program.Name, p.Kept, p.DropReason)));
        Assert.Equal(inProcess.Matrix.FunctionNames, workers.Matrix.FunctionNames);
        for (int f = 0; f < inProcess.Matrix.FunctionCount; f++)
        {
            Assert.Equal(inProcess.Matrix.GetColumn(f), workers.Matrix.GetColumn(f));
        }

        Assert.Equal(inProcess.Analysis.Functions.Select(s => s.Coverage), workers.Analysis.Functions.Select(s => s.Coverage));
        ConceptScoresSummary concepts = Assert.IsType<ConceptScoresSummary>(inProcess.Concepts);
        Assert.Equal(["check out my channel and subscribe"], concepts.Phrases);
        Assert.Equal(2, concepts.Prototypes);
        Assert.Equal("hashed-words-64", concepts.ModelId);
        int distinct = PipelineTestData.YouTubeJob().SeedSet.Select(e => e.Item).Concat(RunIsolationTests.SmallJob("c").Items).Distinct().Count();
        Assert.Equal(distinct, concepts.Items);

        // Embedding is a stage of its own, the first.
        Assert.Equal(PipelineStage.Embed, inProcess.Timings[0].Stage);
        Assert.Single(inProcess.Timings, t => t.Stage == PipelineStage.Embed);
    }

    [Theory]
    [InlineData(ProgramIsolation.InProcess)]
    [InlineData(ProgramIsolation.WorkerProcesses)]
    public async Task NoEmbeddingGenerator_ConceptProgramDroppedSayingWhatToConfigure(ProgramIsolation isolation)
    {
        var pipeline = new LabelingPipeline([], new LabelingPipelineOptions { Isolation = isolation, ScoreSeedOnlyBaseline = false });
        LabelingRun<string> run = await pipeline.RunAsync(Job([ChannelProgram, PlainProgram]));

        ProgramOutcome channel = Assert.Single(run.Programs, p => p.Program.Name == "p0");
        Assert.False(channel.Kept);
        Assert.Equal(GateDropReason.SandboxRejected, channel.DropReason);
        Assert.Contains("LabelingPipelineOptions.EmbeddingGenerator", string.Join("\n", channel.Problems), StringComparison.Ordinal);
        Assert.Contains("--embeddings minilm", string.Join("\n", channel.Problems), StringComparison.Ordinal);
        Assert.True(Assert.Single(run.Programs, p => p.Program.Name == "p1").Kept);
        Assert.Null(run.Concepts);
        Assert.DoesNotContain(run.Timings, t => t.Stage == PipelineStage.Embed);
    }

    [Theory]
    [InlineData(ProgramIsolation.InProcess)]
    [InlineData(ProgramIsolation.WorkerProcesses)]
    public async Task RecordItems_EmbeddedByTheHostsItemGenerator_PhrasesByTheTextGenerator(ProgramIsolation isolation)
    {
        const string source = """
            public static class Praise
            {
                public static int Label(Review item, Concepts concepts) => concepts["great product love it"] >= 0.3 ? 1 : concepts.Prototype(0) > 0.5 ? 0 : -1;
            }
            """;
        Review[] reviews = [.. Enumerable.Range(0, 60).Select(i => new Review(i % 2 == 0 ? "great product, I love it" : "broken on arrival, refund please", i))];
        var text = new HashedWordsEmbeddingGenerator();
        var items = new ReviewEmbeddingGenerator();
        var pipeline = new LabelingPipeline([], new LabelingPipelineOptions { Isolation = isolation, EmbeddingGenerator = text, ScoreSeedOnlyBaseline = false, SeedModelVoter = false });
        var job = new LabelingJob<Review>(new LabelingTask("reviews", "Is the review negative (0) or positive (1)?", ["negative", "positive"]), reviews)
        {
            SeedSet = [.. reviews.Take(20).Select((r, i) => new LabeledExample<Review>(r, i % 2 == 0 ? 1 : 0))],
            Programs = [new LabelingProgram("praise", source, new ProgramProvenance { Synthesizer = "test" })],
            EndModel = new LogisticRegressionEndModel<Review>(r => r.Text),
            ItemEmbeddingGenerator = items,
        };

        LabelingRun<Review> run = await pipeline.RunAsync(job);

        Assert.True(run.Programs[0].Kept, string.Join("\n", run.Programs[0].Problems));
        // Embedded once: the final check's fold runs (EndModelChoiceMode.Auto) take the run's vectors and phrase columns.
        Assert.NotNull(run.EndModelChoice);
        Assert.Equal(60, items.Embedded);
        Assert.Equal(1, text.Embedded);
        int[] votes = [.. Enumerable.Range(0, reviews.Length).Select(i => run.Matrix[i, 0])];
        Assert.Equal(Enumerable.Range(0, 60).Select(i => i % 2 == 0 ? 1 : 0), votes);
    }

    [Fact]
    public async Task RecordItems_WithoutAnItemGenerator_WarnAndDropTheConceptProgram()
    {
        var pipeline = new LabelingPipeline([], new LabelingPipelineOptions { Isolation = ProgramIsolation.InProcess, EmbeddingGenerator = new HashedWordsEmbeddingGenerator(), ScoreSeedOnlyBaseline = false });
        Review[] reviews = [.. Enumerable.Range(0, 20).Select(i => new Review($"text {i}", i))];
        var job = new LabelingJob<Review>(new LabelingTask("reviews", "Sentiment.", ["negative", "positive"]), reviews)
        {
            SeedSet = [.. reviews.Select((r, i) => new LabeledExample<Review>(r, i % 2))],
            Programs = [new LabelingProgram("c", "public static class C { public static int Label(Review item, Concepts concepts) => concepts[\"x\"] > 0 ? 1 : -1; }", new ProgramProvenance { Synthesizer = "test" })],
            EndModel = new LogisticRegressionEndModel<Review>(r => r.Text),
        };

        LabelingRun<Review> run = await pipeline.RunAsync(job);

        Assert.Contains(run.Warnings, w => w.Contains("IEmbeddingGenerator<Review, Embedding<float>>", StringComparison.Ordinal));
        Assert.False(run.Programs[0].Kept);
    }

    [Fact]
    public async Task LabelingBackend_GetsThePlainProgramsOnly_ConceptProgramsStayWithTheRunAndTheVotesAreTheSame()
    {
        LabelingRun<string> plain = await RunAsync(ProgramIsolation.InProcess);
        var backend = new InProcessBackend();
        var pipeline = new LabelingPipeline([], new LabelingPipelineOptions
        {
            Isolation = ProgramIsolation.InProcess,
            EmbeddingGenerator = new HashedWordsEmbeddingGenerator(),
            ScoreSeedOnlyBaseline = false,
        });
        LabelingJob<string> job = Job([ChannelProgram, SongProgram, PlainProgram]);
        LabelingRun<string> delegated = await pipeline.RunAsync(new LabelingJob<string>(job.Task, job.Items) { SeedSet = job.SeedSet, Programs = job.Programs, LabelingBackend = backend });

        // The backend cannot give concept programs their scores, so only the plain program went to it: once for the run
        // and once for each fold run of the final check (EndModelChoiceMode.Auto: the job brings its programs).
        Assert.Equal(["p2"], backend.Received.Distinct());
        Assert.Equal(1 + EndModelCrossValidation.FoldCount, backend.Received.Count);
        Assert.NotNull(delegated.EndModelChoice);
        Assert.Equal(plain.Matrix.FunctionNames, delegated.Matrix.FunctionNames);
        for (int f = 0; f < plain.Matrix.FunctionCount; f++)
        {
            Assert.Equal(plain.Matrix.GetColumn(f), delegated.Matrix.GetColumn(f));
        }

        Assert.Equal(plain.Labels, delegated.Labels);
    }

    /// <summary>A labeling backend that compiles what it receives in this process and applies it, recording the programs' names.</summary>
    private sealed class InProcessBackend : ILabelingBackend
    {
        public List<string> Received { get; } = [];

        public Task<LabelingResult> ApplyAsync<TItem>(IReadOnlyList<LabelingProgram> programs, IReadOnlyList<TItem> items, int classCount, IProgress<LabelingProgress>? progress, CancellationToken cancellationToken = default)
        {
            Received.AddRange(programs.Select(p => p.Name));
            var compiler = new ProgramCompiler();
            ProgramCompilation<TItem>[] compiled = [.. programs.Select(p => compiler.Compile<TItem>(p))];
            try
            {
                ILabelingFunction<TItem>[] functions = [.. compiled.Select(c => (ILabelingFunction<TItem>)c.Function!)];
                return Task.FromResult(new LabelingFunctionApplier().Apply(items, functions, classCount, progress, cancellationToken));
            }
            finally
            {
                foreach (ProgramCompilation<TItem> compilation in compiled)
                {
                    compilation.Dispose();
                }
            }
        }
    }

    private static LabelingJob<string> Job(string[] sources)
    {
        LabelingJob<string> small = RunIsolationTests.SmallJob("concepts");
        return new LabelingJob<string>(small.Task, small.Items)
        {
            SeedSet = small.SeedSet,
            Programs = [.. sources.Select((s, i) => new LabelingProgram("p" + i, s, new ProgramProvenance { Synthesizer = "test" }))],
        };
    }

    private static Task<LabelingRun<string>> RunAsync(ProgramIsolation isolation)
    {
        var pipeline = new LabelingPipeline([], new LabelingPipelineOptions
        {
            Isolation = isolation,
            EmbeddingGenerator = new HashedWordsEmbeddingGenerator(),
            ScoreSeedOnlyBaseline = false,
        });
        return pipeline.RunAsync(Job([ChannelProgram, SongProgram, PlainProgram]));
    }
}
