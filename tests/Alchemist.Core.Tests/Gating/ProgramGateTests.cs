namespace Alchemist.Tests.Gating;

public class ProgramGateTests
{
    private static readonly LabelingTask Task = new("spam", "Spam or ham?", ["ham", "spam"]);

    // Ten sample items: 4 with "http", 3 with "love", the rest neutral; items 8 and 9 have "crash".
    private static readonly string[] Sample =
    [
        "http://a.example", "visit http://b.example", "http://c", "see http://d",
        "love it", "love this song", "i love music", "plain", "crash one", "crash two",
    ];

    private static readonly LabeledExample<string>[] Dev =
    [
        new("http://x.example", 1), new("free stuff http://y", 1), new("love this", 0), new("great", 0), new("love http", 1),
    ];

    [Fact]
    public void Evaluate_KeepsGoodProgramsAndExplainsEveryDrop()
    {
        var compiler = new FakeGateCompiler()
            .Add("a-links", s => s.Contains("http", StringComparison.Ordinal) ? 1 : -1)
            .Add("b-love", s => s.Contains("love", StringComparison.Ordinal) && !s.Contains("http", StringComparison.Ordinal) ? 0 : -1)
            .Add("c-links-again", s => s.StartsWith("http", StringComparison.Ordinal) || s.Contains(" http", StringComparison.Ordinal) ? 1 : -1)
            .Add("d-constant", _ => 1)
            .Add("e-silent", _ => -1)
            .Add("f-crashy", s => s.Contains("crash", StringComparison.Ordinal) ? throw new InvalidOperationException("boom") : -1)
            .Add("g-wrong", s => s.Contains("love", StringComparison.Ordinal) ? 1 : -1)
            .Add("h-rare", s => s == "plain" ? 0 : -1)
            .Reject("i-broken", GateDropReason.CompileFailed, "line 3, column 9: [CS0103] The name 'x' does not exist in the current context", "line 4, column 1: [CS1002] ; expected")
            .Reject("j-hostile", GateDropReason.SandboxRejected, "line 5, column 13: [io] 'System.IO.File.ReadAllText' is not allowed in a labeling program");
        var gate = new ProgramGate(compiler, new ProgramGateOptions { MaxFaultRate = 0.1, MinDevAccuracy = 0.6, MinDevCoverage = 0.2 }, null);

        using ProgramGateResult<string> result = gate.Evaluate(compiler.Programs, Task, Sample, Dev);

        Assert.Equal(["a-links", "b-love"], result.Kept.Select(k => k.Program.Name));
        Assert.Equal(["a-links", "b-love"], result.Functions.Select(f => f.Name));
        ProgramGateMetrics links = result.Kept[0].Metrics;
        Assert.Equal((10, 4, 0L, "1"), (links.SampleItems, links.SampleVotes, links.SampleFaults, string.Join(",", links.VotedClasses)));
        Assert.Equal((5, 3, 3), (links.DevItems!.Value, links.DevVotes!.Value, links.DevCorrect!.Value));
        Assert.Equal((0.4, 0.6, 1.0), (links.SampleCoverage, links.DevCoverage!.Value, links.DevAccuracy!.Value));

        Assert.Collection(
            result.Dropped,
            d => AssertDrop(d, "c-links-again", GateDropReason.Duplicate, "Its votes on the 10 sample items are identical to those of the kept program 'a-links'."),
            d => AssertDrop(d, "d-constant", GateDropReason.Constant, "It voted 'spam' (1) on every one of the 10 sample items, so it carries no information."),
            d => AssertDrop(d, "e-silent", GateDropReason.AllAbstain, "It abstained on all 10 sample items."),
            d => AssertDrop(d, "f-crashy", GateDropReason.TooManyFaults, "It faulted on 2 of 10 sample items (20.0%), above the limit of 10.0%. First fault: "),
            d => AssertDrop(d, "g-wrong", GateDropReason.LowDevAccuracy, "It was right on 1 of the 2 dev items it voted on (50.0%), below the floor of 60.0%."),
            d => AssertDrop(d, "h-rare", GateDropReason.LowDevCoverage, "It voted on 0 of 5 dev items (0.0%), below the floor of 20.0%."),
            d =>
            {
                AssertDrop(d, "i-broken", GateDropReason.CompileFailed, "It does not compile: line 3, column 9: [CS0103] The name 'x' does not exist in the current context (and 1 more).");
                Assert.Equal(2, d.Problems.Count);
                Assert.Null(d.Metrics);
            },
            d => AssertDrop(d, "j-hostile", GateDropReason.SandboxRejected, "The sandbox rejected it: line 5, column 13: [io] 'System.IO.File.ReadAllText' is not allowed in a labeling program."));
        Assert.Equal("a-links", result.Dropped[0].DuplicateOf);
        Assert.Contains("InvalidOperationException", result.Dropped[3].Metrics!.FirstFault, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_OrderOfArrival_DoesNotChangeTheOutcome()
    {
        var compiler = new FakeGateCompiler()
            .Add("p1", s => s.Contains("http", StringComparison.Ordinal) ? 1 : -1)
            .Add("p2", s => s.Contains("http", StringComparison.Ordinal) ? 1 : -1)
            .Add("p3", s => s.Contains("love", StringComparison.Ordinal) ? 0 : -1);
        var gate = new ProgramGate(compiler, null, null);

        using ProgramGateResult<string> forward = gate.Evaluate(compiler.Programs, Task, Sample);
        using ProgramGateResult<string> backward = gate.Evaluate(compiler.Programs.Reverse(), Task, Sample);

        Assert.Equal(["p1", "p3"], forward.Kept.Select(k => k.Program.Name));
        Assert.Equal(forward.Kept.Select(k => k.Program.Name), backward.Kept.Select(k => k.Program.Name));
        Assert.Equal(forward.Dropped.Select(d => (d.Program.Name, d.Reason, d.Message)), backward.Dropped.Select(d => (d.Program.Name, d.Reason, d.Message)));
    }

    [Fact]
    public void Evaluate_WithoutDevSet_SkipsTheFloors()
    {
        var compiler = new FakeGateCompiler().Add("rare", s => s == "plain" ? 0 : -1);
        using ProgramGateResult<string> result = new ProgramGate(compiler, new ProgramGateOptions { MinDevCoverage = 0.5 }, null).Evaluate(compiler.Programs, Task, Sample, devSet: []);
        KeptProgram<string> kept = Assert.Single(result.Kept);
        Assert.Null(kept.Metrics.DevCoverage);
        Assert.Null(kept.Metrics.DevAccuracy);
    }

    [Fact]
    public void Evaluate_UnipolarPartialProgram_IsNotConstant()
    {
        // Voting one class on some items and abstaining elsewhere is what most labeling functions do.
        var compiler = new FakeGateCompiler().Add("unipolar", s => s.Contains("http", StringComparison.Ordinal) || s.Contains("love", StringComparison.Ordinal) ? 1 : -1);
        using ProgramGateResult<string> result = new ProgramGate(compiler, null, null).Evaluate(compiler.Programs, Task, Sample);
        Assert.Single(result.Kept);
    }

    [Fact]
    public void Evaluate_InvalidClass_CountsAsAFault()
    {
        var compiler = new FakeGateCompiler().Add("seven", s => s.Contains("http", StringComparison.Ordinal) ? 7 : 0);
        using ProgramGateResult<string> result = new ProgramGate(compiler, null, null).Evaluate(compiler.Programs, Task, Sample);
        DroppedProgram drop = Assert.Single(result.Dropped);
        Assert.Equal(GateDropReason.TooManyFaults, drop.Reason);
        Assert.Equal(4, drop.Metrics!.SampleFaults);
    }

    [Fact]
    public void Evaluate_FaultsUnderTheThreshold_AreKept()
    {
        var compiler = new FakeGateCompiler().Add("almost", s => s == "crash one" ? throw new FormatException() : s.Contains("http", StringComparison.Ordinal) ? 1 : -1);
        using ProgramGateResult<string> result = new ProgramGate(compiler, new ProgramGateOptions { MaxFaultRate = 0.1 }, null).Evaluate(compiler.Programs, Task, Sample);
        Assert.Equal(1, Assert.Single(result.Kept).Metrics.SampleFaults);
    }

    [Fact]
    public void Evaluate_DuplicateNames_SecondIsDropped()
    {
        var compiler = new FakeGateCompiler().Add("same", s => s.Contains("http", StringComparison.Ordinal) ? 1 : -1);
        LabelingProgram other = new("same", "// another source", new ProgramProvenance { Synthesizer = "test" });
        compiler.Map[other.ContentHash] = s => s.Contains("love", StringComparison.Ordinal) ? 0 : -1;
        using ProgramGateResult<string> result = new ProgramGate(compiler, null, null).Evaluate([.. compiler.Programs, other], Task, Sample);
        Assert.Single(result.Kept);
        Assert.Equal(GateDropReason.DuplicateName, Assert.Single(result.Dropped).Reason);
    }

    [Fact]
    public void Evaluate_UnloadsDroppedProgramsAtOnceAndKeptOnesOnDispose()
    {
        var compiler = new FakeGateCompiler()
            .Add("keep", s => s.Contains("http", StringComparison.Ordinal) ? 1 : -1)
            .Add("drop", _ => -1);
        ProgramGateResult<string> result = new ProgramGate(compiler, null, null).Evaluate(compiler.Programs, Task, Sample);

        Assert.Equal(["drop"], compiler.Unloaded);
        result.Dispose();
        Assert.Equal(["drop", "keep"], compiler.Unloaded);
        result.Dispose();
        Assert.Equal(2, compiler.Unloaded.Count);
    }

    [Fact]
    public void Evaluate_Canceled_UnloadsEverything()
    {
        using var cancellation = new CancellationTokenSource();
        var compiler = new FakeGateCompiler()
            .Add("a", s => s.Contains("http", StringComparison.Ordinal) ? 1 : -1)
            .Add("b", s =>
            {
                cancellation.Cancel();
                return -1;
            });

        Assert.ThrowsAny<OperationCanceledException>(() => new ProgramGate(compiler, null, null).Evaluate(compiler.Programs, Task, Sample, cancellationToken: cancellation.Token));
        Assert.Equal(["a", "b"], compiler.Unloaded.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Evaluate_BadArguments_Throw()
    {
        var gate = new ProgramGate(new FakeGateCompiler(), null, null);
        Assert.Throws<ArgumentNullException>("programs", () => gate.Evaluate<string>(null!, Task, Sample));
        Assert.Throws<ArgumentNullException>("task", () => gate.Evaluate([], null!, Sample));
        Assert.Throws<ArgumentNullException>("sample", () => gate.Evaluate<string>([], Task, null!));
        ArgumentException ex = Assert.Throws<ArgumentException>("sample", () => gate.Evaluate<string>([], Task, []));
        Assert.StartsWith("The sample is empty; give the items every program runs on", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_OutOfRange_EachIsNamed()
    {
        var options = new ProgramGateOptions { MaxFaultRate = -0.1, MinDevAccuracy = 2, MinDevCoverage = double.NaN };
        string[] failures = [.. new ProgramGateOptionsValidator().Validate(null, options).Failures!];
        Assert.Equal(3, failures.Length);
        foreach (string member in new[] { "MaxFaultRate", "MinDevAccuracy", "MinDevCoverage" })
        {
            Assert.Single(failures, f => f.Contains(member, StringComparison.Ordinal) && f.Contains("between 0 and 1", StringComparison.Ordinal));
        }

        ArgumentException thrown = Assert.Throws<ArgumentException>("options", () => new ProgramGate(new FakeGateCompiler(), options, null));
        Assert.Contains("MinDevCoverage", thrown.Message, StringComparison.Ordinal);
    }

    private static void AssertDrop(DroppedProgram drop, string name, GateDropReason reason, string messageStart)
    {
        Assert.Equal(name, drop.Program.Name);
        Assert.Equal(reason, drop.Reason);
        Assert.StartsWith(messageStart, drop.Message, StringComparison.Ordinal);
    }
}

/// <summary>A gate compiler over hand-written functions, keyed by program content hash, that records unloads.</summary>
internal sealed class FakeGateCompiler : GateCompiler
{
    private readonly List<LabelingProgram> _programs = [];
    private readonly Dictionary<string, (GateDropReason Reason, string[] Problems)> _rejections = [];

    public Dictionary<string, Func<string, int>> Map { get; } = [];

    public List<string> Unloaded { get; } = [];

    public IReadOnlyList<LabelingProgram> Programs => _programs;

    public FakeGateCompiler Add(string name, Func<string, int> function)
    {
        LabelingProgram program = NewProgram(name);
        Map[program.ContentHash] = function;
        return this;
    }

    public FakeGateCompiler Reject(string name, GateDropReason reason, params string[] problems)
    {
        LabelingProgram program = NewProgram(name);
        _rejections[program.ContentHash] = (reason, problems);
        return this;
    }

    public override GateCompilation<TItem> Compile<TItem>(LabelingProgram program, CancellationToken cancellationToken)
    {
        if (_rejections.TryGetValue(program.ContentHash, out var rejection))
        {
            return GateCompilation<TItem>.Rejected(rejection.Reason, rejection.Problems);
        }

        Func<string, int> function = Map[program.ContentHash];
        var labeling = (ILabelingFunction<TItem>)(object)LabelingFunction.Create<string>(program.Name + "-fn", function);
        return GateCompilation<TItem>.Compiled(labeling, new Unloader(this, program.Name));
    }

    private LabelingProgram NewProgram(string name)
    {
        var program = new LabelingProgram(name, "// " + name, new ProgramProvenance { Synthesizer = "test" });
        _programs.Add(program);
        return program;
    }

    private sealed class Unloader(FakeGateCompiler owner, string name) : IDisposable
    {
        public void Dispose()
        {
            lock (owner.Unloaded)
            {
                owner.Unloaded.Add(name);
            }
        }
    }
}
