using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Alchemist.Cli.Commands;

/// <summary>
/// The options of the chat synthesizer's optional stages, shared by <c>alchemist run</c> and <c>alchemist synthesize</c>:
/// <c>--prior-knowledge</c> (<see cref="ChatSynthesizerOptions.GeneratePriorKnowledge"/>: a first call asks the model for
/// background knowledge, shared by every prompt) and <c>--feedback-rounds N</c>
/// (<see cref="LabelingPipelineOptions.FeedbackRounds"/>: the model is asked again, shown what the programs so far
/// missed). Both need an LLM: a command without one refuses them (exit 2) rather than ignoring them.
/// </summary>
internal sealed partial class LlmStages
{
    /// <summary>The largest number of feedback rounds, the library's own bound.</summary>
    public const int MaxFeedbackRounds = 10;

    private readonly int _defaultFeedbackRounds;

    /// <summary>Initializes the options with the command's default number of feedback rounds.</summary>
    public LlmStages(int defaultFeedbackRounds)
    {
        _defaultFeedbackRounds = defaultFeedbackRounds;
        FeedbackRounds = new("--feedback-rounds")
        {
            Description = $"With an LLM: the rounds after the first (0-{MaxFeedbackRounds}) in which it is asked again, shown the problems of the programs so far and the seed items they leave uncovered or disagree on.",
            DefaultValueFactory = _ => defaultFeedbackRounds,
            HelpName = "N",
        };
    }

    public Option<bool> PriorKnowledge { get; } = new("--prior-knowledge")
    {
        Description = "With an LLM: first ask it for background knowledge about the task (what distinguishes the classes, signal words, rules of thumb), put in every program prompt; one more call per round.",
    };

    public Option<int> FeedbackRounds { get; }

    /// <summary>Gets every option, to add to the command.</summary>
    public IEnumerable<Option> All => [PriorKnowledge, FeedbackRounds];

    /// <summary>Refuses, at parse time, a number of rounds out of range, and either option where no LLM is asked.</summary>
    /// <param name="result">The command's parse result.</param>
    /// <param name="llm">The command's <c>--llm</c> option.</param>
    /// <param name="library">The command's <c>--library</c> option, when it has one (a re-run asks no synthesizer).</param>
    public void Validate(CommandResult result, Option<string> llm, Option<string?>? library = null)
    {
        int rounds = result.GetValue(FeedbackRounds);
        if (rounds is < 0 or > MaxFeedbackRounds)
        {
            result.AddError($"--feedback-rounds is {rounds.ToString(CultureInfo.InvariantCulture)}; use between 0 and {MaxFeedbackRounds} rounds after the first.");
            return;
        }

        string? why = library is not null && result.GetResult(library) is not null
            ? "--library re-runs stored programs and asks no synthesizer"
            : (result.GetValue(llm) ?? "none").Equals("none", StringComparison.OrdinalIgnoreCase)
                ? "the offline synthesizer (--llm none) takes neither: it mines programs from the seed labels in one pass"
                : null;
        if (why is null)
        {
            return;
        }

        foreach (Option option in All)
        {
            if (result.GetResult(option) is { Implicit: false })
            {
                result.AddError($"{option.Name} applies to an LLM's programs, and {why}; add --llm SPEC, or leave out {option.Name}.");
            }
        }
    }

    /// <summary>Reads the values of the options from a parse result.</summary>
    public Settings Read(ParseResult parsed) => new(parsed.GetValue(PriorKnowledge), parsed.GetValue(FeedbackRounds));

    /// <summary>The round a program name belongs to: <c>llm-000</c> is round 1, <c>llm-r3-000-r1</c> round 3 (the pipeline's synthesis stage names round <c>r</c> &gt; 1 <c>prefix-rR-NNN</c>).</summary>
    internal static int RoundOf(string? programName) =>
        programName is not null && RoundName().Match(programName) is { Success: true } match
            ? int.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture)
            : 1;

    /// <summary>Gets a value indicating whether an attempt is the offline synthesizer's (one mined program), not a chat call.</summary>
    internal static bool IsOffline(SynthesisAttempt attempt) =>
        attempt.Program?.Provenance.Synthesizer == OfflineProgramSynthesizer.SynthesizerName;

    [GeneratedRegex(@"^[A-Za-z0-9_.]+-r([0-9]+)-[0-9]{3,}(-r[0-9]+)?$")]
    private static partial Regex RoundName();

    /// <summary>The values of the options.</summary>
    /// <param name="PriorKnowledge">Whether the model is first asked for background knowledge (<see cref="ChatSynthesizerOptions.GeneratePriorKnowledge"/>).</param>
    /// <param name="FeedbackRounds">The rounds after the first (<see cref="LabelingPipelineOptions.FeedbackRounds"/>).</param>
    internal sealed record Settings(bool PriorKnowledge, int FeedbackRounds)
    {
        /// <summary>Gets the settings of a synthesis that asks no LLM: no prior knowledge, no feedback round.</summary>
        public static Settings None { get; } = new(false, 0);

        /// <summary>What the stages did, from the run's attempt log: for run.json and the synthesis report.</summary>
        /// <param name="attempts">Every chat call of the synthesis.</param>
        public Figures Measure(IReadOnlyList<SynthesisAttempt> attempts)
        {
            // The prior-knowledge call is the one call shared by all slots (no slot); one per round that asked the model.
            int calls = attempts.Count(a => a.Slot is null);
            int written = attempts.Count(a => a.Outcome == SynthesisOutcome.PriorKnowledge);
            // The offline synthesizer's attempts (one per mined program, none a model call) are no round of the model's.
            int rounds = attempts.Where(a => a.Slot is not null && !IsOffline(a)).Select(a => RoundOf(a.ProgramName)).DefaultIfEmpty(0).Max();
            return new Figures(this, calls, written, rounds);
        }
    }

    /// <summary>What the stages did in one synthesis.</summary>
    /// <param name="Asked">The options given.</param>
    /// <param name="PriorKnowledgeCalls">The prior-knowledge calls made (one per round that asked the model).</param>
    /// <param name="PriorKnowledgeWritten">Those that returned background knowledge (the others failed or were empty; their attempt says why).</param>
    /// <param name="RoundsRun">The rounds that asked the model for programs: 1 plus the feedback rounds that ran (a round is skipped when the programs so far left nothing to say).</param>
    internal sealed record Figures(Settings Asked, int PriorKnowledgeCalls, int PriorKnowledgeWritten, int RoundsRun)
    {
        /// <summary>Adds the figures to a JSON object: <c>priorKnowledge</c>, <c>priorKnowledgeCalls</c>, <c>priorKnowledgeWritten</c>, <c>feedbackRounds</c>, <c>roundsRun</c>.</summary>
        public JsonObject AddTo(JsonObject json)
        {
            json["priorKnowledge"] = Asked.PriorKnowledge;
            json["priorKnowledgeCalls"] = PriorKnowledgeCalls;
            json["priorKnowledgeWritten"] = PriorKnowledgeWritten;
            json["feedbackRounds"] = Asked.FeedbackRounds;
            json["roundsRun"] = RoundsRun;
            return json;
        }

        /// <summary>One line for the console, such as "prior knowledge 2 of 2 calls answered; 2 rounds of programs (1 feedback round asked)".</summary>
        public string Describe() => string.Create(
            CultureInfo.InvariantCulture,
            $"{(Asked.PriorKnowledge ? $"prior knowledge {PriorKnowledgeWritten} of {PriorKnowledgeCalls} call(s) answered" : "no prior knowledge")}; {RoundsRun} round(s) of programs ({Asked.FeedbackRounds} feedback round(s) asked)");
    }
}
