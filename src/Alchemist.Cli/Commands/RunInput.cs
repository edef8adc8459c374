using System.CommandLine;
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
                throw new DataFormatException(settings.Input, $"{number}", settings.IdField, $"is '{item.Id}', which an earlier row has; ids must be distinct so that labels.jsonl can be joined back.");
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

        if (number == 0)
        {
            throw new UsageException($"--input '{settings.Input}' has no rows; give at least one row to label.");
        }

        if (items.Count == 0)
        {
            throw new UsageException($"Every row of --input '{settings.Input}' has a label in '{settings.LabelField}', so there is nothing to label; leave the label empty on the rows to label (or score labeled rows with --test-input).");
        }

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

        return new RunData(name, task, items, ids, [.. seed], test) { SeedSource = $"'{settings.LabelField}' of {settings.Input}" };
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
