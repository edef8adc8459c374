using Alchemist.Tests.Shared;

namespace Alchemist.Tests.Offline;

public class OfflineProgramSynthesizerTests
{
    private static readonly LabelingTask SpamTask = new("spam", "Is the message spam?", ["ham", "spam"]);

    [Theory]
    [InlineData("youtube")]
    [InlineData("sms")]
    [InlineData("trec")]
    public async Task SynthesizeAsync_WrenchDataset_EmittedProgramsVoteExactlyLikeTheirHeuristics(string name)
    {
        WrenchDataset dataset = TestData.Load(name);
        SynthesisRequest<string> request = DevRequest(dataset, programCount: 20);
        var synthesizer = new OfflineProgramSynthesizer();

        List<LabelingProgram> programs = await synthesizer.SynthesizeAsync(request).ToListAsync();
        IReadOnlyList<Heuristic> heuristics = synthesizer.Mine(request, static t => t, CancellationToken.None);
        IReadOnlyList<ILabelingFunction<string>> compiled = SandboxProgramCompiler.Compile<string>(programs);

        Assert.Equal(heuristics.Count, programs.Count);
        Assert.InRange(programs.Count, dataset.Task.ClassCount, 20);
        string[] texts = [.. new[] { dataset.Train, dataset.Valid!, dataset.Test! }.SelectMany(s => s.Texts).Select(t => t ?? string.Empty)];
        TextProfile[] profiles = [.. texts.Select(TextProfile.Create)];
        for (int p = 0; p < programs.Count; p++)
        {
            int disagreements = 0, faults = 0;
            for (int i = 0; i < texts.Length; i++)
            {
                int vote;
                try
                {
                    vote = compiled[p].Apply(texts[i]);
                }
                catch (Exception e) when (e is System.Text.RegularExpressions.RegexMatchTimeoutException or ProgramBudgetExceededException)
                {
                    faults++; // the applier records a fault as an abstain; a regex timeout on a loaded machine is timing, not logic
                    continue;
                }

                disagreements += heuristics[p].Apply(profiles[i]) == vote ? 0 : 1;
            }

            Assert.True(disagreements == 0, $"{programs[p].Name} disagrees with its heuristic on {disagreements} of {texts.Length - faults} texts:\n{programs[p].Source}");
            Assert.True(faults < texts.Length, $"{programs[p].Name} faulted on every text.");
        }
    }

    [Fact]
    public async Task SynthesizeAsync_SameRequestTwice_GivesTheSamePrograms()
    {
        SynthesisRequest<string> request = DevRequest(TestData.Load("youtube"), programCount: 10);
        var synthesizer = new OfflineProgramSynthesizer();

        List<LabelingProgram> first = await synthesizer.SynthesizeAsync(request).ToListAsync();
        List<LabelingProgram> second = await new OfflineProgramSynthesizer().SynthesizeAsync(request).ToListAsync();

        Assert.Equal(first.Select(p => (p.Name, p.Source)), second.Select(p => (p.Name, p.Source)));
    }

    [Fact]
    public async Task SynthesizeAsync_YouTube_KeepsTheCapBalancesTheClassesAndRecordsProvenance()
    {
        var clock = new FixedTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        var synthesizer = new OfflineProgramSynthesizer(timeProvider: clock);

        List<LabelingProgram> programs = await synthesizer.SynthesizeAsync(DevRequest(TestData.Load("youtube"), programCount: 8)).ToListAsync();

        Assert.InRange(programs.Count, 2, 8);
        Assert.Equal(programs.Count, programs.Select(p => p.Name).Distinct().Count());
        Assert.Contains(programs, p => p.Name.EndsWith("-spam", StringComparison.Ordinal));
        Assert.Contains(programs, p => p.Name.EndsWith("-ham", StringComparison.Ordinal));
        Assert.All(programs, p =>
        {
            Assert.Equal("offline", p.Provenance.Synthesizer);
            Assert.Equal(clock.GetUtcNow(), p.Provenance.CreatedAt);
            Assert.StartsWith("Votes ", p.Provenance.Description, StringComparison.Ordinal);
            Assert.Contains("Mined by the offline synthesizer from 120 labeled examples", p.Provenance.Description, StringComparison.Ordinal);
            Assert.Contains("public static int Label(string item)", p.Source, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task SynthesizeAsync_PlantedKeyword_MinesAProgramForIt()
    {
        string[] fillers = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"];
        // Lengths, casing and punctuation are alike in both classes; only the words tell them apart.
        LabeledExample<string>[] examples =
        [
            .. fillers.Select((f, i) => new LabeledExample<string>(i % 2 == 0 ? $"{f} cheap pills" : $"{f} {f} {f} cheap pills today and tomorrow", 1)),
            .. fillers.Select((f, i) => new LabeledExample<string>(i % 2 == 0 ? $"{f} see you" : $"{f} {f} {f} see you at the station tomorrow", 0)),
        ];
        var request = new SynthesisRequest<string>(SpamTask) { Examples = examples, ProgramCount = 4 };

        List<LabelingProgram> programs = await new OfflineProgramSynthesizer().SynthesizeAsync(request).ToListAsync();
        IReadOnlyList<ILabelingFunction<string>> functions = SandboxProgramCompiler.Compile<string>(programs);

        Assert.True(functions.Any(f => f.Apply("buy cheap pills") == 1 && f.Apply("see you later") == Label.Abstain), string.Join("\n", programs.Select(p => p.Provenance.Description)));
        Assert.Contains(functions, f => f.Apply("see you later") == 0 && f.Apply("buy cheap pills") == Label.Abstain);
    }

    [Fact]
    public async Task SynthesizeAsync_RecordItemsWithTextMember_ProgramsReadThatMember()
    {
        WrenchDataset youtube = TestData.Load("youtube");
        var request = new SynthesisRequest<Comment>(youtube.Task)
        {
            Examples = [.. youtube.Valid!.Texts.Zip(youtube.Valid.GoldLabels, (t, l) => new LabeledExample<Comment>(new Comment("someone", t!), l))],
            UnlabeledSample = [.. youtube.Train.Texts.Select(t => new Comment("someone", t!))],
            ProgramCount = 10,
        };
        var synthesizer = new OfflineProgramSynthesizer(new OfflineSynthesizerOptions { TextMember = nameof(Comment.Text) });

        List<LabelingProgram> programs = await synthesizer.SynthesizeAsync(request).ToListAsync();
        IReadOnlyList<ILabelingFunction<Comment>> compiled = SandboxProgramCompiler.Compile<Comment>(programs);
        IReadOnlyList<Heuristic> heuristics = synthesizer.Mine(request, c => c.Text, CancellationToken.None);

        Assert.NotEmpty(programs);
        Assert.All(programs, p => Assert.Contains("public static int Label(global::Alchemist.Tests.Offline.Comment item)", p.Source, StringComparison.Ordinal));
        Assert.All(programs, p => Assert.Contains("item?.Text", p.Source, StringComparison.Ordinal));
        for (int p = 0; p < programs.Count; p++)
        {
            foreach (string text in youtube.Test!.Texts.Select(t => t!))
            {
                Assert.Equal(heuristics[p].Apply(TextProfile.Create(text)), compiled[p].Apply(new Comment("x", text)));
            }

            Assert.Equal(Label.Abstain, compiled[p].Apply(null!));
            Assert.Equal(Label.Abstain, compiled[p].Apply(new Comment("x", null)));
        }
    }

    [Fact]
    public async Task SynthesizeAsync_ValidatorRejectsAProgram_SkipsIt()
    {
        SynthesisRequest<string> plain = DevRequest(TestData.Load("youtube"), programCount: 6);
        List<LabelingProgram> all = await new OfflineProgramSynthesizer().SynthesizeAsync(plain).ToListAsync();
        var validator = new RejectingValidator(all[0].Name);
        var request = new SynthesisRequest<string>(plain.Task) { Examples = plain.Examples, UnlabeledSample = plain.UnlabeledSample, ProgramCount = 6, Validator = validator };

        List<LabelingProgram> kept = await new OfflineProgramSynthesizer().SynthesizeAsync(request).ToListAsync();

        Assert.Equal(all.Skip(1).Select(p => p.Name), kept.Select(p => p.Name));
        Assert.Equal(all.Count, validator.Checked);
    }

    [Fact]
    public async Task SynthesizeAsync_ValidatorRejectsAProgram_TheLogSaysWhichAndWhy()
    {
        SynthesisRequest<string> plain = DevRequest(TestData.Load("youtube"), programCount: 6);
        List<LabelingProgram> all = await new OfflineProgramSynthesizer().SynthesizeAsync(plain).ToListAsync();
        var log = new SynthesisLog();
        var request = new SynthesisRequest<string>(plain.Task)
        {
            Examples = plain.Examples, UnlabeledSample = plain.UnlabeledSample, ProgramCount = 6, Validator = new RejectingValidator(all[1].Name), Log = log,
        };

        List<LabelingProgram> kept = await new OfflineProgramSynthesizer().SynthesizeAsync(request).ToListAsync();

        // One attempt per mined program, in order: the rejected one with the validator's words, the others accepted.
        Assert.Equal(all.Select(p => p.Name), log.Attempts.Select(a => a.ProgramName));
        Assert.Equal(Enumerable.Range(0, all.Count).Select(i => (int?)i), log.Attempts.Select(a => a.Slot));
        SynthesisAttempt dropped = Assert.Single(log.Attempts, a => a.Outcome == SynthesisOutcome.FailedValidation);
        Assert.Equal(all[1].Name, dropped.ProgramName);
        Assert.Equal(all[1].Source, dropped.Program!.Source);
        Assert.Equal(["rejected by the test"], dropped.Problems);
        Assert.Equal("The program of mined heuristic 2 failed validation with 1 problem(s); the offline synthesizer does not repair programs, so it was dropped.", dropped.Message);
        Assert.Equal(kept.Select(p => p.Name), log.Attempts.Where(a => a.Outcome == SynthesisOutcome.Accepted).Select(a => a.ProgramName));

        // The run's warning and report read the log: the drop is named with its reason.
        Assert.Equal(
            $"1 of {all.Count} synthesis calls gave no program (failed validation: 1); the report lists each under 'Synthesis attempts that gave no program' with its reason.",
            RunOutcomes.FailedAttemptsWarning(log.GetOrderedAttempts()));
    }

    [Fact]
    public async Task SynthesizeAsync_ValidationPastTheClockButNotTheWork_KeepsEveryProgram()
    {
        // A machine so busy that the clock passes the compile timeout while the compiler has done no work: the sandbox
        // validator's compile timeout is one tick, the clock has jumped five ticks, and the processor time stands still.
        // A clock-only timeout rejected every program here; the timeout charged in processor time rejects none.
        SynthesisRequest<string> plain = DevRequest(TestData.Load("youtube"), programCount: 6);
        List<LabelingProgram> all = await new OfflineProgramSynthesizer().SynthesizeAsync(plain).ToListAsync();
        var compiler = new BusyMachineCompiler(TimeSpan.FromTicks(1));
        var log = new SynthesisLog();
        var request = new SynthesisRequest<string>(plain.Task)
        {
            Examples = plain.Examples,
            UnlabeledSample = plain.UnlabeledSample,
            ProgramCount = 6,
            Validator = new SandboxProgramValidator<string>(compiler, plain.UnlabeledSample.Take(200), 2),
            Log = log,
        };

        List<LabelingProgram> kept = await new OfflineProgramSynthesizer().SynthesizeAsync(request).ToListAsync();

        Assert.Equal(all.Select(p => p.Name), kept.Select(p => p.Name));
        Assert.All(log.Attempts, a => Assert.Equal(SynthesisOutcome.Accepted, a.Outcome));
    }

    [Fact]
    public void SynthesizeAsync_InvalidRequests_ThrowAtTheCall()
    {
        var synthesizer = new OfflineProgramSynthesizer();

        Assert.Throws<ArgumentNullException>("request", () => synthesizer.SynthesizeAsync<string>(null!));
        ArgumentException noExamples = Assert.Throws<ArgumentException>("request", () => synthesizer.SynthesizeAsync(new SynthesisRequest<string>(SpamTask)));
        Assert.StartsWith("The offline synthesizer mines programs from labeled examples, and the request has none", noExamples.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>("request", () => synthesizer.SynthesizeAsync(new SynthesisRequest<string>(SpamTask) { Examples = [new("x", 2)] }));
        ArgumentException notText = Assert.Throws<ArgumentException>(() => synthesizer.SynthesizeAsync(new SynthesisRequest<Comment>(SpamTask) { Examples = [new(new Comment("a", "b"), 0)] }));
        Assert.Contains("set OfflineSynthesizerOptions.TextMember", notText.Message, StringComparison.Ordinal);
        var wrongMember = new OfflineProgramSynthesizer(new OfflineSynthesizerOptions { TextMember = "Missing" });
        Assert.Throws<ArgumentException>(() => wrongMember.SynthesizeAsync(new SynthesisRequest<Comment>(SpamTask) { Examples = [new(new Comment("a", "b"), 0)] }));
    }

    [Fact]
    public void Ctor_InvalidOptions_Throw()
    {
        OptionsAssert.Rejects(() => new OfflineProgramSynthesizer(new OfflineSynthesizerOptions { MinimumSupport = 0 }), "MinimumSupport");
        OptionsAssert.Rejects(() => new OfflineProgramSynthesizer(new OfflineSynthesizerOptions { Confidence = 1 }), "Confidence");
        OptionsAssert.Rejects(() => new OfflineProgramSynthesizer(new OfflineSynthesizerOptions { TextMember = "not valid" }), "TextMember 'not valid' is not a valid identifier");
    }

    [Fact]
    public void Name_IsOffline() => Assert.Equal("offline", new OfflineProgramSynthesizer().Name);

    internal static SynthesisRequest<string> DevRequest(WrenchDataset dataset, int programCount) => new(dataset.Task)
    {
        Examples = [.. dataset.Valid!.Texts.Zip(dataset.Valid.GoldLabels, (t, l) => new LabeledExample<string>(t ?? string.Empty, l))],
        UnlabeledSample = [.. dataset.Train.Texts.Select(t => t ?? string.Empty)],
        ProgramCount = programCount,
    };

    private sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>Compiles each program in the sandbox with compile timeout <paramref name="limit"/>, on a clock that jumps five times the limit once the compilation has started, while the processor time stands still.</summary>
    private sealed class BusyMachineCompiler(TimeSpan limit) : GateCompiler
    {
        public override GateCompilation<TItem> Compile<TItem>(LabelingProgram program, CancellationToken cancellationToken)
        {
            var busy = new WorkClock(new JumpingClock(limit * 5), static () => TimeSpan.Zero);
            return new SandboxGateCompiler(new ProgramCompiler(new SandboxOptions { CompileTimeout = limit }, busy)).Compile<TItem>(program, cancellationToken);
        }
    }

    /// <summary>A clock that reads zero when first asked, and <paramref name="jump"/> from then on: time passed, as on a busy machine, between the start of a piece of work and every later look.</summary>
    private sealed class JumpingClock(TimeSpan jump) : TimeProvider
    {
        private int _reads;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Increment(ref _reads) == 1 ? 0 : jump.Ticks;
    }

    private sealed class RejectingValidator(string rejected) : IProgramValidator
    {
        public int Checked { get; private set; }

        public ValueTask<ProgramValidation> ValidateAsync(LabelingProgram program, CancellationToken cancellationToken = default)
        {
            Checked++;
            return ValueTask.FromResult(program.Name == rejected ? ProgramValidation.Invalid("rejected by the test") : ProgramValidation.Valid);
        }
    }
}

/// <summary>A record item type for the offline synthesizer; public so that compiled programs can read it.</summary>
public sealed record Comment(string Author, string? Text);
