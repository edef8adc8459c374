using Alchemist.Testing;
using Alchemist.Tests.Shared;
using static Alchemist.Tests.Synthesis.SynthesisTestData;

namespace Alchemist.Tests.Synthesis;

/// <summary>
/// Synthesis, self-repair, the sandbox validator, the gate and the library together on the YouTube data, driven by a
/// scripted chat client through the same code path a real provider takes.
/// </summary>
public sealed class SynthesisEndToEndTests : IDisposable
{
    public const string CheckOut = """
        using System;

        public static class CheckOut
        {
            public static int Label(string item) => item.Contains("check out", StringComparison.OrdinalIgnoreCase) ? 1 : -1;
        }
        """;

    public const string LinksBroken = """
        public static class Links
        {
            public static int Label(string item) => LinkPattern.IsMatch(item) ? 1 : -1;
        }
        """;

    public const string LinksRepaired = """
        using System.Text.RegularExpressions;

        public static class Links
        {
            private static readonly Regex LinkPattern = new(@"https?://|www\.", RegexOptions.IgnoreCase);

            public static int Label(string item) => LinkPattern.IsMatch(item) ? 1 : -1;
        }
        """;

    public const string ReadsAFile = """
        using System.IO;

        public static class Sneaky
        {
            public static int Label(string item) => File.Exists("/etc/passwd") ? 1 : -1;
        }
        """;

    public const string ReadsTheEnvironment = """
        public static class Sneakier
        {
            public static int Label(string item) => System.Environment.GetEnvironmentVariable("HOME") is null ? 0 : -1;
        }
        """;

    public const string CheckOutAgain = """
        public static class CheckOutAgain
        {
            public static int Label(string item) => item.IndexOf("check out", System.StringComparison.OrdinalIgnoreCase) >= 0 ? 1 : -1;
        }
        """;

    public const string AlwaysHam = """
        public static class AlwaysHam
        {
            public static int Label(string item) => 0;
        }
        """;

    public const string SongTalk = """
        using System.Linq;

        public static class SongTalk
        {
            private static readonly string[] Words = ["song", "love this"];

            public static int Label(string item)
            {
                string lower = item.ToLowerInvariant();
                return Words.Any(w => lower.Contains(w)) && !lower.Contains("http") ? 0 : -1;
            }
        }
        """;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "alchemist-e2e-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Synthesis_OnYouTube_KeepsTheRightProgramsAndExplainsEveryDrop()
    {
        WrenchDataset youtube = TestData.Load("youtube");
        string[] sample = [.. youtube.Train.Texts.Select(t => t!)];
        LabeledExample<string>[] dev = [.. youtube.Valid!.Texts.Select((t, i) => new LabeledExample<string>(t!, youtube.Valid.GoldLabels[i]))];

        var client = new ScriptedChatClient("gpt-test")
            .Reply(Fenced(CheckOut), 1_000, 200)                      // slot 0: good
            .Reply("Sorry, I cannot help with spam detection.", 800, 50) // slot 1: no code...
            .Reply("Still no, sorry.", 300, 10)                          // ...asked once for the block: still none
            .Reply(Fenced(LinksBroken), 900, 150)                     // slot 2: does not compile...
            .Reply(Fenced(LinksRepaired), 1_100, 180)                 // ...and is repaired
            .Reply(Fenced(ReadsAFile), 950, 160)                      // slot 3: hostile...
            .Reply(Fenced(ReadsTheEnvironment), 1_200, 170)           // ...and hostile again: no repairs left
            .Reply(Fenced(CheckOutAgain), 1_000, 190)                 // slot 4: votes exactly as slot 0
            .Reply(Fenced(AlwaysHam), 1_000, 100)                     // slot 5: constant
            .Reply(Fenced(SongTalk), 1_000, 210);                     // slot 6: good
        var options = new ChatSynthesizerOptions { MaxConcurrency = 1, MaxRepairs = 1 };
        options.Prices["gpt-test"] = new ModelPrice(2.50m, 10.00m);
        var synthesizer = new ChatProgramSynthesizer(client, options);
        var compiler = new ProgramCompiler();
        var log = new SynthesisLog();
        var request = new SynthesisRequest<string>(youtube.Task)
        {
            ProgramCount = 7,
            Examples = dev,
            Validator = new SandboxProgramValidator<string>(new SandboxGateCompiler(compiler), sample, youtube.Task.ClassCount),
            Log = log,
        };

        List<LabelingProgram> programs = await synthesizer.SynthesizeAsync(request).ToListAsync();
        using ProgramGateResult<string> gate = new ProgramGate(compiler).Evaluate(programs, youtube.Task, sample, dev);

        // What reached the gate, and what it kept.
        Assert.Equal(["llm-000", "llm-002-r1", "llm-004", "llm-005", "llm-006"], programs.Select(p => p.Name));
        Assert.Equal(["llm-000", "llm-002-r1", "llm-006"], gate.Kept.Select(k => k.Program.Name));
        Assert.Equal([[1], [1], [0]], gate.Kept.Select(k => k.Metrics.VotedClasses));
        Assert.All(gate.Kept, k => Assert.Equal(0, k.Metrics.SampleFaults));

        // Every drop is explained: two by synthesis, two by the gate.
        IReadOnlyList<SynthesisAttempt> attempts = log.GetOrderedAttempts();
        Assert.Equal(
            [
                (0, 0, SynthesisOutcome.Accepted),
                (1, 0, SynthesisOutcome.RejectedReply),
                (1, 1, SynthesisOutcome.RejectedReply),
                (2, 0, SynthesisOutcome.FailedValidation),
                (2, 1, SynthesisOutcome.Accepted),
                (3, 0, SynthesisOutcome.FailedValidation),
                (3, 1, SynthesisOutcome.FailedValidation),
                (4, 0, SynthesisOutcome.Accepted),
                (5, 0, SynthesisOutcome.Accepted),
                (6, 0, SynthesisOutcome.Accepted),
            ],
            attempts.Select(a => (a.Slot!.Value, a.Attempt, a.Outcome)));
        Assert.Equal("The reply has no code block; a program must come in a ```csharp fenced block. The reply is not a program; the slot asks once more for the program in a C# code block.", attempts[1].Message);
        Assert.Equal("The reply has no code block; a program must come in a ```csharp fenced block. The reply is not a program, and the slot had already asked for the block once, so it produced no program.", attempts[2].Message);
        Assert.StartsWith("Your reply holds no program: The reply has no code block;", client.Requests[2].LastUserText, StringComparison.Ordinal);
        Assert.Contains(attempts[3].Problems, p => p.Contains("[compile]", StringComparison.Ordinal) && p.Contains("LinkPattern", StringComparison.Ordinal));
        Assert.Contains(attempts[5].Problems, p => p.StartsWith("line 5, column ", StringComparison.Ordinal) && p.Contains("[io]", StringComparison.Ordinal));
        Assert.Contains(attempts[6].Problems, p => p.Contains("[environment]", StringComparison.Ordinal));
        Assert.EndsWith("problem(s); no repairs left (1 allowed), so this slot produced no program.", attempts[6].Message, StringComparison.Ordinal);
        Assert.Collection(
            gate.Dropped,
            d =>
            {
                Assert.Equal(("llm-004", GateDropReason.Duplicate, "llm-000"), (d.Program.Name, d.Reason, d.DuplicateOf));
                Assert.Equal("Its votes on the 1686 sample items are identical to those of the kept program 'llm-000'.", d.Message);
            },
            d =>
            {
                Assert.Equal(("llm-005", GateDropReason.Constant), (d.Program.Name, d.Reason));
                Assert.Equal("It voted 'HAM' (0) on every one of the 1686 sample items, so it carries no information.", d.Message);
            });

        // The repair carries its lineage; the repair request carried the compiler's exact message.
        LabelingProgram repaired = gate.Kept[1].Program;
        Assert.Equal(attempts[3].Program!.ContentHash, repaired.Provenance.ParentHash);
        Assert.Equal(1, repaired.Provenance.RepairAttempt);
        Assert.Equal((1_100L, 180L, 0.00455m), (repaired.Provenance.InputTokens!.Value, repaired.Provenance.OutputTokens!.Value, repaired.Provenance.CostUsd!.Value));
        Assert.Contains(attempts[3].Problems[0], client.Requests[4].LastUserText, StringComparison.Ordinal);
        Assert.Contains(attempts[5].Problems[0], client.Requests[6].LastUserText, StringComparison.Ordinal);

        // Requests: ten calls, each with the task, the classes, the signature and real dev examples.
        Assert.Equal(10, client.Requests.Count);
        Assert.All(client.Requests, r =>
        {
            Assert.Contains("public static int Label(string item)", r.SystemText, StringComparison.Ordinal);
            Assert.Contains("  0 = HAM\n  1 = SPAM\n  -1 = abstain (not sure)\n", r.Messages[1].Text, StringComparison.Ordinal);
            Assert.Contains("Labeled examples", r.Messages[1].Text, StringComparison.Ordinal);
        });
        Assert.Contains("Focus on recognizing class SPAM (1)", client.Requests[1].LastUserText, StringComparison.Ordinal);

        // Tokens and cost, summed exactly: 9,250 input and 1,420 output tokens at $2.50 and $10 per million.
        CostSummary cost = synthesizer.Ledger.GetSummary();
        Assert.Equal((10, 9_250L, 1_420L), (cost.Calls, cost.InputTokens, cost.OutputTokens));
        Assert.Equal(0.037325m, cost.CostUsd);
        Assert.Equal(cost.CostUsd, log.CostUsd);
        Assert.True(cost.IsComplete);

        // The kept programs round-trip through the library and still label the same way.
        new ProgramLibrary(gate.Kept.Select(k => k.Program), youtube.Task).Save(_directory);
        ProgramLibrary library = ProgramLibrary.Load(_directory);
        Assert.Equal(gate.Kept.Select(k => k.Program.ContentHash), library.Programs.Select(p => p.ContentHash));
        using ProgramCompilation<string> reloaded = compiler.Compile<string>(library.Programs[1]);
        Assert.Equal(1, reloaded.Function!.Apply("visit http://spam.example now"));
    }
}
