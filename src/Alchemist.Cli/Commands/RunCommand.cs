using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alchemist.Cli.Llm;
using Microsoft.Extensions.AI;

namespace Alchemist.Cli.Commands;

/// <summary>
/// <c>alchemist run</c>: the whole pipeline on a WRENCH-format dataset (<c>--data</c>) or the user's own CSV or JSON
/// Lines file (<c>--input</c>, see <see cref="RunInput"/>). Offline programs mined from the seed (dev)
/// labels, plus an LLM's when <c>--llm</c> names one; the sandbox and the gate; the label model (chosen on dev);
/// the distilled end model; labels, programs, reports and the run's figures written to <c>--out</c>.
/// </summary>
internal static class RunCommand
{
    public const string DefaultOutput = "alchemist-run";
    public const string LabelsFileName = "labels.jsonl";
    public const string ProgramsFolderName = "programs";
    public const string MarkdownReportFileName = "report.md";
    public const string HtmlReportFileName = "report.html";
    public const string RunFileName = "run.json";
    public const string EndModelFileName = "end-model.bin";

    public static Command Create(CliContext context)
    {
        Option<string?> data = CliOptions.Data();
        Option<string> llm = new("--llm")
        {
            Description = "none (the default: offline programs only), or an LLM whose programs join the offline ones: replay:FILE, openai:MODEL (OPENAI_API_KEY, OPENAI_BASE_URL), azure:DEPLOYMENT (AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY), ollama:MODEL (OLLAMA_HOST).",
            DefaultValueFactory = _ => "none",
            HelpName = "SPEC",
        };
        Option<int> programs = new("--programs") { Description = "The number of programs each synthesizer is asked for.", DefaultValueFactory = _ => 10, HelpName = "N" };
        Option<int?> seedLabels = new("--seed-labels") { Description = "Use only N of the labeled items (valid.json of --data, or the labeled rows of --input) as seed labels (a seeded random choice); all of them when left out. More than there are is refused.", HelpName = "N" };
        Option<string> labelModel = CliOptions.LabelModel("auto");
        Option<string> metric = new("--metric") { Description = "The metric on the seed labels the label model is chosen by: accuracy, or f1 (binary tasks only; F1 of class 1).", DefaultValueFactory = _ => "accuracy", HelpName = "accuracy|f1" };
        Option<string?> library = new("--library") { Description = "Re-run the programs of a program library folder (such as an earlier run's programs/) with no synthesizer call.", HelpName = "DIR" };
        Option<string?> prices = new("--prices") { Description = "A JSON file of model prices, replacing the tool's defaults: {\"MODEL\": {\"inputUsdPerMillionTokens\": 0.15, \"outputUsdPerMillionTokens\": 0.6}}.", HelpName = "FILE" };
        Option<string> directModel = new("--direct-model") { Description = "The model whose direct labeling of every item the cost plan estimates; the --llm model when it names one.", DefaultValueFactory = _ => "gpt-4o-mini", HelpName = "MODEL" };
        Option<string> output = new("--out") { Description = "The folder the labels, programs, reports and run.json are written to.", DefaultValueFactory = _ => DefaultOutput, HelpName = "DIR" };
        Option<double> timeout = CliOptions.Timeout();
        Option<int> maxRetries = CliOptions.MaxRetries();
        Option<int> seed = CliOptions.Seed();
        Option<bool> inProcess = new("--in-process")
        {
            Description = "Compile and run the programs in this process instead of in sandbox worker processes (which have a memory limit and a watchdog, and survive a program that crashes or hangs them); for programs you trust.",
        };
        Option<string> endModelSample = new("--end-model-sample")
        {
            Description = "The largest number of weakly labeled items the end model is trained on: above it, a seeded random sample of that many (the seed labels always join it); 'all' trains on every covered item.",
            DefaultValueFactory = _ => new LabelingPipelineOptions().EndModelSampleSize?.ToString(CultureInfo.InvariantCulture) ?? "all",
            HelpName = "N|all",
        };
        Option<string> endModelChoice = new("--end-model-choice")
        {
            Description = "Whether the run checks, at its end, that its end model beats the same model trained on the seed labels alone, and ships the seed-only model when it clearly does not; the check re-runs the pipeline once per fold of the seed labels (up to 5 more runs). auto checks when synthesis costs no service call (the offline synthesizer, --library), not with --llm; always checks with --llm too (its calls are paid again); off never checks.",
            DefaultValueFactory = _ => "auto",
            HelpName = "auto|always|off",
        };
        Option<string?> matrixBudget = new("--matrix-memory-budget")
        {
            Description = "The largest label matrix (items x (programs + 1) bytes) a streamed run (--data, --input) holds in memory; a larger one is spilled to a memory-mapped temporary file, same labels. Bytes, or a size such as 64MB or 1GiB (KB, MB, GB, TB: powers of 1000; KiB, MiB, GiB, TiB: of 1024); 0 always spills. Never spilled when left out.",
            HelpName = "SIZE",
        };
        Option<bool> json = CliOptions.Json();
        Option<string> embeddings = CliOptions.Embeddings(run: true);
        Option<string?> cluster = ClusterOption.Create();
        Option<bool> keepVotes = ClusterOption.CreateKeepVotes();
        Option<bool> predictOnCoordinator = ClusterOption.CreatePredictOnCoordinator();
        Option<string?> endModelFeatures = new("--end-model-features")
        {
            Description = $"The end model's features: {Settings.HashedFeatures} (its hashed n-grams only; the default without --embeddings) or {Settings.HashedAndEmbeddingFeatures} (the n-grams and the vectors of --embeddings; the default with them). With {Settings.HashedFeatures}, --embeddings feeds only the concept scores, and the saved model labels without embeddings.",
            HelpName = $"{Settings.HashedFeatures}|{Settings.HashedAndEmbeddingFeatures}",
        };
        Option<string?> embeddingCache = new("--embedding-cache") { Description = "A folder where the embeddings (--embeddings) of concept scores and of the end model's features are cached between runs, by model and text hash; none when left out. Needs --embeddings.", HelpName = "DIR" };
        var input = new RunInput();
        var stages = new LlmStages(defaultFeedbackRounds: new LabelingPipelineOptions().FeedbackRounds, concepts: true);
        var command = new Command("run", "Run the whole pipeline: synthesize programs, gate them in the sandbox, label every item, aggregate, distill, and write labels and reports.")
        {
            data,
        };

        // The --input options follow --data in the help, as its alternative.
        foreach (Option option in input.All.Concat<Option>([llm, programs]).Concat(stages.All).Concat([seedLabels, labelModel, metric, library, prices, directModel, embeddings, endModelFeatures, embeddingCache, endModelSample, endModelChoice, matrixBudget, output, timeout, maxRetries, seed, inProcess, cluster, keepVotes, predictOnCoordinator, json]))
        {
            command.Options.Add(option);
        }

        command.Validators.Add(result => input.Validate(result, data));
        command.Validators.Add(result => ClusterOption.ValidateKeepVotes(result, keepVotes, cluster, embeddings));
        command.Validators.Add(result => ClusterOption.ValidatePredictOnCoordinator(result, predictOnCoordinator, cluster));
        command.Validators.Add(result => stages.Validate(result, llm, library));
        command.Validators.Add(result =>
        {
            // Concepts are scored by the run's embeddings: without them the stage cannot run, and is refused rather than ignored.
            if (result.GetResult(stages.Concepts!) is { Implicit: false } && string.Equals((result.GetValue(embeddings) ?? EmbeddingGeneratorFactory.None).Trim(), EmbeddingGeneratorFactory.None, StringComparison.OrdinalIgnoreCase))
            {
                result.AddError("--concepts applies to concept programs, which read the concept scores of --embeddings; add --embeddings SPEC (e.g. minilm), or leave out --concepts.");
            }
        });
        command.SetAction((parsed, cancellationToken) => ExecuteAsync(
            parsed.InvocationConfiguration.Output,
            parsed.InvocationConfiguration.Error,
            context,
            new Settings(
                parsed.GetValue(data),
                parsed.GetValue(llm)!,
                parsed.GetValue(programs),
                parsed.GetValue(seedLabels),
                parsed.GetValue(labelModel)!,
                parsed.GetValue(metric)!,
                parsed.GetValue(library),
                parsed.GetValue(prices),
                parsed.GetValue(directModel)!,
                parsed.GetValue(output)!,
                parsed.GetValue(seed),
                parsed.GetValue(json),
                new LlmSettings(parsed.GetValue(maxRetries), parsed.GetValue(timeout)))
            {
                InProcess = parsed.GetValue(inProcess),
                Input = input.Read(parsed),
                Stages = stages.Read(parsed),
                Embeddings = parsed.GetValue(embeddings)!,
                EndModelFeatures = parsed.GetValue(endModelFeatures),
                EndModelSample = parsed.GetValue(endModelSample)!,
                EndModelChoice = parsed.GetValue(endModelChoice)!,
                MatrixBudget = parsed.GetValue(matrixBudget),
                Cluster = parsed.GetValue(cluster),
                KeepVotesOnSilos = parsed.GetValue(keepVotes),
                PredictOnSilos = !parsed.GetValue(predictOnCoordinator),
                EmbeddingCache = parsed.GetValue(embeddingCache),
            },
            cancellationToken));
        return command;
    }

    /// <summary>
    /// Refuses, before the output folder is made, a temporary folder that does not exist: the sandbox's worker processes
    /// start from a folder made there, so the run would fail at its first step (the library's own error says the same).
    /// </summary>
    private static void CheckTemporaryFolder()
    {
        string temporary = Path.GetTempPath();
        if (!Directory.Exists(temporary))
        {
            string source = OperatingSystem.IsWindows() ? "the TMP or TEMP environment variable" : "the TMPDIR environment variable";
            throw new UsageException(
                $"The temporary folder '{temporary}' (from {source}) does not exist or is not a folder, so the sandbox cannot make the folder its worker processes start from. Point it at a folder that exists and this user can write to.");
        }
    }

    private static async Task<int> ExecuteAsync(TextWriter output, TextWriter error, CliContext context, Settings settings, CancellationToken cancellationToken)
    {
        LabelModelCatalog catalog = LabelModelCatalog.CreateDefault();
        LabelModelMetric metric = settings.Check(catalog);
        int? endModelSampleSize = settings.EndModelSampleSize();
        EndModelChoiceMode endModelChoice = settings.EndModelChoiceMode();
        long? matrixMemoryBudget = settings.MatrixMemoryBudget();
        Dictionary<string, ModelPrice> prices = settings.PricesFile is null ? PriceFile.LoadDefaults() : PriceFile.Load(settings.PricesFile);
        IReadOnlyList<LabelingProgram>? reused = settings.Library is null ? null : LoadLibrary(settings.Library);
        EmbeddingGeneratorFactory.Check(settings.Embeddings);
        bool endModelEmbeddings = settings.EndModelEmbeddings();

        bool streamed = settings.StreamsItems;
        RunData data = settings.Input is { } input ? (streamed ? RunInput.LoadStreamed(input) : RunInput.Load(input))
            : streamed ? RunData.FromWrenchStreamed(settings.Data!)
            : RunData.FromWrench(CliDatasets.Load(settings.Data));
        settings.Check(data, metric);
        if (!settings.InProcess)
        {
            CheckTemporaryFolder();
        }

        LabeledExample<string>[] seedSet = data.SeedSample(settings.SeedLabels, settings.Seed);
        bool llmGiven = reused is null && !string.Equals(settings.Llm, "none", StringComparison.OrdinalIgnoreCase);
        if (seedSet.Length == 0 && !llmGiven && reused is null)
        {
            // Nothing could write a program: the offline synthesizer mines them from seed labels, and there is no LLM.
            throw new UsageException(
                $"No row has a label in {data.SeedSource}, and the offline synthesizer mines programs from seed labels, so nothing could write a program. " +
                "Label some rows (about 100, every class among them), or add --llm to have an LLM write programs from the task, or --library DIR to re-run stored programs.");
        }

        // The cluster is joined (or started) before the output folder is made: a gateway that does not answer is bad input.
        await using AlchemistCluster? orleans = settings.Cluster is { } spec ? await ClusterOption.ConnectAsync(spec, error, cancellationToken).ConfigureAwait(false) : null;
        PrepareOutputFolder(settings.Out);
        LlmStages.Settings stages = llmGiven ? settings.Stages : LlmStages.Settings.None;

        var ledger = new CostLedger(prices);

        // The offline synthesizer mines programs from seed labels; with none, the pipeline warns that it wrote nothing.
        var synthesizers = new List<IProgramSynthesizer> { new OfflineProgramSynthesizer() };
        string? modelId = null;
        StreamWriter? transcript = null;
        LlmSession? session = null;
        // Concept scores and the end model embed through one cache: each distinct text once per run (and, with
        // --embedding-cache, once across runs), so a streamed run embeds each chunk as it reads it.
        CachedEmbeddingGenerator? embeddings = EmbeddingGeneratorFactory.Create(settings.Embeddings, context.Environment, settings.EmbeddingCache);
        try
        {
            if (llmGiven)
            {
                (string provider, string argument) = ChatClientFactory.Parse(settings.Llm);
                modelId = provider == "replay" ? null : argument;
                Directory.CreateDirectory(Path.Combine(settings.Out, ProgramsFolderName));
                transcript = new StreamWriter(Path.Combine(settings.Out, ProgramsFolderName, ProgramLibrary.TranscriptFileName), append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
                session = LlmSession.Open(settings.Llm, context, settings.Calls, transcript);
                synthesizers.Add(new ChatProgramSynthesizer(session.Client, stages.ApplyTo(new ChatSynthesizerOptions { Seed = settings.Seed }), ledger, context.Time));
            }

            var pipeline = new LabelingPipeline(
                synthesizers,
                new LabelingPipelineOptions
                {
                    ProgramsPerSynthesizer = settings.Programs,
                    FeedbackRounds = stages.FeedbackRounds,
                    LabelModel = settings.LabelModel,
                    SelectionMetric = metric,
                    DirectLabelingModel = modelId ?? settings.DirectModel,
                    Seed = settings.Seed,
                    Isolation = settings.InProcess ? ProgramIsolation.InProcess : ProgramIsolation.WorkerProcesses,
                    EndModelSampleSize = endModelSampleSize,
                    EndModelChoice = endModelChoice,
                    MatrixMemoryBudget = matrixMemoryBudget,
                    EmbeddingGenerator = embeddings,
                    EmbeddingCacheFolder = settings.EmbeddingCache,
                },
                catalog: catalog,
                ledger: ledger);
            await using LabelsFileSink? sink = data.Source is null ? null : new LabelsFileSink(Path.Combine(settings.Out, LabelsFileName));
            LabelingJob<string> job = sink is null
                ? new LabelingJob<string>(data.Task, data.Items)
                {
                    LabelingBackend = orleans is null ? null : new OrleansLabelingBackend(orleans.Client),
                    ItemIds = data.ItemIds,
                    DatasetName = data.Name,
                    SeedSet = seedSet,
                    TestSet = data.Test,
                    Programs = reused,
                    EndModel = endModelEmbeddings ? LogisticRegressionEndModel.ForText(embeddingGenerator: embeddings) : null,
                }
                : new LabelingJob<string>(data.Task, data.Source!, sink)
                {
                    LabelingBackend = orleans is null ? null : new OrleansLabelingBackend(orleans.Client, new OrleansLabelingOptions { KeepVotesOnSilos = settings.KeepVotesOnSilos, PredictOnSilos = settings.PredictOnSilos }),
                    DatasetName = data.Name,
                    SeedSet = seedSet,
                    TestSet = data.Test,
                    Programs = reused,
                    EndModel = endModelEmbeddings ? LogisticRegressionEndModel.ForText(embeddingGenerator: embeddings) : null,
                };

            ProgressRenderer progress = ProgressRenderer.For(error);
            LabelingRun<string> completed;
            try
            {
                completed = await pipeline.RunAsync(job, progress, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException ex) when (seedSet.Length == 0)
            {
                // No seed label and no program kept: nothing can label the items. Say why in the tool's words, then
                // what became of each program and synthesis call (the pipeline's lines after its first).
                progress.Complete();
                return NothingToLearnFrom(error, session, ledger, ex.Message.Split('\n').Skip(1));
            }

            // The run owns its label matrix, a mapped temporary file when it was spilled (--matrix-memory-budget).
            using LabelingRun<string> run = completed;
            progress.Complete();
            if (sink is not null)
            {
                await sink.CompleteAsync().ConfigureAwait(false);
            }

            LlmStages.Figures stagesRun = stages.Measure(run.SynthesisAttempts);
            JsonObject synthesisJson = stagesRun.AddTo(new JsonObject { ["llm"] = llmGiven ? settings.Llm : "none" });
            JsonObject runJson = await WriteOutputsAsync(run, settings.Out, synthesisJson, settings.Embeddings, endModelEmbeddings, cancellationToken).ConfigureAwait(false);
            if (settings.Json)
            {
                CliJson.Write(output, runJson);
            }
            else
            {
                WriteSummary(output, run, settings.Out, llmGiven ? stagesRun : null, endModelEmbeddings ? settings.Embeddings : null);
            }

            // The outputs are written whatever the LLM did; a run whose every chat call failed still says so and fails.
            (int exitCode, string? line) = session?.Assess(run.SynthesisCost) ?? (ExitCodes.Success, null);
            if (line is not null)
            {
                error.WriteLine(line);
            }

            return exitCode;
        }
        finally
        {
            embeddings?.Dispose();
            session?.Dispose();
            if (transcript is not null)
            {
                await transcript.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    internal static JsonObject ToJson(LabelingRun run)
    {
        static JsonObject Scores(ClassificationScores? scores) => new()
        {
            ["accuracy"] = scores is null ? null : CliJson.Round(scores.Accuracy),
            ["f1"] = CliJson.Round(scores?.F1),
        };

        return new JsonObject
        {
            ["dataset"] = run.DatasetName,
            ["programs"] = new JsonObject { ["kept"] = run.KeptCount, ["dropped"] = run.DroppedCount },
            ["dropped"] = new JsonArray([.. run.Programs.Where(p => !p.Kept).Select(p => (JsonNode?)new JsonObject
            {
                ["name"] = p.Program.Name,
                ["from"] = p.Program.Provenance.Synthesizer,
                ["reason"] = p.DropReason?.ToString(),
                ["message"] = p.DropMessage,
                ["problems"] = new JsonArray([.. p.Problems.Select(x => (JsonNode?)JsonValue.Create(x))]),
            })]),
            ["failedAttempts"] = new JsonArray([.. run.SynthesisAttempts.Where(GaveNoProgram).Select(a => (JsonNode?)SynthesisReport.ToJson(a))]),
            ["warnings"] = new JsonArray([.. run.Warnings.Select(w => (JsonNode?)JsonValue.Create(w))]),
            ["labelModel"] = run.LabelModel is { } lm ? lm.Selected ?? lm.ModelName : null,
            ["labelModelTest"] = Scores(run.Test?.LabelModel),
            ["endModelTest"] = Scores(run.Test?.EndModel),
            ["seedOnlyTest"] = Scores(run.Test?.SeedOnly),
            ["endModelChoice"] = run.EndModelChoice is { } choice
                ? new JsonObject
                {
                    ["checked"] = true,
                    ["shipped"] = choice.SeedOnlyShipped ? "seed-only" : "pipeline",
                    ["folds"] = choice.Folds,
                    ["seedItems"] = choice.SeedItems,
                    ["metric"] = choice.MetricName,
                    ["pipelineScore"] = CliJson.Round(choice.PipelineScore),
                    ["seedOnlyScore"] = CliJson.Round(choice.SeedOnlyScore),
                    ["seedOnlyRightAlone"] = choice.SeedOnlyRightAlone,
                    ["pipelineRightAlone"] = choice.PipelineRightAlone,
                    ["signTestP"] = CliJson.Round(choice.SignTestPValue),
                }
                : new JsonObject { ["checked"] = false, ["shipped"] = "pipeline", ["reason"] = run.EndModelChoiceSkipReason },
            ["coverage"] = CliJson.Round(run.Analysis.Coverage),
            ["matrix"] = new JsonObject
            {
                ["items"] = run.VoteStatistics?.ItemCount ?? run.Matrix.ItemCount,
                ["functions"] = run.Matrix.FunctionCount,
                ["spilled"] = run.MatrixSpillBytes is not null,
                ["spillFileBytes"] = run.MatrixSpillBytes,
            },
            ["cost"] = new JsonObject
            {
                ["llmCalls"] = run.SynthesisCost.Calls,
                ["failedCalls"] = run.SynthesisCost.FailedCalls,
                ["retries"] = run.SynthesisCost.Retries,
                ["timeouts"] = run.SynthesisCost.Timeouts,
                ["retryWaitSeconds"] = Math.Round(run.SynthesisCost.RetryDelay.TotalSeconds, 3),
                ["synthesisUsd"] = (double)run.SynthesisCost.CostUsd,
                ["directLabelingUsdEstimate"] = run.DirectLabeling?.CostUsd is decimal d ? (double)d : null,
            },
            ["concepts"] = run.Concepts is not { } concepts ? null : new JsonObject
            {
                ["model"] = concepts.ModelId,
                ["items"] = concepts.Items,
                ["phrases"] = new JsonArray([.. concepts.Phrases.Select(p => (JsonNode?)JsonValue.Create(p))]),
                ["prototypes"] = concepts.Prototypes,
                ["embedded"] = concepts.Generated,
                ["fromCache"] = concepts.FromCache,
                ["seconds"] = Math.Round(concepts.Elapsed.TotalSeconds, 3),
            },
            ["seconds"] = Math.Round(run.Elapsed.TotalSeconds, 3),
            ["stageSeconds"] = new JsonObject(run.Timings.GroupBy(t => t.Stage).Select(g => KeyValuePair.Create(
                JsonNamingPolicy.CamelCase.ConvertName(g.Key.ToString()), (JsonNode?)Math.Round(g.Sum(t => t.Elapsed.TotalSeconds), 3)))),
        };
    }

    /// <summary>Gets a value indicating whether a synthesis call gave no program: it failed, its reply held no code block, or its program failed validation.</summary>
    internal static bool GaveNoProgram(SynthesisAttempt attempt) =>
        attempt.Outcome is SynthesisOutcome.CallFailed or SynthesisOutcome.RejectedReply or SynthesisOutcome.FailedValidation;

    /// <summary>One line of labels.jsonl: the item's id, its label and its class probabilities.</summary>
    internal static string LabelLine(string id, int label, ReadOnlySpan<double> probabilities)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            LabelLinesWriter.Write(json, id, label, probabilities);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static async Task<JsonObject> WriteOutputsAsync(LabelingRun<string> run, string folder, JsonObject synthesis, string embeddings, bool endModelEmbeddings, CancellationToken cancellationToken)
    {
        // A streamed run wrote its labels as they were made (LabelsFileSink).
        if (!run.LabelsStreamed)
        {
            await using var labels = new LabelLinesWriter(new FileStream(Path.Combine(folder, LabelsFileName), FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1, useAsync: false));
            for (int i = 0; i < run.ItemIds.Count; i++)
            {
                await labels.WriteAsync(run.ItemIds[i], run.Labels[i], run.Probabilities.GetRow(i), cancellationToken).ConfigureAwait(false);
            }
        }

        // The default end model, so it loads with LogisticRegressionEndModel.ForText() (and 'alchemist label', given the
        // run's --embeddings when its end model had them as features: the file holds their dimension, 0 with
        // --end-model-features hashed; run.json their name and the features).
        await using (FileStream model = File.Create(Path.Combine(folder, EndModelFileName)))
        {
            await LogisticRegressionEndModel.ForText().SaveAsync(run.TrainedEndModel, model, cancellationToken).ConfigureAwait(false);
        }

        new ProgramLibrary(run.Programs.Where(p => p.Kept).Select(p => p.Program), run.Task).Save(Path.Combine(folder, ProgramsFolderName));
        await File.WriteAllTextAsync(Path.Combine(folder, MarkdownReportFileName), RunReport.ToMarkdown(run), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(folder, HtmlReportFileName), RunReport.ToHtml(run), cancellationToken).ConfigureAwait(false);
        JsonObject json = ToJson(run);
        json["synthesis"] = synthesis;
        json["embeddings"] = embeddings;
        json["endModelFeatures"] = endModelEmbeddings ? Settings.HashedAndEmbeddingFeatures : Settings.HashedFeatures;
        if (run.VoteStatistics is { } kept)
        {
            // --keep-votes-on-silos: the votes stayed on the silos; what came back is their distinct rows.
            json["matrix"]!["votesOnSilos"] = new JsonObject { ["distinctRows"] = kept.DistinctRowCount };
        }

        await File.WriteAllTextAsync(Path.Combine(folder, RunFileName), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", cancellationToken).ConfigureAwait(false);
        return json;
    }

    private static void WriteSummary(TextWriter output, LabelingRun run, string folder, LlmStages.Figures? stages, string? endModelEmbeddings)
    {
        output.WriteLine($"Dataset      {run.DatasetName}: {run.ItemCount:N0} items, {run.SeedItems:N0} seed labels, {run.Task.ClassCount} classes");
        output.WriteLine($"Programs     {run.KeptCount} kept, {run.DroppedCount} dropped; coverage {TextTable.Format(run.Analysis.Coverage)}");
        output.WriteLine($"Label model  {(run.LabelModel is { } lm ? lm.Selected is null ? lm.ModelName : $"{lm.ModelName} (selected {lm.Selected})" : "none")}");
        output.WriteLine($"End model    features: hashed n-grams{(endModelEmbeddings is null ? string.Empty : $" + {endModelEmbeddings} embeddings")}");
        output.WriteLine(run.EndModelChoice is { } choice
            ? string.Create(
                CultureInfo.InvariantCulture,
                $"Shipped      {(choice.SeedOnlyShipped ? "the seed-only model" : "the pipeline's end model")}, checked over {choice.SeedItems:N0} seed items in {choice.Folds} folds: {choice.MetricName} {choice.PipelineScore:0.000} (pipeline) against {choice.SeedOnlyScore:0.000} (seed-only), sign test p = {choice.SignTestPValue:0.000}")
            : $"Shipped      the pipeline's end model, {run.EndModelChoiceSkipReason}");
        if (run.Test is { } test)
        {
            output.WriteLine();
            var table = new TextTable("test split", "accuracy", "F1 (class 1)", "macro-F1");
            table.Add("end model (distilled)", test.EndModel.Accuracy, test.EndModel.F1, test.EndModel.MacroF1);
            table.Add("label model", test.LabelModel?.Accuracy, test.LabelModel?.F1, test.LabelModel?.MacroF1);
            table.Add("seed-only baseline", test.SeedOnly?.Accuracy, test.SeedOnly?.F1, test.SeedOnly?.MacroF1);
            output.Write(table.ToString());
        }

        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Cost         synthesis ${run.SynthesisCost.CostUsd:0.######}; labeling every item directly with {run.DirectLabeling?.ModelId ?? "an LLM"} ~ {(run.DirectLabeling?.CostUsd is decimal d ? "$" + d.ToString("0.####", CultureInfo.InvariantCulture) : "unpriced")}{CostRatio(run)}"));
        if (run.SynthesisCost.Calls > 0)
        {
            output.WriteLine($"LLM calls    {LlmSession.Describe(run.SynthesisCost)}");
        }

        if (stages is not null)
        {
            output.WriteLine($"LLM stages   {stages.Describe()}");
        }

        if (run.Concepts is { } concepts)
        {
            output.WriteLine($"Concepts     {concepts.Items:N0} items and {concepts.Phrases.Count} phrases embedded with {concepts.ModelId} in {concepts.Elapsed.TotalSeconds:0.0} s ({concepts.FromCache:N0} from the cache)");
        }

        output.WriteLine($"Time         {run.Elapsed.TotalSeconds:0.0} s");
        foreach (string warning in run.Warnings)
        {
            output.WriteLine($"warning: {warning}");
        }

        output.WriteLine();
        output.WriteLine($"Wrote {Path.Combine(folder, LabelsFileName)}, {Path.Combine(folder, ProgramsFolderName)}/, {Path.Combine(folder, MarkdownReportFileName)}, {Path.Combine(folder, HtmlReportFileName)}, {Path.Combine(folder, RunFileName)}, {Path.Combine(folder, EndModelFileName)}");
    }

    private static string CostRatio(LabelingRun run) => run.TimesCheaper switch
    {
        double x when x >= 1 => string.Create(CultureInfo.InvariantCulture, $" ({x:0.#}x cheaper)"),
        double x => string.Create(CultureInfo.InvariantCulture, $" (synthesis cost {1 / x:0.#}x more; it pays off from about {run.BreakEvenItemCount:N0} items)"),
        _ => string.Empty,
    };

    private static int NothingToLearnFrom(TextWriter error, LlmSession? session, CostLedger ledger, IEnumerable<string> details)
    {
        (int exitCode, string? line) = session?.Assess(ledger.GetSummary()) ?? (ExitCodes.Success, null);
        if (line is not null)
        {
            error.WriteLine(line);
        }

        error.WriteLine("error: no program was kept and no item has a seed label, so nothing could label the items and no labels were written. Label some items (about 100, every class among them): the offline synthesizer mines programs from them and the end model learns from them.");
        foreach (string detail in details)
        {
            error.WriteLine("  " + detail);
        }
        return exitCode == ExitCodes.LlmFailed ? exitCode : ExitCodes.Failure;
    }

    private static LabelingProgram[] LoadLibrary(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new UsageException($"The program library folder '{folder}' does not exist.");
        }

        return [.. ProgramLibrary.Load(folder).Programs];
    }

    private static void PrepareOutputFolder(string folder)
    {
        if (File.Exists(folder))
        {
            throw new UsageException($"--out '{folder}' is a file; give a folder for the run's outputs.");
        }

        Directory.CreateDirectory(folder);
        string programs = Path.Combine(folder, ProgramsFolderName);
        if (Directory.Exists(programs))
        {
            // Only a program library an earlier run wrote is replaced; anything else is the user's and stays.
            if (!File.Exists(Path.Combine(programs, ProgramLibrary.ManifestFileName)) && Directory.EnumerateFileSystemEntries(programs).Any())
            {
                throw new UsageException($"'{programs}' exists and is not a program library an earlier run wrote; move it or choose another --out.");
            }

            Directory.Delete(programs, recursive: true);
        }
    }

    /// <summary>Reads a size in bytes: a whole number, or a number with a unit (B; KB, MB, GB, TB in powers of 1000; KiB, MiB, GiB, TiB in powers of 1024), case-insensitive; <see langword="null"/> when it is none of these, negative or too large.</summary>
    internal static long? ParseSize(string text)
    {
        string value = text.Trim();
        int unitAt = value.Length;
        while (unitAt > 0 && char.IsAsciiLetter(value[unitAt - 1]))
        {
            unitAt--;
        }

        double scale = value[unitAt..].ToUpperInvariant() switch
        {
            "" or "B" => 1,
            "KB" => 1e3,
            "MB" => 1e6,
            "GB" => 1e9,
            "TB" => 1e12,
            "KIB" => 1L << 10,
            "MIB" => 1L << 20,
            "GIB" => 1L << 30,
            "TIB" => 1L << 40,
            _ => double.NaN,
        };
        string number = value[..unitAt].TrimEnd();
        if (double.IsNaN(scale) || number.Length == 0 ||
            !decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal amount))
        {
            return null;
        }

        return amount <= long.MaxValue / (decimal)scale ? (long)Math.Floor(amount * (decimal)scale) : null;
    }

    internal sealed record Settings(
        string? Data, string Llm, int Programs, int? SeedLabels, string LabelModel, string Metric, string? Library,
        string? PricesFile, string DirectModel, string Out, int Seed, bool Json, LlmSettings Calls)
    {
        /// <summary>Gets a value indicating whether programs run in this process rather than in sandbox worker processes.</summary>
        public bool InProcess { get; init; }

        /// <summary>Gets the user's own file and its fields (<c>--input</c>), or <see langword="null"/> for <c>--data</c>.</summary>
        public RunInput.Settings? Input { get; init; }

        /// <summary>Gets the prior-knowledge and feedback-round options of the LLM's synthesis (<c>--prior-knowledge</c>, <c>--feedback-rounds</c>).</summary>
        public LlmStages.Settings Stages { get; init; } = LlmStages.Settings.None;

        /// <summary>Gets the <c>--cluster</c> spec (<c>local:N</c> or <c>HOST:PORT</c>), or <see langword="null"/> to label in this process.</summary>
        public string? Cluster { get; init; }

        /// <summary>Gets a value indicating whether the votes stay on the cluster's silos (<c>--keep-votes-on-silos</c>, <see cref="OrleansLabelingOptions.KeepVotesOnSilos"/>).</summary>
        public bool KeepVotesOnSilos { get; init; }

        /// <summary>Gets a value indicating whether a cluster run's end model predicts on the silos (not <c>--predict-on-coordinator</c>, <see cref="OrleansLabelingOptions.PredictOnSilos"/>).</summary>
        public bool PredictOnSilos { get; init; } = true;

        /// <summary>The <c>--end-model-features</c> value of an end model on its hashed n-grams alone.</summary>
        public const string HashedFeatures = "hashed";

        /// <summary>The <c>--end-model-features</c> value of an end model on its hashed n-grams and the <c>--embeddings</c> vectors.</summary>
        public const string HashedAndEmbeddingFeatures = "hashed+embeddings";

        /// <summary>Gets the <c>--embeddings</c> spec: the text embeddings of the concept scores and (see <see cref="EndModelEmbeddings"/>) of the end model's features, or <c>none</c>.</summary>
        public string Embeddings { get; init; } = EmbeddingGeneratorFactory.None;

        /// <summary>Gets the <c>--end-model-features</c> value as given, or <see langword="null"/> when left out.</summary>
        public string? EndModelFeatures { get; init; }

        /// <summary>
        /// Reads <see cref="EndModelFeatures"/>: whether the end model takes the <c>--embeddings</c> vectors as features
        /// beside its hashed n-grams. Left out, it does when the run has embeddings (<see cref="HashedAndEmbeddingFeatures"/>),
        /// and not otherwise (<see cref="HashedFeatures"/>).
        /// </summary>
        /// <exception cref="UsageException">The value is neither, or asks for embedding features in a run without embeddings.</exception>
        public bool EndModelEmbeddings()
        {
            bool hasEmbeddings = !string.Equals(Embeddings.Trim(), EmbeddingGeneratorFactory.None, StringComparison.OrdinalIgnoreCase);
            string? features = EndModelFeatures?.Trim();
            if (features is null)
            {
                return hasEmbeddings;
            }

            if (string.Equals(features, HashedFeatures, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            if (!string.Equals(features, HashedAndEmbeddingFeatures, StringComparison.OrdinalIgnoreCase))
            {
                throw new UsageException(
                    $"--end-model-features is '{EndModelFeatures}'; use {HashedFeatures} (the end model's hashed n-grams only) or {HashedAndEmbeddingFeatures} (the n-grams and the vectors of --embeddings).");
            }

            return hasEmbeddings ? true : throw new UsageException(
                $"--end-model-features {HashedAndEmbeddingFeatures} gives the end model the vectors of --embeddings, and the run has none; add --embeddings minilm (or another model), or use --end-model-features {HashedFeatures}.");
        }

        /// <summary>
        /// Gets a value indicating whether the run streams its items: a WRENCH folder's train split, or the rows to label
        /// of an <c>--input</c> file, read chunk by chunk as the run goes, labels written as they are made (the same
        /// labels.jsonl as holding them); with <c>--cluster</c> the items go to the silos shard by shard as they are read.
        /// With <c>--embeddings</c>, the concept scores and the end model's embeddings are computed block by block as
        /// the items are read. The embedded dataset, which is small, is held.
        /// </summary>
        public bool StreamsItems => Input is not null || Data is not null;

        /// <summary>Gets the <c>--end-model-choice</c> value: <c>auto</c>, <c>always</c> or <c>off</c>.</summary>
        public string EndModelChoice { get; init; } = "auto";

        /// <summary>Reads <see cref="EndModelChoice"/>.</summary>
        public EndModelChoiceMode EndModelChoiceMode() => EndModelChoice.Trim().ToLowerInvariant() switch
        {
            "auto" => Alchemist.EndModelChoiceMode.Auto,
            "always" => Alchemist.EndModelChoiceMode.Always,
            "off" => Alchemist.EndModelChoiceMode.Off,
            _ => throw new UsageException($"--end-model-choice is '{EndModelChoice}'; give auto (check when synthesis calls no service), always or off."),
        };

        /// <summary>Gets the <c>--end-model-sample</c> value: a number of items, or <c>all</c>.</summary>
        public string EndModelSample { get; init; } = "all";

        /// <summary>Reads <see cref="EndModelSample"/>: the sample size, or <see langword="null"/> for every covered item.</summary>
        public int? EndModelSampleSize() =>
            string.Equals(EndModelSample, "all", StringComparison.OrdinalIgnoreCase) ? null
            : int.TryParse(EndModelSample, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1 ? n
            : throw new UsageException($"--end-model-sample is '{EndModelSample}'; give a number of items (at least 1), or 'all' to train the end model on every covered item.");

        /// <summary>Gets the <c>--matrix-memory-budget</c> value as given, or <see langword="null"/> when left out.</summary>
        public string? MatrixBudget { get; init; }

        /// <summary>Reads <see cref="MatrixBudget"/>: a number of bytes, or <see langword="null"/> never to spill the label matrix.</summary>
        public long? MatrixMemoryBudget() =>
            MatrixBudget is null ? null
            : ParseSize(MatrixBudget) ?? throw new UsageException(
                $"--matrix-memory-budget is '{MatrixBudget}'; give a number of bytes (0 or more) or a size such as 64MB or 1GiB (KB, MB, GB, TB: powers of 1000; KiB, MiB, GiB, TiB: powers of 1024).");

        /// <summary>Gets the folder of the concept scores' embedding cache (<c>--embedding-cache</c>), or <see langword="null"/>.</summary>
        public string? EmbeddingCache { get; init; }

        /// <summary>Refuses, once the data is read and before any work, what the data cannot give: F1 of a task with more than two classes, more seed labels than it has.</summary>
        public void Check(RunData data, LabelModelMetric metric)
        {
            if (metric == LabelModelMetric.F1 && data.Task.ClassCount != 2)
            {
                throw new UsageException(
                    $"--metric f1 scores class 1 of a binary task, and '{data.Name}' has {data.Task.ClassCount} classes ({string.Join(", ", data.Task.ClassNames)}); use --metric accuracy, which fits any number of classes.");
            }

            if (SeedLabels is int n && n > data.Seed.Length)
            {
                throw new UsageException(data.Seed.Length == 0
                    ? $"--seed-labels is {n}, but {data.SeedSource} has no labels; leave --seed-labels out."
                    : $"--seed-labels is {n}, but {data.SeedSource} has only {data.Seed.Length} labels; give at most {data.Seed.Length}, or leave it out to use them all.");
            }
        }

        public LabelModelMetric Check(LabelModelCatalog catalog)
        {
            Calls.Check();
            if (Programs is < 1 or > 1_000)
            {
                throw new UsageException($"--programs is {Programs}; ask for between 1 and 1000 programs per synthesizer.");
            }

            if (SeedLabels is < 1)
            {
                throw new UsageException($"--seed-labels is {SeedLabels}; use at least 1, or leave it out to use every labeled item.");
            }

            if (!catalog.Contains(LabelModel))
            {
                throw new UsageException($"Unknown label model '{LabelModel}'. Known label models: {string.Join(", ", catalog.Names)}.");
            }

            if (Library is not null && !string.Equals(Llm, "none", StringComparison.OrdinalIgnoreCase))
            {
                throw new UsageException("--library re-runs stored programs with no synthesizer call; leave out --llm with it.");
            }

            if (EmbeddingCache is not null && string.Equals(Embeddings.Trim(), EmbeddingGeneratorFactory.None, StringComparison.OrdinalIgnoreCase))
            {
                throw new UsageException("--embedding-cache caches the embeddings of --embeddings, and the run has none; add --embeddings minilm (or another model), or leave out --embedding-cache.");
            }

            return Metric.ToLowerInvariant() switch
            {
                "accuracy" => LabelModelMetric.Accuracy,
                "f1" => LabelModelMetric.F1,
                _ => throw new UsageException($"--metric is '{Metric}'; use accuracy or f1."),
            };
        }
    }
}
