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
/// missed), and for <c>alchemist run</c> <c>--concepts N</c> (<see cref="ChatSynthesizerOptions.ConceptsPerClass"/>, 0 for
/// <see cref="ChatSynthesizerOptions.GenerateConcepts"/> off: with concept scores, a first call asks the model to list concepts
/// per class, then every slot for a program over them). Each needs an LLM: a command without one refuses them (exit 2)
/// rather than ignoring them.
/// </summary>
internal sealed partial class LlmStages
{
    /// <summary>The cost ledger's purpose of the prior-knowledge call (<see cref="SynthesisAttempt.Purpose"/>).</summary>
    private const string PriorKnowledgePurpose = "prior-knowledge";

    /// <summary>The cost ledger's purpose of the concept-list call.</summary>
    private const string ConceptsPurpose = "concepts";

    /// <summary>The largest number of feedback rounds, the library's own bound.</summary>
    public const int MaxFeedbackRounds = 10;

    private readonly int _defaultFeedbackRounds;

    /// <summary>The largest number of concepts per class, the library's own bound.</summary>
    public const int MaxConceptsPerClass = 32;

    /// <summary>Initializes the options with the command's default number of feedback rounds.</summary>
    /// <param name="defaultFeedbackRounds">The rounds after the first when <c>--feedback-rounds</c> is left out.</param>
    /// <param name="concepts">Whether the command has <c>--concepts</c> (a run, whose embeddings can give concept scores).</param>
    public LlmStages(int defaultFeedbackRounds, bool concepts = false)
    {
        _defaultFeedbackRounds = defaultFeedbackRounds;
        FeedbackRounds = new("--feedback-rounds")
        {
            Description = $"With an LLM: the rounds after the first (0-{MaxFeedbackRounds}) in which it is asked again, shown the problems of the programs so far and the seed items they leave uncovered or disagree on.",
            DefaultValueFactory = _ => defaultFeedbackRounds,
            HelpName = "N",
        };
        Concepts = concepts
            ? new("--concepts")
            {
                Description = $"With an LLM and --embeddings: the concepts (short phrases that tell the classes apart) it is first asked to list per class, which every program prompt then offers as concept scores (1-{MaxConceptsPerClass}); 0 skips the concept stage.",
                DefaultValueFactory = _ => new ChatSynthesizerOptions().ConceptsPerClass,
                HelpName = "N",
            }
            : null;
    }

    public Option<bool> PriorKnowledge { get; } = new("--prior-knowledge")
    {
        Description = "With an LLM: first ask it for background knowledge about the task (what distinguishes the classes, signal words, rules of thumb), put in every program prompt; one more call per round.",
    };

    public Option<int> FeedbackRounds { get; }

    /// <summary>Gets <c>--concepts</c>, or <see langword="null"/> for a command without it.</summary>
    public Option<int>? Concepts { get; }

    /// <summary>Gets every option, to add to the command.</summary>
    public IEnumerable<Option> All => Concepts is null ? [PriorKnowledge, FeedbackRounds] : [PriorKnowledge, FeedbackRounds, Concepts];

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

        if (Concepts is not null && result.GetValue(Concepts) is var perClass and (< 0 or > MaxConceptsPerClass))
        {
            result.AddError($"--concepts is {perClass.ToString(CultureInfo.InvariantCulture)}; use between 1 and {MaxConceptsPerClass} concepts per class, or 0 to skip the concept stage.");
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
    public Settings Read(ParseResult parsed) => new(parsed.GetValue(PriorKnowledge), parsed.GetValue(FeedbackRounds))
    {
        ConceptsPerClass = Concepts is null ? 0 : parsed.GetValue(Concepts),
    };

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

        /// <summary>Gets the concepts the model is asked to list per class when the run has concept scores; 0 for none (no concept stage, or a command without one).</summary>
        public int ConceptsPerClass { get; init; }

        /// <summary>Applies the settings to a chat synthesizer's options (the prior-knowledge call and the concept stage).</summary>
        public ChatSynthesizerOptions ApplyTo(ChatSynthesizerOptions options)
        {
            options.GeneratePriorKnowledge = PriorKnowledge;
            options.GenerateConcepts = ConceptsPerClass > 0;
            if (ConceptsPerClass > 0)
            {
                options.ConceptsPerClass = ConceptsPerClass;
            }

            return options;
        }

        /// <summary>What the stages did, from the run's attempt log: for run.json and the synthesis report.</summary>
        /// <param name="attempts">Every chat call of the synthesis.</param>
        public Figures Measure(IReadOnlyList<SynthesisAttempt> attempts)
        {
            // One prior-knowledge call per round that asked the model, and one concept call per synthesis; both are shared by all slots.
            int calls = attempts.Count(a => a.Purpose == PriorKnowledgePurpose);
            int written = attempts.Count(a => a.Outcome == SynthesisOutcome.PriorKnowledge);
            // The offline synthesizer's attempts (one per mined program, none a model call) are no round of the model's.
            int rounds = attempts.Where(a => a.Slot is not null && !IsOffline(a)).Select(a => RoundOf(a.ProgramName)).DefaultIfEmpty(0).Max();
            SynthesisAttempt[] concepts = [.. attempts.Where(a => a.Purpose == ConceptsPurpose)];
            return new Figures(this, calls, written, rounds, concepts.Length, concepts.LastOrDefault()?.Message);
        }
    }

    /// <summary>What the stages did in one synthesis.</summary>
    /// <param name="Asked">The options given.</param>
    /// <param name="PriorKnowledgeCalls">The prior-knowledge calls made (one per round that asked the model).</param>
    /// <param name="PriorKnowledgeWritten">Those that returned background knowledge (the others failed or were empty; their attempt says why).</param>
    /// <param name="RoundsRun">The rounds that asked the model for programs: 1 plus the feedback rounds that ran (a round is skipped when the programs so far left nothing to say).</param>
    /// <param name="ConceptCalls">The concept-list calls made (one when the run had concept scores and <c>--concepts</c> was not 0).</param>
    /// <param name="ConceptOutcome">What the last concept call came to, in the synthesizer's words (how many concepts it listed, or why none is used).</param>
    internal sealed record Figures(Settings Asked, int PriorKnowledgeCalls, int PriorKnowledgeWritten, int RoundsRun, int ConceptCalls = 0, string? ConceptOutcome = null)
    {
        /// <summary>Adds the figures to a JSON object: <c>priorKnowledge</c>, <c>priorKnowledgeCalls</c>, <c>priorKnowledgeWritten</c>, <c>feedbackRounds</c>, <c>roundsRun</c>, <c>conceptsPerClass</c> (when a concept call was made), <c>conceptCalls</c>, <c>conceptOutcome</c>.</summary>
        public JsonObject AddTo(JsonObject json)
        {
            json["priorKnowledge"] = Asked.PriorKnowledge;
            json["priorKnowledgeCalls"] = PriorKnowledgeCalls;
            json["priorKnowledgeWritten"] = PriorKnowledgeWritten;
            json["feedbackRounds"] = Asked.FeedbackRounds;
            json["roundsRun"] = RoundsRun;
            if (ConceptCalls > 0)
            {
                json["conceptsPerClass"] = Asked.ConceptsPerClass;
            }

            json["conceptCalls"] = ConceptCalls;
            json["conceptOutcome"] = ConceptOutcome;
            return json;
        }

        /// <summary>One line for the console, such as "prior knowledge 2 of 2 calls answered; 2 rounds of programs (1 feedback round asked)".</summary>
        public string Describe() => string.Create(
            CultureInfo.InvariantCulture,
            $"{(Asked.PriorKnowledge ? $"prior knowledge {PriorKnowledgeWritten} of {PriorKnowledgeCalls} call(s) answered" : "no prior knowledge")}; {RoundsRun} round(s) of programs ({Asked.FeedbackRounds} feedback round(s) asked){(ConceptCalls > 0 ? $"; concepts: {ConceptOutcome}" : string.Empty)}");
    }
}
