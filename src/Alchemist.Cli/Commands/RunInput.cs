using System.CommandLine;
using System.Runtime.InteropServices;
using System.CommandLine.Parsing;

namespace Alchemist.Cli.Commands;

/// <summary>
/// The options of <c>alchemist run --input</c> (the user's own CSV or JSON Lines file) and the reading of that file:
/// rows with a label are the seed labels, the rest are labeled; <c>--test-input</c> is only scored.
/// </summary>
internal sealed class RunInput
{
    public Option<string?> Input { get; } = new("--input")
    {
        Description = "Your own items instead of --data: a .csv file with a header, or a .jsonl file with one object per line. Rows with a label are the seed labels; the rest are labeled.",
        HelpName = "FILE",
    };

    public Option<string> TextField { get; } = new("--text-field") { Description = "With --input: the column or property that holds the text.", DefaultValueFactory = _ => "text", HelpName = "NAME" };

    public Option<string> LabelField { get; } = new("--label-field")
    {
        Description = "With --input: the column or property that holds a row's label (a class name or index; empty or missing for rows to label).",
        DefaultValueFactory = _ => "label",
        HelpName = "NAME",
    };

    public Option<string> IdField { get; } = new("--id-field")
    {
        Description = "With --input: the column or property that holds a row's id, written beside its label in labels.jsonl; the row's number when it has none.",
        DefaultValueFactory = _ => "id",
        HelpName = "NAME",
    };

    public Option<string?> Classes { get; } = new("--classes") { Description = "With --input (required): the class names in label order, comma-separated, such as \"ham,spam\".", HelpName = "NAMES" };

    public Option<string?> TaskDescription { get; } = new("--task") { Description = "With --input: what an item is and what the classes mean, for the LLM and the reports.", HelpName = "TEXT" };

    public Option<string?> TestInput { get; } = new("--test-input")
    {
        Description = "With --input: a labeled file in the same format, only scored (never used to fit or choose anything).",
        HelpName = "FILE",
    };

    /// <summary>Gets every option, to add to the command.</summary>
    public IEnumerable<Option> All => [Input, TextField, LabelField, IdField, Classes, TaskDescription, TestInput];

    /// <summary>Refuses, at parse time, --input with --data, options of --input without it, and --input without --classes.</summary>
    public void Validate(CommandResult result, Option<string?> data)
    {
        bool input = result.GetResult(Input) is not null;
        if (input && result.GetResult(data) is not null)
        {
            result.AddError("--input and --data are mutually exclusive: give your own items with --input FILE, or a WRENCH-format folder with --data DIR.");
            return;
        }

        if (!input)
        {
            foreach (Option option in new Option[] { TextField, LabelField, IdField, Classes, TaskDescription, TestInput })
            {
                if (result.GetResult(option) is { Implicit: false })
                {
                    result.AddError($"{option.Name} applies only to --input FILE; a --data folder names its own texts, labels and splits.");
                }
            }

            return;
        }

        if (result.GetResult(Classes) is null)
        {
            result.AddError("--input needs --classes: the class names in label order, comma-separated, such as --classes \"ham,spam\".");
        }
    }

    /// <summary>Reads the values of the options from a parse result.</summary>
    public Settings? Read(ParseResult parsed) => parsed.GetValue(Input) is not { } input ? null : new Settings(
        input,
        parsed.GetValue(TextField)!,
        parsed.GetValue(LabelField)!,
        parsed.GetValue(IdField)!,
        parsed.GetValue(Classes)!,
        parsed.GetValue(TaskDescription),
        parsed.GetValue(TestInput))
    {
        IdFieldGiven = parsed.GetResult(IdField) is { Implicit: false },
    };

    /// <summary>Reads the input file (and the test file), streaming, into what the run labels; a malformed row fails here, before any synthesis.</summary>
    /// <exception cref="UsageException">The arguments or the files' contents cannot make a run.</exception>
    /// <exception cref="DataFormatException">A row is malformed; the message names the file, the record with its line, and the field.</exception>
    public static RunData Load(Settings settings)
    {
        (string name, LabelingTask task, TextItemFileOptions options) = Describe(settings);

        var items = new List<string>();
        var ids = new List<string>();
        var seed = new List<LabeledExample<string>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int number = 0;
        foreach (TextItem item in Read(settings.Input, "--input", options))
        {
            number++;
            if (!seen.Add(item.Id))
            {
                throw DuplicateId(settings, number, item.Id);
            }

            if (item.Label is int label)
            {
                seed.Add(new LabeledExample<string>(item.Text, label));
            }
            else
            {
                items.Add(item.Text);
                ids.Add(item.Id);
            }
        }

        CheckCounts(settings, number, items.Count);
        return new RunData(name, task, items, ids, [.. seed], LoadTest(settings, options)) { SeedSource = $"'{settings.LabelField}' of {settings.Input}" };
    }

    /// <summary>
    /// Reads the input file as <see cref="Load"/> does, with the same checks and messages before any synthesis, but
    /// holds only the labeled rows (the seed labels): the rows to label stay in the file and are read as the run goes
    /// (<see cref="RunData.Source"/>, <see cref="ItemSource.FromTextFile"/>), so memory does not grow with them.
    /// </summary>
    /// <remarks>
    /// Ids are checked distinct through a 64-bit hash of each (8 bytes a row, sorted once); rows whose hashes meet are
    /// compared by their ids in a second read, so the first real repeat is reported with its row, as <see cref="Load"/>
    /// reports it.
    /// </remarks>
    /// <exception cref="UsageException">The arguments or the files' contents cannot make a run.</exception>
    /// <exception cref="DataFormatException">A row is malformed, or repeats an earlier row's id.</exception>
    public static RunData LoadStreamed(Settings settings)
    {
        (string name, LabelingTask task, TextItemFileOptions options) = Describe(settings);

        var seed = new List<LabeledExample<string>>();
        var hashes = new List<ulong>();
        int number = 0;
        int unlabeled = 0;
        foreach (TextItem item in Read(settings.Input, "--input", options))
        {
            number++;
            hashes.Add(IdHash(item.Id));
            if (item.Label is int label)
            {
                seed.Add(new LabeledExample<string>(item.Text, label));
            }
            else
            {
                unlabeled++;
            }
        }

        CheckCounts(settings, number, unlabeled);
        CheckDistinctIds(settings, options, hashes);
        return new RunData(name, task, [], [], [.. seed], LoadTest(settings, options))
        {
            SeedSource = $"'{settings.LabelField}' of {settings.Input}",
            Source = ItemSource.FromTextFile(settings.Input, options, unlabeledOnly: true),
        };
    }

    /// <summary>Refuses a file with no row, or with no row to label.</summary>
    private static void CheckCounts(Settings settings, int rows, int unlabeled)
    {
        if (rows == 0)
        {
            throw new UsageException($"--input '{settings.Input}' has no rows; give at least one row to label.");
        }

        if (unlabeled == 0)
        {
            throw new UsageException($"Every row of --input '{settings.Input}' has a label in '{settings.LabelField}', so there is nothing to label; leave the label empty on the rows to label (or score labeled rows with --test-input).");
        }
    }

    /// <summary>Finds the first row whose id an earlier row has, reading the file again only when two ids' hashes meet (<paramref name="hashes"/> is sorted in place).</summary>
    private static void CheckDistinctIds(Settings settings, TextItemFileOptions options, List<ulong> hashes)
    {
        Span<ulong> sorted = CollectionsMarshal.AsSpan(hashes);
        sorted.Sort();
        HashSet<ulong>? shared = null;
        for (int i = 1; i < sorted.Length; i++)
        {
            if (sorted[i] == sorted[i - 1])
            {
                (shared ??= []).Add(sorted[i]);
            }
        }

        if (shared is null)
        {
            return;
        }

        // Only the rows whose hash another row shares are compared, by their ids, in file order.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int number = 0;
        foreach (TextItem item in Read(settings.Input, "--input", options))
        {
            number++;
            if (shared.Contains(IdHash(item.Id)) && !seen.Add(item.Id))
            {
                throw DuplicateId(settings, number, item.Id);
            }
        }
    }

    /// <summary>FNV-1a over the id's UTF-16 code units: 64 bits, the same in every process.</summary>
    private static ulong IdHash(string id)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in id)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }

    private static DataFormatException DuplicateId(Settings settings, int number, string id) =>
        new(settings.Input, $"{number}", settings.IdField, $"is '{id}', which an earlier row has; ids must be distinct so that labels.jsonl can be joined back.");

    /// <summary>Reads --test-input, when given: every row needs a label.</summary>
    private static LabeledExample<string>[]? LoadTest(Settings settings, TextItemFileOptions options)
    {
        LabeledExample<string>[]? test = null;
        if (settings.TestInput is { } testPath)
        {
            // Every row of a scored file needs a label; one without is malformed, with its line.
            test = [.. ReadTest(testPath, options with { RequireId = false })];
            if (test.Length == 0)
            {
                throw new UsageException($"--test-input '{testPath}' has no rows; give labeled rows to score on, or leave it out.");
            }
        }

        return test;
    }

    /// <summary>Reads every row of the input file, labeled or not, with the task it describes (for <c>alchemist analyze --input</c>).</summary>
    /// <exception cref="UsageException">The arguments are wrong, or the file has no rows.</exception>
    /// <exception cref="DataFormatException">A row is malformed; the message names the file, the record with its line, and the field.</exception>
    public static (LabelingTask Task, IReadOnlyList<TextItem> Rows) ReadRows(Settings settings)
    {
        (_, LabelingTask task, TextItemFileOptions options) = Describe(settings);
        List<TextItem> rows = [.. Read(settings.Input, "--input", options)];
        return rows.Count > 0 ? (task, rows) : throw new UsageException($"--input '{settings.Input}' has no rows; give at least one row.");
    }

    /// <summary>The dataset's name, the task and the reader's options the settings describe.</summary>
    private static (string Name, LabelingTask Task, TextItemFileOptions Options) Describe(Settings settings)
    {
        string[] classes = ParseClasses(settings.Classes);
        string name = Path.GetFileNameWithoutExtension(settings.Input);
        string description = string.IsNullOrWhiteSpace(settings.Task)
            ? $"Classify each item of '{Path.GetFileName(settings.Input)}' as one of: {string.Join(", ", classes)}."
            : settings.Task.Trim();
        var task = new LabelingTask(string.IsNullOrWhiteSpace(name) ? "input" : name, description, classes);
        // A named id field must be on every row (a CSV column, a JSON Lines property): rows numbered in its stead could
        // not be joined back as the user expects.
        var options = new TextItemFileOptions
        {
            TextField = settings.TextField,
            IdField = settings.IdField,
            LabelField = settings.LabelField,
            ClassNames = classes,
            RequireId = settings.IdFieldGiven,
        };
        return (name, task, options);
    }

    private static IEnumerable<LabeledExample<string>> ReadTest(string path, TextItemFileOptions options) =>
        Read(path, "--test-input", options with { RequireLabel = true }).Select(item => new LabeledExample<string>(item.Text, item.Label!.Value));

    private static IEnumerable<TextItem> Read(string path, string option, TextItemFileOptions options)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"{option} '{path}' does not exist.");
        }

        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".csv" => TextItemReader.ReadCsv(path, options),
            ".jsonl" or ".ndjson" => TextItemReader.ReadJsonLines(path, options),
            _ => throw new UsageException($"{option} '{path}' is neither .csv nor .jsonl; give items in one of those formats."),
        };
    }

    private static string[] ParseClasses(string classes)
    {
        string[] names = [.. classes.Split(',').Select(c => c.Trim())];
        if (names.Length < 2 || names.Any(string.IsNullOrEmpty))
        {
            throw new UsageException($"--classes is '{classes}'; give at least two non-empty class names, comma-separated, in label order (such as \"ham,spam\").");
        }

        if (names.Distinct(StringComparer.OrdinalIgnoreCase).Count() != names.Length)
        {
            throw new UsageException($"--classes is '{classes}'; a class name appears twice (names are compared ignoring case).");
        }

        if (names.Length > Label.MaxClassCount)
        {
            throw new UsageException($"--classes names {names.Length} classes; at most {Label.MaxClassCount} are supported.");
        }

        return names;
    }

    /// <summary>The values of the --input options.</summary>
    internal sealed record Settings(string Input, string TextField, string LabelField, string IdField, string Classes, string? Task, string? TestInput)
    {
        /// <summary>Gets a value indicating whether --id-field was given, so that every row must have that field.</summary>
        public bool IdFieldGiven { get; init; }
    }
}
