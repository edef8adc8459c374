using Alchemist.TestItems;
using Alchemist.Tests.Sandbox;

namespace Alchemist.Tests.Pipeline;

/// <summary>
/// Any item type a host has: records and classes in the global namespace (an app with top-level statements), nested
/// types, generic types, types from another assembly; in worker processes and in this process. A synthesized program
/// written as the prompt names the type compiles and labels; one that does not compile against the type is in the
/// run's dropped list with the compiler's message.
/// </summary>
public class HostItemTypeTests
{
    public static TheoryData<string, ProgramIsolation> Cases()
    {
        var data = new TheoryData<string, ProgramIsolation>();
        foreach (string type in new[] { "global record", "global class", "nested", "generic", "generic of a host type", "other assembly", "other assembly, global" })
        {
            data.Add(type, ProgramIsolation.WorkerProcesses);
            data.Add(type, ProgramIsolation.InProcess);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public Task RunAsync_HostItemType_CompilesLabelsAndReportsCompileErrors(string type, ProgramIsolation isolation) => type switch
    {
        "global record" => RunAsync(isolation, i => new GlobalComment(Text(i), i % 10), "Likes"),
        "global class" => RunAsync(isolation, i => new GlobalPost { Text = Text(i), Likes = i % 10 }, "Likes"),
        "nested" => RunAsync(isolation, i => new Inbox.Message(Text(i), i % 10), "Likes"),
        "generic" => RunAsync(isolation, i => new Envelope<string>(Text(i), i % 10, "payload"), "Likes"),
        "generic of a host type" => RunAsync(isolation, i => new Envelope<TicketChannel>(Text(i), i % 10, TicketChannel.Chat), "Likes"),
        "other assembly" => RunAsync(isolation, i => new Review(Text(i), i % 10), "Stars"),
        "other assembly, global" => RunAsync(isolation, i => new GlobalReview(Text(i), i % 10), "Stars"),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    private static string Text(int i) => i % 3 == 0 ? $"bad item {i}" : $"fine item {i}";

    private static async Task RunAsync<TItem>(ProgramIsolation isolation, Func<int, TItem> create, string number)
        where TItem : notnull
    {
        // The type's name as the chat prompt gives it to the model.
        string typeName = ItemTypeDescription.For<TItem>().TypeName;
        string good = $$"""
            public static class Counts
            {
                public static int Label({{typeName}} item) => item.{{number}} > 5 ? 1 : item.Text.Contains("bad") ? 0 : -1;
            }
            """;
        string broken = $$"""
            public static class Broken
            {
                public static int Label({{typeName}} item) => item.NoSuchMember > 5 ? 1 : -1;
            }
            """;
        TItem[] items = [.. Enumerable.Range(0, 60).Select(create)];
        var job = new LabelingJob<TItem>(new LabelingTask("host-type", "Is the item good?", ["bad", "good"]), items)
        {
            SeedSet = [.. Enumerable.Range(100, 20).Select(i => new LabeledExample<TItem>(create(i), i % 10 > 5 ? 1 : 0))],
            EndModel = new LogisticRegressionEndModel<TItem>(item => item.ToString()),
        };
        var pipeline = new LabelingPipeline(
            [new PipelineTestData.FixedSynthesizer(("a-counts", good), ("b-broken", broken))],
            new LabelingPipelineOptions
            {
                LabelModel = "majority",
                Isolation = isolation,
                Workers = new WorkerProcessOptions { WorkerCount = 1 },
                SeedModelVoter = false,
                ScoreSeedOnlyBaseline = false,
                DirectLabelingModel = null,
                FeedbackRounds = 0,
            },
            new ProgramCompiler(SandboxTestPrograms.Options),
            gate: null,
            applier: null,
            catalog: null,
            ledger: null,
            estimator: null,
            services: null);

        LabelingRun run = await pipeline.RunAsync(job);

        ProgramOutcome counts = Assert.Single(run.Programs, p => p.Name == "a-counts");
        Assert.True(counts.Kept, counts.DropMessage + string.Join("\n", counts.Problems));
        Assert.Equal(["a-counts"], run.Matrix.FunctionNames);
        for (int i = 0; i < items.Length; i++)
        {
            Assert.Equal(i % 10 > 5 ? 1 : i % 3 == 0 ? 0 : -1, run.Matrix[i, 0]);
        }

        ProgramOutcome brokenOutcome = Assert.Single(run.Programs, p => p.Name == "b-broken");
        Assert.False(brokenOutcome.Kept);
        Assert.Equal(GateDropReason.CompileFailed, brokenOutcome.DropReason);
        Assert.Contains("NoSuchMember", brokenOutcome.DropMessage, StringComparison.Ordinal);
        Assert.Contains(brokenOutcome.Problems, p => p.Contains("CS1061", StringComparison.Ordinal));
    }
}
