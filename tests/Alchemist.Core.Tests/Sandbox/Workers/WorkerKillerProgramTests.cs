using Alchemist.Tests.Shared;
using static Alchemist.Tests.Sandbox.Workers.WorkerTestPrograms;

namespace Alchemist.Tests.Sandbox.Workers;

/// <summary>
/// The second wall on its own: programs that overflow the stack, allocate without bound or hang, compiled with the
/// first wall's checks and budget rewrite turned off (the internal, test-only <see cref="WorkerHostOptions.UncheckedProgramsForTests"/>),
/// kill or exhaust their worker processes; the run goes on, they are quarantined with the reasons, and the other
/// programs' votes are exactly those of a run without them.
/// </summary>
public class WorkerKillerProgramTests
{
    /// <summary>Recursion with no base case: the stack overflows, which .NET cannot catch; the process ends.</summary>
    private const string Overflows = "public static class P { private static int Deep(int n) => Deep(n + 1) + 1; public static int Label(string t) => t.Length >= 0 ? Deep(0) : -1; }";

    /// <summary>Allocation without bound: the GC heap reaches the worker's hard limit.</summary>
    private const string Allocates = "public static class P { public static int Label(string t) { var all = new List<string>(); while (true) { all.Add(new string('x', 1 << 20)); } } }";

    /// <summary>A loop that never ends, with nothing to charge it: the worker's watchdog stops it after the call timeout.</summary>
    private const string Hangs = "public static class P { public static int Label(string t) { long n = 0; while (t.Length >= 0) { n++; } return (int)n; } }";

    private static readonly WrenchDataset YouTube = TestData.Load("youtube");
    private static readonly string[] Texts = [.. YouTube.Train.Texts.Select(t => t!)];
    private static readonly string[] Sample = [.. Texts.Take(400)];
    private static readonly LabeledExample<string>[] Dev = [.. YouTube.Valid!.Texts.Select((t, i) => new LabeledExample<string>(t!, YouTube.Valid.GoldLabels[i]))];

    /// <summary>The benign programs, named so that the killers sit between them in the gate's (name) order.</summary>
    private static readonly Dictionary<string, string> Benign = new()
    {
        ["a-link"] = Strings["a-link"],
        ["c-subscribe"] = Strings["b-subscribe"],
        ["e-song"] = Strings["d-song"],
        ["g-throws-on-tens"] = Strings["e-throws-on-tens"],
        ["h-short"] = Strings["c-short"],
    };

    private static readonly Dictionary<string, string> Killers = new()
    {
        ["b-overflows"] = Overflows,
        ["d-allocates"] = Allocates,
        ["f-hangs"] = Hangs,
    };

    [Fact]
    public void GateAndApply_KillersAreQuarantinedWithReasons_AndTheOthersVoteAsWithoutThem()
    {
        var applier = new LabelingFunctionApplier(new LabelingApplierOptions { QuarantineFaultRate = 0.5 });
        var gate = new ProgramGate(new ProgramCompiler(Options), applier: applier);

        // The run without the killers: the first wall, in this process.
        using ProgramGateResult<string> withoutGate = gate.Evaluate(Programs(Benign), SpamTask, Sample, Dev);
        LabelingResult without = applier.Apply(Texts, withoutGate.Functions, 2);

        // The run with them: unchecked programs in workers with a 256 MiB heap and a 3 s call timeout.
        using var host = new WorkerProgramHost(new WorkerHostOptions
        {
            Sandbox = Options.Snapshot(),
            WorkerCount = 2,
            MemoryLimitBytes = 256L * 1024 * 1024,
            CallTimeout = TimeSpan.FromSeconds(3),
            UncheckedProgramsForTests = true,
        });
        using ProgramGateResult<string> withGate = gate.WithCompiler(new WorkerGateCompiler(host))
            .Evaluate([.. Programs(Benign), .. Programs(Killers)], SpamTask, Sample, Dev);
        LabelingResult with = applier.Apply(Texts, withGate.Functions, 2);

        // The three are dropped by the gate, each with what it did to its worker, and quarantined by the host.
        DroppedProgram overflows = withGate.Dropped.Single(d => d.Program.Name == "b-overflows");
        DroppedProgram allocates = withGate.Dropped.Single(d => d.Program.Name == "d-allocates");
        DroppedProgram hangs = withGate.Dropped.Single(d => d.Program.Name == "f-hangs");
        Assert.All([overflows, allocates, hangs], d => Assert.Equal(GateDropReason.TooManyFaults, d.Reason));
        Assert.All([overflows, allocates, hangs], d => Assert.Contains("First fault: Quarantined on item 0: ", d.Message, StringComparison.Ordinal));
        Assert.Contains("Its worker process died while it labeled items", overflows.Message, StringComparison.Ordinal);
        Assert.Contains("Stack overflow", overflows.Message, StringComparison.Ordinal);
        Assert.Contains("It exhausted its worker process's memory limit (256 MiB GC heap", allocates.Message, StringComparison.Ordinal);
        Assert.Contains("OutOfMemoryException", allocates.Message, StringComparison.Ordinal);
        Assert.Contains("It ran longer than the call timeout (3 s)", hangs.Message, StringComparison.Ordinal);
        Assert.All([overflows, allocates, hangs], d => Assert.Contains("alone in a fresh worker process", d.Message, StringComparison.Ordinal));
        Assert.Equal(["b-overflows", "d-allocates", "f-hangs"], host.Quarantined.Select(q => q.ProgramName).Order(StringComparer.Ordinal));

        // The others: the same gate decisions, and byte-identical votes and faults on every item.
        Assert.Equal(withoutGate.Kept.Select(k => k.Program.Name), withGate.Kept.Select(k => k.Program.Name));
        Assert.Equal(
            withoutGate.Dropped.Select(d => (d.Program.Name, d.Reason, d.Message)),
            withGate.Dropped.Where(d => !Killers.ContainsKey(d.Program.Name)).Select(d => (d.Program.Name, d.Reason, d.Message)));
        Assert.Equal(withoutGate.Kept.Select(k => Figures(k.Metrics)), withGate.Kept.Select(k => Figures(k.Metrics)));
        Assert.Equal(without.Matrix.FunctionNames, with.Matrix.FunctionNames);
        Assert.True(without.Matrix.FunctionCount >= 3, "Most benign programs should be kept.");
        Assert.Equal(VoteBytes(without.Matrix), VoteBytes(with.Matrix));
        Assert.Equal(without.Faults, with.Faults);
    }

    [Fact]
    public void Apply_ProgramThatKillsItsWorkerMidway_IsQuarantinedFromThatChunkOn_AndTheOthersAreUnchanged()
    {
        // It votes like b-subscribe, but overflows the stack on one item of the second chunk (item 500).
        const string Marker = "overflow here";
        const string LateOverflow = "public static class P { private static int Deep(int n) => Deep(n + 1) + 1; " +
            "public static int Label(string t) => t == \"" + Marker + "\" ? Deep(0) : t.Contains(\"subscribe\", StringComparison.OrdinalIgnoreCase) ? 1 : -1; }";
        Dictionary<string, string> sources = new(Benign) { ["b-overflows-late"] = LateOverflow };
        string[] items = [.. Texts.Take(1200).Select((t, i) => i == 500 ? Marker : t)];
        var applier = new LabelingFunctionApplier(new LabelingApplierOptions { ChunkSize = 400 });

        using var host = new WorkerProgramHost(HostOptions(uncheckedPrograms: true));
        var inWorkers = Programs(sources).Select(p => host.Compile<string>(p, CancellationToken.None)).ToList();
        var compiler = new ProgramCompiler(Options);
        var inProcess = Programs(sources).Select(p => compiler.Compile<string>(p)).ToList();
        try
        {
            LabelingResult expected = applier.Apply(items, [.. inProcess.Select(c => (ILabelingFunction<string>)c.Function!)], 2);
            LabelingResult actual = applier.Apply(items, [.. inWorkers.Select(c => (ILabelingFunction<string>)c.Function!)], 2);

            int killer = Array.IndexOf(actual.Matrix.FunctionNames.ToArray(), "b-overflows-late");
            for (int j = 0; j < actual.Matrix.FunctionCount; j++)
            {
                if (j != killer)
                {
                    Assert.Equal(expected.Matrix.GetColumn(j), actual.Matrix.GetColumn(j));
                    Assert.Equal(expected.Faults[j], actual.Faults[j]);
                }
            }

            // The first chunk's votes stand; from the chunk it died in, it abstains.
            sbyte[] votes = actual.Matrix.GetColumn(killer);
            Assert.Equal(expected.Matrix.GetColumn(killer)[..400], votes[..400]);
            Assert.All(votes[400..], v => Assert.Equal(Label.Abstain, v));
            LabelingFunctionFaults faults = actual.Faults[killer];
            Assert.True(faults.Quarantined);
            Assert.Equal((800L, 400L), (faults.ItemsSeen, faults.Exceptions));
            Assert.StartsWith("Quarantined on item 400: Its worker process died while it labeled items 400 to 599: Stack overflow", faults.FirstError, StringComparison.Ordinal);
            Assert.Equal("b-overflows-late", Assert.Single(host.Quarantined).ProgramName);
        }
        finally
        {
            inWorkers.ForEach(c => c.Dispose());
            inProcess.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public void Apply_ProgramThatDiesOnlyAfterAnotherOne_IsClearedAloneInAFreshWorker_AndKeepsItsVotes()
    {
        // "a-poisons" leaves a mark in its worker process (an unchecked program can); "b-dies-if-poisoned" overflows the
        // stack when it finds it. b dies in the shared worker, runs alone in a fresh one without dying, and is not to blame.
        Dictionary<string, string> sources = new()
        {
            ["a-poisons"] = "public static class P { public static int Label(string t) { AppContext.SetData(\"poison\", \"yes\"); return t.Length > 40 ? 1 : -1; } }",
            ["b-dies-if-poisoned"] = "public static class P { private static int Deep(int n) => Deep(n + 1) + 1; " +
                "public static int Label(string t) => AppContext.GetData(\"poison\") is string ? Deep(0) : t.Length < 20 ? 0 : -1; }",
            ["c-link"] = Strings["a-link"],
        };
        string[] items = [.. Texts.Take(300)];

        using var host = new WorkerProgramHost(HostOptions(uncheckedPrograms: true, workers: 1));
        var compilations = Programs(sources).Select(p => host.Compile<string>(p, CancellationToken.None)).ToList();
        try
        {
            LabelingResult result = new LabelingFunctionApplier().Apply(items, [.. compilations.Select(c => (ILabelingFunction<string>)c.Function!)], 2);

            Assert.Empty(host.Quarantined);
            Assert.All(result.Faults, f => Assert.Equal((0L, false), (f.Total, f.Quarantined)));
            Assert.Equal(items.Select(t => (sbyte)(t.Length < 20 ? 0 : -1)), result.Matrix.GetColumn(1));
            Assert.Equal(items.Select(t => (sbyte)(t.Length > 40 ? 1 : -1)), result.Matrix.GetColumn(0));
        }
        finally
        {
            compilations.ForEach(c => c.Dispose());
        }
    }

    private static string Figures(ProgramGateMetrics m) =>
        $"{m.SampleItems} {m.SampleVotes} {m.SampleFaults} {m.FirstFault} [{string.Join(",", m.VotedClasses)}] {m.DevItems} {m.DevVotes} {m.DevCorrect}";

    private static byte[] VoteBytes(LabelMatrix matrix)
    {
        var bytes = new byte[matrix.ItemCount * matrix.FunctionCount];
        for (int i = 0; i < matrix.ItemCount; i++)
        {
            for (int j = 0; j < matrix.FunctionCount; j++)
            {
                bytes[(i * matrix.FunctionCount) + j] = unchecked((byte)matrix[i, j]);
            }
        }

        return bytes;
    }
}
