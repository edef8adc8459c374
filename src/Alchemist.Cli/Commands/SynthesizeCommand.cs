using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Alchemist.Cli.Llm;
using Microsoft.Extensions.AI;

namespace Alchemist.Cli.Commands;

/// <summary>
/// <c>alchemist synthesize</c>: asks an LLM for labeling programs for a dataset's task, repairs the ones the sandbox
/// rejects, gates them on the train split and the dev set, and writes the kept ones as a program library with the
/// chat transcript; prints kept programs, dropped ones with their reasons, and the cost ledger.
/// </summary>
internal static class SynthesizeCommand
{
    /// <summary>The name of the report the command writes beside the library; the same JSON <c>--json</c> prints.</summary>
    public const string ReportFileName = "synthesis-report.json";

    /// <summary>The largest number of train items programs are validated and gated on.</summary>
    public const int MaxSampleItems = 2_000;

    public static Command Create(CliContext context)
    {
        Option<string?> data = CliOptions.Data();
        Option<string> llm = new("--llm")
        {
            Description = "The model that writes the programs: openai:MODEL (OPENAI_API_KEY, OPENAI_BASE_URL), azure:DEPLOYMENT (AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY), ollama:MODEL (OLLAMA_HOST) or replay:FILE (a recorded transcript.jsonl).",
            HelpName = "SPEC",
            Required = true,
        };
        Option<int> count = new("--count") { Description = "The number of programs to ask for.", DefaultValueFactory = _ => 8, HelpName = "N" };
        Option<int> repairs = new("--repairs") { Description = "The largest number of times a rejected program is sent back with its errors.", DefaultValueFactory = _ => 2, HelpName = "R" };
        Option<string> output = new("--out") { Description = "A new or empty folder for the program library, the transcript and the report.", HelpName = "DIR", Required = true };
        Option<string?> prices = new("--prices") { Description = "A JSON file of model prices, replacing the tool's defaults: {\"MODEL\": {\"inputUsdPerMillionTokens\": 0.15, \"outputUsdPerMillionTokens\": 0.6}}.", HelpName = "FILE" };
        Option<int> concurrency = new("--concurrency") { Description = "The largest number of programs requested at once.", DefaultValueFactory = _ => 4, HelpName = "N" };
        Option<double> timeout = CliOptions.Timeout();
        Option<int> maxRetries = CliOptions.MaxRetries();
        Option<int> seed = CliOptions.Seed();
        Option<bool> json = CliOptions.Json();
        var stages = new LlmStages(defaultFeedbackRounds: 0);
        var command = new Command("synthesize", "Ask an LLM for labeling programs, repair and gate them in the sandbox, and write the kept ones as a program library.")
        {
            data, llm, count, repairs, output, prices, concurrency, timeout, maxRetries, seed, json,
        };
        foreach (Option option in stages.All)
        {
            command.Options.Add(option);
        }

        command.Validators.Add(result => stages.Validate(result, llm));
        command.SetAction((parsed, cancellationToken) => ExecuteAsync(
            parsed.InvocationConfiguration.Output,
            parsed.InvocationConfiguration.Error,
            context,
            new Settings(
                parsed.GetValue(data),
                parsed.GetValue(llm)!,
                parsed.GetValue(count),
                parsed.GetValue(repairs),
                parsed.GetValue(output)!,
                parsed.GetValue(prices),
                parsed.GetValue(concurrency),
                parsed.GetValue(seed),
                parsed.GetValue(json),
                new LlmSettings(parsed.GetValue(maxRetries), parsed.GetValue(timeout)))
            {
                Stages = stages.Read(parsed),
            },
            cancellationToken));
        return command;
    }

    private static async Task<int> ExecuteAsync(TextWriter output, TextWriter error, CliContext context, Settings settings, CancellationToken cancellationToken)
    {
        settings.Check();
        // Priced as 'run' prices its calls: the tool's bundled prices, or --prices in their stead.
        Dictionary<string, ModelPrice> prices = settings.PricesFile is null ? PriceFile.LoadDefaults() : PriceFile.Load(settings.PricesFile);
        WrenchDataset dataset = CliDatasets.Load(settings.Data);
        if (!dataset.Train.HasText)
        {
            throw new UsageException($"The dataset '{dataset.Name}' has no item texts in train.json; synthesized programs need texts to run on.");
        }

        string[] items = [.. dataset.Train.Texts.Select(t => t!)];
        LabeledExample<string>[] dev = dataset.Valid is { HasText: true } valid
            ? [.. valid.Texts.Select((text, i) => new LabeledExample<string>(text!, valid.GoldLabels[i])).Where(e => e.Label >= 0)]
            : [];
        PrepareOutputFolder(settings.Out);

        var synthesizerOptions = new ChatSynthesizerOptions
        {
            MaxRepairs = settings.Repairs,
            MaxConcurrency = settings.Concurrency,
            Seed = settings.Seed,
            GeneratePriorKnowledge = settings.Stages.PriorKnowledge,
        };
        foreach ((string model, ModelPrice price) in prices)
        {
            synthesizerOptions.Prices[model] = price;
        }

        SynthesisResult result;
        (int ExitCode, string? Line) calls;
        string transcriptPath = Path.Combine(settings.Out, ProgramLibrary.TranscriptFileName);
        await using (var transcript = new StreamWriter(transcriptPath, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
        {
            using LlmSession session = LlmSession.Open(settings.Llm, context, settings.Calls, transcript);
            var synthesizer = new ChatProgramSynthesizer(session.Client, synthesizerOptions, timeProvider: context.Time);
            // The pipeline's synthesis and gate, without labeling: programs are validated (and repaired) and gated on a
            // seeded sample of the train texts, compiled once each.
            var pipeline = new LabelingPipeline(
                [synthesizer],
                new LabelingPipelineOptions
                {
                    ProgramsPerSynthesizer = settings.Count,
                    FeedbackRounds = settings.Stages.FeedbackRounds,
                    GateSampleSize = MaxSampleItems,
                    Seed = settings.Seed,
                    DirectLabelingModel = null,
                },
                ledger: synthesizer.Ledger);
            result = await pipeline.SynthesizeAsync(new LabelingJob<string>(dataset.Task, items) { SeedSet = dev }, cancellationToken: cancellationToken).ConfigureAwait(false);
            calls = session.Assess(result.SynthesisCost);
        }

        new ProgramLibrary(result.KeptPrograms, dataset.Task).Save(settings.Out);
        int sampleItems = Math.Min(items.Length, MaxSampleItems);

        var report = new SynthesisReport(dataset, settings, sampleItems, dev.Length, result);
        JsonObject reportJson = report.ToJson();
        await File.WriteAllTextAsync(Path.Combine(settings.Out, ReportFileName), reportJson.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n", cancellationToken).ConfigureAwait(false);
        if (settings.Json)
        {
            CliJson.Write(output, reportJson);
        }
        else
        {
            report.WriteText(output);
        }

        if (calls.Line is not null)
        {
            error.WriteLine(calls.Line);
        }

        return calls.ExitCode;
    }

    private static void PrepareOutputFolder(string directory)
    {
        if (File.Exists(directory))
        {
            throw new UsageException($"--out '{directory}' is a file; give a new or empty folder for the program library.");
        }

        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
        {
            throw new UsageException($"The output folder '{directory}' is not empty; give a new or empty folder for the program library.");
        }

        Directory.CreateDirectory(directory);
    }

    /// <summary>The command's arguments.</summary>
    internal sealed record Settings(string? Data, string Llm, int Count, int Repairs, string Out, string? PricesFile, int Concurrency, int Seed, bool Json, LlmSettings Calls)
    {
        /// <summary>Gets the prior-knowledge and feedback-round options (none by default).</summary>
        public LlmStages.Settings Stages { get; init; } = LlmStages.Settings.None;

        public void Check()
        {
            Calls.Check();
            if (Count is < 1 or > 1_000)
            {
                throw new UsageException($"--count is {Count}; ask for between 1 and 1000 programs.");
            }

            if (Repairs is < 0 or > 10)
            {
                throw new UsageException($"--repairs is {Repairs}; allow between 0 and 10 repairs per program.");
            }

            if (Concurrency is < 1 or > 64)
            {
                throw new UsageException($"--concurrency is {Concurrency}; use between 1 and 64.");
            }
        }
    }

    /// <summary>Formats a cost in US dollars without trailing zeros.</summary>
    internal static string Usd(decimal? value) =>
        value is decimal d ? (d / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture) : "-";
}
