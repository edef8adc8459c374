using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using Alchemist.Cli.Llm;
using Microsoft.Extensions.AI;

namespace Alchemist.Cli.Commands;

/// <summary>
/// <c>alchemist label</c>: labels the texts of a CSV or JSON Lines file with an end model a run saved
/// (<c>end-model.bin</c>), with no program, synthesizer or LLM call. It streams: items are read, labeled and written in
/// batches, so a file of any length fits in memory.
/// </summary>
internal static class LabelCommand
{
    /// <summary>The number of items labeled at a time.</summary>
    internal const int BatchSize = 8_192;

    public static Command Create(CliContext context)
    {
        Option<string> model = new("--model") { Description = $"An end model a run saved ({RunCommand.EndModelFileName} in its --out folder).", Required = true, HelpName = "FILE" };
        Option<string> input = new("--input") { Description = "The items to label: a .csv file with a header, or a .jsonl file with one object per line.", Required = true, HelpName = "FILE" };
        Option<string> textField = new("--text-field") { Description = "The column or property that holds the text.", DefaultValueFactory = _ => "text", HelpName = "NAME" };
        Option<string> idField = new("--id-field") { Description = "The column or property that holds the id; the record's number when it has none.", DefaultValueFactory = _ => "id", HelpName = "NAME" };
        Option<string?> output = new("--out") { Description = "The JSON Lines file to write; standard output when left out.", HelpName = "FILE" };
        Option<string> embeddings = CliOptions.Embeddings(run: false);
        var command = new Command("label", "Label the texts of a file with a saved end model: one {\"id\", \"label\", \"probabilities\"} line per item, as labels.jsonl has.")
        {
            model, input, textField, idField, output, embeddings,
        };
        command.SetAction((parsed, cancellationToken) => ExecuteAsync(
            parsed.InvocationConfiguration.Output,
            parsed.GetValue(model)!,
            parsed.GetValue(input)!,
            parsed.GetValue(textField)!,
            parsed.GetValue(idField)!,
            parsed.GetResult(idField) is { Implicit: false },
            parsed.GetValue(output),
            parsed.GetValue(embeddings)!,
            context,
            cancellationToken));
        return command;
    }

    private static async Task<int> ExecuteAsync(TextWriter output, string modelPath, string inputPath, string textField, string idField, bool idFieldGiven, string? outPath, string embeddingsSpec, CliContext context, CancellationToken cancellationToken)
    {
        EmbeddingGeneratorFactory.Check(embeddingsSpec);
        using CachedEmbeddingGenerator? embeddings = EmbeddingGeneratorFactory.Create(embeddingsSpec, context.Environment);
        if (!File.Exists(modelPath))
        {
            throw new UsageException($"The model file '{modelPath}' does not exist; 'alchemist run' writes one as {RunCommand.EndModelFileName} in its --out folder.");
        }

        ITrainedEndModel<string> model;
        await using (FileStream modelFile = File.OpenRead(modelPath))
        {
            try
            {
                model = await LogisticRegressionEndModel.ForText(embeddingGenerator: embeddings).LoadAsync(modelFile, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException ex) when (embeddings is null && ex.Message.Contains("embedding", StringComparison.Ordinal))
            {
                throw new UsageException($"'{modelPath}' was trained with text embeddings as features; give the run's --embeddings (its run.json names them), such as --embeddings minilm.");
            }
            catch (Exception ex) when (ex is InvalidDataException or InvalidOperationException)
            {
                throw new UsageException($"'{modelPath}': {ex.Message}");
            }
        }

        // A named id field must be on every item, as with 'run --input': numbered items could not be joined back.
        var options = new TextItemFileOptions { TextField = textField, IdField = idField, LabelField = null, RequireId = idFieldGiven };
        IEnumerable<TextItem> items = Path.GetExtension(inputPath).ToLowerInvariant() switch
        {
            ".csv" => TextItemReader.ReadCsv(inputPath, options),
            ".jsonl" or ".ndjson" => TextItemReader.ReadJsonLines(inputPath, options),
            _ => throw new UsageException($"--input '{inputPath}' is neither .csv nor .jsonl; give items in one of those formats."),
        };

        using IEnumerator<TextItem> reader = items.GetEnumerator();
        if (!reader.MoveNext())
        {
            // Nothing to label is a mistake to report, not an empty success (and --out is not created).
            throw new UsageException($"--input '{inputPath}' has no items (a CSV needs a header row and at least one row, a JSON Lines file at least one object); give at least one item to label.");
        }

        StreamWriter? file = outPath is null ? null : new StreamWriter(outPath, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        TextWriter writer = file ?? output;
        try
        {
            var batch = new List<TextItem>(BatchSize);
            do
            {
                batch.Add(reader.Current);
                if (batch.Count == BatchSize)
                {
                    await WriteBatchAsync(model, batch, writer, cancellationToken).ConfigureAwait(false);
                    batch.Clear();
                }
            }
            while (reader.MoveNext());

            await WriteBatchAsync(model, batch, writer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (file is not null)
            {
                await file.DisposeAsync().ConfigureAwait(false);
            }
        }

        return ExitCodes.Success;
    }

    private static async Task WriteBatchAsync(ITrainedEndModel<string> model, List<TextItem> batch, TextWriter writer, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        ClassProbabilities probabilities = await model.PredictProbabilitiesAsync([.. batch.Select(i => i.Text)], cancellationToken).ConfigureAwait(false);
        int[] labels = probabilities.Predict(TieBreak.ClassPrior);
        for (int i = 0; i < batch.Count; i++)
        {
            await writer.WriteLineAsync(RunCommand.LabelLine(batch[i].Id, labels[i], probabilities.GetRow(i)).AsMemory(), cancellationToken).ConfigureAwait(false);
        }
    }
}
