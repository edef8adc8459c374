using System.Diagnostics;
using System.Globalization;
using Alchemist.Tests.Shared;
using Microsoft.Extensions.AI;

namespace Alchemist.Benchmarks;

/// <summary>
/// What sending texts shortest first saves the MiniLM model: the first N train texts of a dataset embedded in calls of
/// one batch each in the texts' own order (every batch padded to its longest text, as before the change), and in one
/// call (the generator orders them by length). Thread processor time of this process, and the largest difference of a
/// value between the two.
/// </summary>
/// <remarks>Usage: <c>embeddings order [dataset] [N]</c> (defaults: youtube, 320).</remarks>
internal static class EmbeddingOrderFigures
{
    public static async Task RunAsync(string[] args)
    {
        string name = args.Length > 0 ? args[0] : "youtube";
        int count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 320;
        string[] texts = [.. TestData.Load(name).Train.Texts.Take(count).Select(t => t ?? "")];
        using var generator = new MiniLmEmbeddingGenerator();
        int batch = new MiniLmEmbeddingGeneratorOptions().BatchSize;
        await generator.GenerateAsync(texts[..Math.Min(8, texts.Length)]);

        TimeSpan before = Process.GetCurrentProcess().TotalProcessorTime;
        var inOrder = new List<Embedding<float>>();
        for (int start = 0; start < texts.Length; start += batch)
        {
            inOrder.AddRange(await generator.GenerateAsync(texts[start..Math.Min(texts.Length, start + batch)]));
        }

        TimeSpan middle = Process.GetCurrentProcess().TotalProcessorTime;
        GeneratedEmbeddings<Embedding<float>> byLength = await generator.GenerateAsync(texts);
        TimeSpan after = Process.GetCurrentProcess().TotalProcessorTime;

        double largest = 0;
        for (int i = 0; i < texts.Length; i++)
        {
            ReadOnlySpan<float> a = inOrder[i].Vector.Span, b = byLength[i].Vector.Span;
            for (int d = 0; d < a.Length; d++)
            {
                largest = Math.Max(largest, Math.Abs(a[d] - b[d]));
            }
        }

        string load = File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}, {texts.Length} texts (mean {texts.Average(t => t.Length):0} characters), batches of {batch}, load {load}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  texts' own order, a call per batch: {(middle - before).TotalSeconds,7:0.0} s processor time"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  one call, shortest first:          {(after - middle).TotalSeconds,7:0.0} s processor time"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  largest difference of a value:      {largest:0.0e+0}"));
    }
}
