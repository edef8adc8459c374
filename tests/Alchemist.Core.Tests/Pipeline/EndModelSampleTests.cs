namespace Alchemist.Tests.Pipeline;

/// <summary>The end model trained on a seeded sample of the weakly labeled items (<see cref="LabelingPipelineOptions.EndModelSampleSize"/>).</summary>
public class EndModelSampleTests
{
    private const string LinkProgram = """
        public static class Links
        {
            public static int Label(string item) => item.Contains("http", System.StringComparison.OrdinalIgnoreCase) ? 1 : -1;
        }
        """;

    private const string SongProgram = """
        public static class Song
        {
            public static int Label(string item) => item.Contains("song", System.StringComparison.OrdinalIgnoreCase) ? 0 : -1;
        }
        """;

    [Fact]
    public void EndModelSampleSize_Default_Is100000()
    {
        Assert.Equal(100_000, new LabelingPipelineOptions().EndModelSampleSize);
    }

    [Fact]
    public void Constructor_EndModelSampleSizeBelowOne_IsRefused()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => new LabelingPipeline([], new LabelingPipelineOptions { EndModelSampleSize = 0 }));
        Assert.Contains(nameof(LabelingPipelineOptions.EndModelSampleSize), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_SampleLargerThanTheCoveredItems_GivesTheRunOfTheWholeSet()
    {
        LabelingRun whole = await RunAsync(sampleSize: null, seed: 5);
        LabelingRun large = await RunAsync(sampleSize: 1_000_000, seed: 5);

        Assert.Equal(whole.EndModel!.ItemCount, large.EndModel!.ItemCount);
        Assert.Equal(whole.Labels, large.Labels);
        Assert.True(whole.Probabilities.AsSpan().SequenceEqual(large.Probabilities.AsSpan()));
    }

    [Fact]
    public async Task RunAsync_SmallSample_TrainsOnThatManyPlusTheSeedItemsAndIsDeterministic()
    {
        LabelingRun first = await RunAsync(sampleSize: 100, seed: 5);
        LabelingRun again = await RunAsync(sampleSize: 100, seed: 5);
        LabelingRun otherSeed = await RunAsync(sampleSize: 100, seed: 6);

        // The weakly labeled items are sampled; the seed items always join them.
        Assert.Equal(100 + first.SeedItems, first.EndModel!.ItemCount);
        Assert.Equal(first.Labels, again.Labels);
        Assert.True(first.Probabilities.AsSpan().SequenceEqual(again.Probabilities.AsSpan()));
        Assert.False(first.Probabilities.AsSpan().SequenceEqual(otherSeed.Probabilities.AsSpan()));

        // Every item is still labeled, by the model trained on the sample.
        Assert.Equal(first.ItemIds.Count, first.Labels.Count);
        Assert.True(first.Test!.EndModel.Accuracy > 0.75, $"test accuracy {first.Test.EndModel.Accuracy}");
    }

    private static Task<LabelingRun<string>> RunAsync(int? sampleSize, int seed) =>
        new LabelingPipeline(
                [new PipelineTestData.FixedSynthesizer(("links", LinkProgram), ("song", SongProgram))],
                new LabelingPipelineOptions { LabelModel = "majority", Seed = seed, EndModelSampleSize = sampleSize, Isolation = ProgramIsolation.InProcess, DirectLabelingModel = null })
            .RunAsync(PipelineTestData.YouTubeJob());
}
