using System.Diagnostics;
using System.Globalization;

namespace Alchemist.Benchmarks;

/// <summary>
/// The nested final choice (<see cref="EndModelChoiceRule.NestedSignTest"/>) on a streamed run of a large WRENCH folder
/// (docs/experiments/label-budget-curve.md, twelfth session): the train split read as the run goes, valid as the seed
/// labels, test scored, the offline synthesizer, the library's default options; <c>--nested true</c> turns the choice on.
/// Prints the processor time, the stages, the choice and the fold runs' progress lines (the first of each stage).
/// <c>--sample-cost</c> instead reads the source once and holds the fold runs' sample of it (at most 100,000 items),
/// printing what the sample holds on the managed heap. Run it with <c>DOTNET_GCConserveMemory=7</c>, as the command line's runtimeconfig sets.
/// </summary>
/// <remarks>
/// <c>/usr/bin/time -v dotnet BENCH/Alchemist.Benchmarks.dll nested-scale --data /work/scale/yt-1m --nested true|false</c>
/// </remarks>
internal static class NestedChoiceScale
{
    public static async Task RunAsync(TextWriter output, string[] args)
    {
        string data = Argument(args, "--data") ?? throw new ArgumentException("--data DIR is required.");
        string train = Path.Combine(data, "train.json");
        WrenchDataset dataset = WrenchDataset.Load(new DirectoryInfo(Path.GetFullPath(data)).Name, file =>
        {
            string path = Path.Combine(data, file);
            return file == "train.json" ? new MemoryStream("{}"u8.ToArray()) : File.Exists(path) ? File.OpenRead(path) : null;
        }, displayRoot: data);
        IItemSource<string> source = ItemSource.FromWrenchSplit(train, dataset.Task.ClassCount);
        var options = new LabelingPipelineOptions { DirectLabelingModel = null };
        if (args.Contains("--sample-cost"))
        {
            await SampleCostAsync(output, source, options.Seed).ConfigureAwait(false);
            return;
        }

        options.EndModelChoice = Argument(args, "--nested") == "true" ? EndModelChoiceMode.Always : EndModelChoiceMode.Off;
        var sink = new CountingSink();
        var job = new LabelingJob<string>(dataset.Task, source, sink)
        {
            SeedSet = [.. dataset.Valid!.Texts.Select((t, i) => new LabeledExample<string>(t!, dataset.Valid.GoldLabels[i]))],
            TestSet = dataset.Test is { HasText: true } test ? [.. test.Texts.Select((t, i) => new LabeledExample<string>(t!, test.GoldLabels[i]))] : null,
        };
        var pipeline = new LabelingPipeline([new OfflineProgramSynthesizer()], options);
        using var process = Process.GetCurrentProcess();
        long started = Stopwatch.GetTimestamp();
        var progress = new FirstOfEachStage(output, started);
        var run = (LabelingRun<string>)await pipeline.RunAsync(job, progress).ConfigureAwait(false);
        process.Refresh();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rule {options.EndModelChoice}: {sink.Count} labels, wall {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s, processor {process.TotalProcessorTime.TotalSeconds:0.0} s (process), test accuracy {run.Test?.EndModel.Accuracy:0.000}"));
        output.WriteLine("stages: " + string.Join(", ", run.Timings.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Stage} {t.Elapsed.TotalSeconds:0.0} s"))));
        output.WriteLine("choice: " + (run.EndModelChoice?.ToString() ?? "none"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"largest managed heap after a collection, sampled at each progress report: {progress.LargestHeap / 1e6:0} MB"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"warnings: {run.Warnings.Count}"));
        foreach (string warning in run.Warnings)
        {
            output.WriteLine("  " + warning);
        }
    }

    /// <summary>Reads the source once and holds the fold runs' sample, as a streamed run's training-sample read gathers it; prints the managed heap it holds.</summary>
    private static async Task SampleCostAsync(TextWriter output, IItemSource<string> source, int seed)
    {
        int count = 0;
        await foreach (SourceItem<string> _ in source.ReadAsync().ConfigureAwait(false))
        {
            count++;
        }

        var sample = new NestedChoiceSample<string>(count, NestedChoiceSample<string>.DefaultBound, seed);
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var items = new string[sample.Indices.Length];
        int index = 0;
        int next = 0;
        long characters = 0;
        await foreach (SourceItem<string> item in source.ReadAsync().ConfigureAwait(false))
        {
            if (next < items.Length && sample.Indices[next] == index)
            {
                items[next++] = item.Item;
                characters += item.Item.Length;
            }

            index++;
        }

        sample.Items = items;
        long after = GC.GetTotalMemory(forceFullCollection: true);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count} items; sample {items.Length} items, {characters} characters ({(double)characters / items.Length:0.0} a text): {(after - before) / 1e6:0.0} MB on the managed heap ({(double)(after - before) / items.Length:0} bytes a text)"));
        GC.KeepAlive(sample);
    }

    private static string? Argument(string[] args, string name)
    {
        int index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    /// <summary>Counts the labels written.</summary>
    private sealed class CountingSink : ILabelSink
    {
        public long Count { get; private set; }

        public ValueTask WriteAsync(LabeledChunk chunk, CancellationToken cancellationToken = default)
        {
            Count += chunk.Ids.Count;
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Prints the first progress report of each (stage, message) run of reports with the seconds since the start.</summary>
    private sealed class FirstOfEachStage(TextWriter output, long started) : IProgress<PipelineProgress>
    {
        private string? _last;

        /// <summary>Gets the largest heap size after a collection seen at a report (live data and fragmentation, not garbage).</summary>
        public long LargestHeap { get; private set; }

        public void Report(PipelineProgress value)
        {
            LargestHeap = Math.Max(LargestHeap, GC.GetGCMemoryInfo(GCKind.Any).HeapSizeBytes);
            string key = value.Stage + " " + value.Message;
            if (key != _last)
            {
                _last = key;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  [{Stopwatch.GetElapsedTime(started).TotalSeconds,6:0.0} s] {value.Stage}: {value.Message} ({value.Completed}/{value.Total?.ToString(CultureInfo.InvariantCulture) ?? "?"})"));
            }
        }
    }
}
