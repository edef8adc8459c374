using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Alchemist;

/// <summary>Builds the prompts of one synthesis request: the system prompt, each slot's user prompt, the prior-knowledge call and repairs.</summary>
/// <typeparam name="TItem">The type of item.</typeparam>
/// <remarks>
/// Every slot sees the same task, classes, signature, prior knowledge and feedback; slots differ by the class they
/// focus on (slot <c>i</c> focuses on class <c>i % K</c>) and by the subset of examples they see, drawn from the
/// options' seed, the name prefix and the slot, so that prompts are reproducible.
/// </remarks>
internal sealed class ProgramPrompts<TItem>
{
    /// <summary>The slot number that seeds the choice of examples shown in the concept stage's call (one no program slot has).</summary>
    private const int ConceptListSlot = int.MaxValue;

    private static readonly JsonSerializerOptions ItemJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly SynthesisRequest<TItem> _request;
    private readonly ChatSynthesizerOptions _options;
    private readonly ItemTypeDescription _itemType = ItemTypeDescription.For<TItem>();
    private readonly List<LabeledExample<TItem>>[] _examplesByClass;
    private string? _conceptSystem;

    public ProgramPrompts(SynthesisRequest<TItem> request, ChatSynthesizerOptions options)
    {
        _request = request;
        _options = options;
        _examplesByClass = new List<LabeledExample<TItem>>[request.Task.ClassCount];
        for (int k = 0; k < _examplesByClass.Length; k++)
        {
            _examplesByClass[k] = [];
        }

        foreach (LabeledExample<TItem> example in request.Examples)
        {
            if (example is not null && example.Label >= 0 && example.Label < _examplesByClass.Length)
            {
                _examplesByClass[example.Label].Add(example);
            }
        }

        System = BuildSystemPrompt();
    }

    /// <summary>Gets the system prompt shared by every slot.</summary>
    public string System { get; }

    /// <summary>Gets the messages of the call that asks for background knowledge about the task.</summary>
    public IReadOnlyList<ChatMessage> PriorKnowledgeMessages()
    {
        var text = new StringBuilder();
        AppendTask(text);
        text.Append('\n')
            .Append("Before anyone writes labeling programs for this task, write down what an expert knows about it: what ")
            .Append("distinguishes each class, the words, phrases and patterns that signal each one, and rules of thumb, ")
            .Append("including when a heuristic should abstain. Plain text, at most 300 words, no code.\n");
        return
        [
            new ChatMessage(ChatRole.System, "You are a domain expert who helps engineers write precise labeling heuristics for weak supervision."),
            new ChatMessage(ChatRole.User, text.ToString()),
        ];
    }

    /// <summary>Builds the user prompt of a slot.</summary>
    /// <param name="slot">The slot, 0-based.</param>
    /// <param name="priorKnowledge">Background knowledge to include, or <see langword="null"/>.</param>
    /// <param name="concepts">The concept stage's concepts, for a concept program (<c>Label(T item, Concepts concepts)</c>); <see langword="null"/> for a plain program.</param>
    /// <returns>The prompt, the class the slot focuses on and the number of examples shown.</returns>
    public (string Text, int FocusClass, int ExampleCount) ForSlot(int slot, string? priorKnowledge, ChatConceptContext? concepts = null)
    {
        int focus = slot % _request.Task.ClassCount;
        var text = new StringBuilder();
        AppendTask(text, concepts is null ? _itemType.Signature : ConceptSignature);

        if (!string.IsNullOrWhiteSpace(priorKnowledge))
        {
            text.Append("\nBackground knowledge about this task:\n").Append(priorKnowledge.Trim()).Append('\n');
        }

        List<LabeledExample<TItem>> examples = SelectExamples(slot, focus);
        if (examples.Count > 0)
        {
            text.Append("\nLabeled examples (class name and index, then the item):\n");
            foreach (LabeledExample<TItem> example in examples)
            {
                text.Append("- [").Append(ClassLabel(example.Label)).Append("] ").Append(FormatItem(example.Item)).Append('\n');
            }
        }
        else if (_request.UnlabeledSample.Count > 0 && _options.ExamplesPerPrompt > 0)
        {
            text.Append("\nUnlabeled items, to show what the data looks like:\n");
            var random = new Random(Seed(slot));
            foreach (TItem item in _request.UnlabeledSample.OrderBy(_ => random.Next()).Take(_options.ExamplesPerPrompt))
            {
                text.Append("- ").Append(FormatItem(item)).Append('\n');
            }
        }

        if (concepts is not null)
        {
            AppendConcepts(text, concepts);
        }

        AppendFeedback(text);

        text.Append('\n')
            .Append(CultureInfo.InvariantCulture, $"Write program {slot + 1} of {_request.ProgramCount}. Focus on recognizing class ")
            .Append(ClassLabel(focus));
        if (concepts is null)
        {
            text.Append(" with high precision, and return -1 for items you are not sure about. Use evidence a short program can ")
                .Append("check (words, phrases, patterns, lengths, characters), and make it different from obvious one-keyword rules.\n");
        }
        else
        {
            text.Append(" with high precision, and return -1 for items you are not sure about. Use the concept scores: the listed ")
                .Append("concepts (or other constant phrases)")
                .Append(HasPrototypes ? " and the prototypes" : string.Empty)
                .Append(", with thresholds or margins")
                .Append(concepts.Measured ? " chosen from the figures above" : string.Empty)
                .Append(", alone or together with checks on the item itself.\n");
        }

        text.Append("Reply with the whole program in one ```csharp code block.\n");
        return (text.ToString(), focus, examples.Count);
    }

    /// <summary>Gets a value indicating whether the run's concept scores have a prototype of some class.</summary>
    private bool HasPrototypes => _request.Concepts?.Table.PrototypeColumns.Any(c => c is not null) == true;

    /// <summary>Gets the exact signature of a concept program over the item type.</summary>
    public string ConceptSignature => $"public static int Label({_itemType.TypeName} item, Concepts concepts)";

    /// <summary>Gets the system prompt of the slots that write concept programs: the program format with the concept signature, and the exact <see cref="Concepts"/> API.</summary>
    public string ConceptSystem => _conceptSystem ??= BuildSystemPrompt(concepts: true);

    /// <summary>Gets the messages of the concept stage's call: list, per class, short phrases that discriminate the classes.</summary>
    /// <param name="perClass">The most concepts asked for per class.</param>
    public IReadOnlyList<ChatMessage> ConceptListMessages(int perClass)
    {
        LabelingTask task = _request.Task;
        var text = new StringBuilder();
        text.Append("Task: ").Append(task.Name).Append('\n');
        if (!string.IsNullOrWhiteSpace(task.Description))
        {
            text.Append(task.Description.Trim()).Append('\n');
        }

        text.Append("\nClasses:\n");
        for (int k = 0; k < task.ClassCount; k++)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {k} = {task.ClassNames[k]}\n");
        }

        List<LabeledExample<TItem>> examples = SelectExamples(ConceptListSlot, 0);
        if (examples.Count > 0)
        {
            text.Append("\nLabeled examples (class name and index, then the item):\n");
            foreach (LabeledExample<TItem> example in examples)
            {
                text.Append("- [").Append(ClassLabel(example.Label)).Append("] ").Append(FormatItem(example.Item)).Append('\n');
            }
        }

        text.Append('\n')
            .Append("Labeling programs for this task will read concept scores: the cosine similarity between a sentence embedding of ")
            .Append("the item and the embedding of a short natural-language phrase (a concept). List concepts that tell the classes apart: ")
            .Append(CultureInfo.InvariantCulture, $"for each class, up to {perClass} short phrases (3 to 12 words) that describe what items of that class say, ")
            .Append("ask or are about, such as \"asks people to visit a channel\". Prefer concepts typical of one class and unusual in the others.\n\n")
            .Append("Reply with one concept per line, in the form CLASS_INDEX | phrase, for example:\n")
            .Append("0 | describes a problem with a delivery\n")
            .Append(CultureInfo.InvariantCulture, $"Plain lines only: no code, no quotes or backslashes in a phrase, at most {ChatConceptList.MaxPhraseCharacters} characters per phrase.\n");
        return
        [
            new ChatMessage(ChatRole.System, "You are a domain expert who helps engineers write precise labeling heuristics for weak supervision."),
            new ChatMessage(ChatRole.User, text.ToString()),
        ];
    }

    /// <summary>Builds the message that sends a failed program back with its problems.</summary>
    public static string Repair(LabelingProgram program, IReadOnlyList<string> problems)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Your program was rejected. These are the exact problems ({problems.Count}):\n");
        foreach (string problem in problems)
        {
            text.Append("- ").Append(problem).Append('\n');
        }

        text.Append("\nFix every problem and keep the same idea. Stay within the rules of the program format. ")
            .Append("Reply with the whole corrected program in one ```csharp code block.\n");
        return text.ToString();
    }

    /// <summary>The one follow-up a slot sends when a reply holds no C# code block: what was wrong, and the format again.</summary>
    public static string MissingCodeBlock(string reason) =>
        $"Your reply holds no program: {reason} Reply with the whole program (one class with the Label method) in one ```csharp code block.\n";

    private string BuildSystemPrompt(bool concepts = false)
    {
        var text = new StringBuilder();
        text.Append("You write labeling functions: small, deterministic C# programs that label data items for weak supervision. ")
            .Append("Each program is one heuristic. It votes for a class when it sees evidence and abstains (returns -1) otherwise; ")
            .Append("precision matters more than coverage, because many programs are combined later.\n\n")
            .Append("Program format:\n")
            .Append("- One class (any name) holding exactly this method:\n    ").Append(concepts ? ConceptSignature : _itemType.Signature).Append('\n')
            .Append("- Return a class index from the task's list, or -1 to abstain.\n")
            .Append("- Using directives are allowed. Helper methods, local functions, switch expressions, tuples, LINQ and ")
            .Append("static readonly lookup tables (arrays, sets, dictionaries, compiled Regex) are fine.\n")
            .Append("- Use only: string and char methods, Math, collections, LINQ, System.Text.RegularExpressions, StringBuilder, ")
            .Append("System.Globalization")
            .Append(_itemType.IsText ? "" : ", and the item's public members")
            .Append(concepts ? ", and the concepts argument as described below" : "")
            .Append(".\n")
            .Append("- Never use files, network, processes, environment, reflection, threads or tasks, unsafe code, P/Invoke, ")
            .Append("dynamic, static mutable fields, randomness or clocks: such programs are rejected.\n")
            .Append("- The program runs on every item under a step budget: no unbounded loops or deep recursion.\n\n");
        if (concepts)
        {
            AppendConceptApi(text);
        }

        text.Append("Reply with exactly one ```csharp code block holding the whole program.");
        return text.ToString();
    }

    /// <summary>The exact API of <see cref="Concepts"/>, as the sandbox allows it, and which prototypes this run has.</summary>
    private void AppendConceptApi(StringBuilder text)
    {
        int[] prototypes = [.. (_request.Concepts?.Table.PrototypeColumns ?? []).Select((column, k) => column is null ? -1 : k).Where(k => k >= 0)];
        text.Append("Concept scores (the concepts argument), computed by a sentence-embedding model before the program runs:\n")
            .Append("- concepts[\"a phrase\"] is a double: the cosine similarity (-1 to 1) of the item to the phrase; higher means closer in meaning. ")
            .Append(CultureInfo.InvariantCulture, $"The phrase must be a compile-time constant string (a literal or a const; some text, at most {ConceptPhraseCollector.MaxPhraseLength:N0} characters; ")
            .Append(CultureInfo.InvariantCulture, $"at most {ConceptPhraseCollector.MaxPhrases} distinct phrases per program); a computed phrase is rejected. ")
            .Append("Any constant phrase works: the run embeds every phrase a program names before it runs the program.\n")
            .Append("- concepts.Prototype(k) is a double: the similarity of the item to the centroid of the labeled seed items of class k ")
            .Append("(for a seed item, the centroid of the other seed items of its class).\n")
            .Append("- concepts.PrototypeCount is an int: the number of classes, or 0 when there are no labeled seed items. ")
            .Append(prototypes.Length == 0
                ? "This run has no prototype: do not call Prototype.\n"
                : $"This run has prototypes for classes {string.Join(", ", prototypes.Select(k => k.ToString(CultureInfo.InvariantCulture)))}; Prototype of any other class faults.\n")
            .Append("- Concepts needs no using directive. Use nothing else of it: no other member, no construction, no static member.\n")
            .Append("- Similarities are small numbers that differ little between items: compare them with thresholds taken from the ")
            .Append("figures in the prompt, or compare two of them (a margin), rather than with guessed constants.\n\n");
    }

    /// <summary>The listed concepts, with their measured means when the seed items allowed, and the prototypes' means.</summary>
    private void AppendConcepts(StringBuilder text, ChatConceptContext concepts)
    {
        IReadOnlyList<string> names = _request.Task.ClassNames;
        if (concepts.SeedCounts is { } counts)
        {
            string seeds = string.Join(", ", counts.Select((n, k) => string.Create(CultureInfo.InvariantCulture, $"{names[k]} {n}")));
            text.Append(CultureInfo.InvariantCulture, $"\nConcepts listed for this task (the class they describe, then the phrase), each with the mean of concepts[\"phrase\"] on the labeled seed items of each class ({seeds} seed items):\n");
        }
        else
        {
            text.Append("\nConcepts listed for this task (the class they describe, then the phrase):\n");
        }

        foreach (ChatConcept concept in concepts.Concepts)
        {
            text.Append("- [").Append(ClassLabel(concept.Label)).Append("] \"").Append(concept.Phrase).Append('"');
            if (concept.MeanByClass is { } means)
            {
                text.Append(": ").Append(Means(means));
            }

            text.Append('\n');
        }

        if (concepts.PrototypeMeans.Any(m => m is not null))
        {
            text.Append("\nThe mean of concepts.Prototype(k) on the labeled seed items of each class:\n");
            for (int k = 0; k < concepts.PrototypeMeans.Count; k++)
            {
                if (concepts.PrototypeMeans[k] is { } means)
                {
                    text.Append(CultureInfo.InvariantCulture, $"- Prototype({k}) ({names[k]}): ").Append(Means(means)).Append('\n');
                }
            }
        }

        string Means(IReadOnlyList<double> means) => string.Join(
            ", ",
            means.Select((m, k) => double.IsNaN(m) ? null : string.Create(CultureInfo.InvariantCulture, $"{names[k]} {m:0.000}")).Where(s => s is not null));
    }

    private void AppendTask(StringBuilder text) => AppendTask(text, _itemType.Signature);

    private void AppendTask(StringBuilder text, string signature)
    {
        LabelingTask task = _request.Task;
        text.Append("Task: ").Append(task.Name).Append('\n');
        if (!string.IsNullOrWhiteSpace(task.Description))
        {
            text.Append(task.Description.Trim()).Append('\n');
        }

        text.Append("\nClasses (the value Label returns):\n");
        for (int k = 0; k < task.ClassCount; k++)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {k} = {task.ClassNames[k]}\n");
        }

        text.Append("  -1 = abstain (not sure)\n\n");
        if (_itemType.IsText)
        {
            text.Append("Each item is a string (the text to label). The program declares:\n    ").Append(signature).Append('\n');
        }
        else
        {
            text.Append("Each item is a ").Append(_itemType.TypeName).Append(". The program declares:\n    ").Append(signature).Append('\n');
            if (_itemType.Members.Count > 0)
            {
                text.Append("Its public members:\n");
                foreach (string member in _itemType.Members)
                {
                    text.Append("    ").Append(member).Append('\n');
                }
            }
        }
    }

    private void AppendFeedback(StringBuilder text)
    {
        SynthesisFeedback<TItem>? feedback = _request.Feedback;
        if (feedback is null || feedback.IsEmpty)
        {
            return;
        }

        if (feedback.Problems.Count > 0)
        {
            text.Append("\nProblems found in earlier programs (avoid them):\n");
            foreach (string problem in feedback.Problems)
            {
                text.Append("- ").Append(problem).Append('\n');
            }
        }

        if (feedback.Uncovered.Count > 0)
        {
            text.Append("\nItems no current program labels (write a program that covers some of them):\n");
            foreach (FeedbackExample<TItem> example in feedback.Uncovered)
            {
                AppendFeedbackExample(text, example);
            }
        }

        if (feedback.Conflicting.Count > 0)
        {
            text.Append("\nItems where current programs disagree (a precise program helps decide them):\n");
            foreach (FeedbackExample<TItem> example in feedback.Conflicting)
            {
                AppendFeedbackExample(text, example);
            }
        }
    }

    private void AppendFeedbackExample(StringBuilder text, FeedbackExample<TItem> example)
    {
        text.Append("- ");
        if (example.Label is int label)
        {
            text.Append('[').Append(ClassLabel(label)).Append("] ");
        }

        text.Append(FormatItem(example.Item));
        if (example.Votes.Count > 0)
        {
            text.Append(" (votes: ").Append(string.Join(", ", example.Votes.Select(ClassLabel))).Append(')');
        }

        text.Append('\n');
    }

    private List<LabeledExample<TItem>> SelectExamples(int slot, int focus)
    {
        var selected = new List<LabeledExample<TItem>>();
        int wanted = _options.ExamplesPerPrompt;
        if (wanted == 0 || _request.Examples.Count == 0)
        {
            return selected;
        }

        var random = new Random(Seed(slot));
        Queue<LabeledExample<TItem>>[] queues = [.. _examplesByClass.Select(c => new Queue<LabeledExample<TItem>>(c.OrderBy(_ => random.Next())))];
        int classCount = queues.Length;

        // Round robin over the classes, starting with the focus class, so each prompt is balanced.
        for (int step = 0; selected.Count < wanted && queues.Any(q => q.Count > 0); step++)
        {
            Queue<LabeledExample<TItem>> queue = queues[(focus + step) % classCount];
            if (queue.Count > 0)
            {
                selected.Add(queue.Dequeue());
            }
        }

        return selected;
    }

    private int Seed(int slot)
    {
        // FNV-1a: string.GetHashCode and HashCode are randomized per process, and prompts must be reproducible.
        uint hash = 2166136261;
        foreach (char c in _request.ProgramNamePrefix)
        {
            hash = (hash ^ c) * 16777619;
        }

        hash = (hash ^ (uint)_options.Seed) * 16777619;
        hash = (hash ^ (uint)slot) * 16777619;
        return (int)(hash & int.MaxValue);
    }

    private string ClassLabel(int label) =>
        label >= 0 && label < _request.Task.ClassCount
            ? string.Create(CultureInfo.InvariantCulture, $"{_request.Task.ClassNames[label]} ({label})")
            : label.ToString(CultureInfo.InvariantCulture);

    private string FormatItem(TItem item)
    {
        string text = item is string s ? Quote(s) : item is null ? "null" : JsonSerializer.Serialize(item, ItemJson);
        int max = _options.MaxItemCharacters;
        return text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
    }

    private static string Quote(string value)
    {
        var text = new StringBuilder(value.Length + 2).Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': break;
                case '\t': text.Append("\\t"); break;
                default: text.Append(char.IsControl(c) ? ' ' : c); break;
            }
        }

        return text.Append('"').ToString();
    }
}
