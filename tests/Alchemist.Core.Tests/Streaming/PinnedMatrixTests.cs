using System.Runtime.CompilerServices;

namespace Alchemist.Tests.Streaming;

/// <summary>
/// A streamed run's one label matrix, sized once for the source's count, is allocated on the pinned object heap when
/// it would be a large object (<see cref="LabelMatrix.AllocateVotes"/>), so the large-object heap's budget does not
/// grow with it: zeroed storage of the asked length, and the same votes as a list run through every in-place step.
/// </summary>
public sealed class PinnedMatrixTests
{
    private const int PinnedObjectHeap = 4;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(LabelMatrix.PinnedVotesThreshold - 1)]
    [InlineData(LabelMatrix.PinnedVotesThreshold)]
    [InlineData(1_000_003)]
    public void AllocateVotes_AnyLength_IsZeroedAndOfThatLength(int length)
    {
        sbyte[] votes = LabelMatrix.AllocateVotes(length);

        Assert.Equal(length, votes.Length);
        Assert.True(votes.AsSpan().IndexOfAnyExcept((sbyte)0) < 0);
    }

    [Fact]
    public void AllocateVotes_ALargeMatrix_LivesOnThePinnedObjectHeap()
    {
        // 64 MB: far more than anything else in the test process pins, so the pinned heap's growth can only be it.
        const int length = 64_000_000;
        long before = PinnedHeapBytesAfterAFullCollection();

        sbyte[] votes = LabelMatrix.AllocateVotes(length);
        long after = PinnedHeapBytesAfterAFullCollection();
        GC.KeepAlive(votes);

        Assert.True(after - before >= length - 1_000_000, $"The pinned object heap grew by {after - before} bytes for a {length}-byte matrix.");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public async Task ApplyAsync_CountedMatrixOverTheThreshold_GivesTheListRunsVotesThroughEveryInPlaceStep(int countedBeyond)
    {
        // 40,000 items x (3 programs + 1 spare column) = 160,000 votes: a pinned array. A source that gives fewer
        // items than it counted (countedBeyond > 0) has its array cut to the items that came.
        string[] items = [.. Enumerable.Range(0, 40_000).Select(i => $"item {i} {(i % 7 == 0 ? "free" : "hello")}")];
        ILabelingFunction<string>[] functions =
        [
            LabelingFunction.Create<string>("free", s => s.Contains("free", StringComparison.Ordinal) ? 1 : Label.Abstain),
            LabelingFunction.Create<string>("even", s => s.Length % 2 == 0 ? 0 : Label.Abstain),
            LabelingFunction.Create<string>("three", s => s.EndsWith('3') ? 1 : 0),
        ];
        var applier = new LabelingFunctionApplier();
        LabelMatrix expected = applier.Apply(items, functions, classCount: 2).Matrix;
        sbyte[] seed = [.. Enumerable.Range(0, items.Length).Select(i => (sbyte)(i % 3 == 0 ? 1 : Label.Abstain))];

        LabelingResult result = await applier.ApplyAsync(AsAsync(items), functions, 2, totalItems: items.Length + countedBeyond, spareColumns: 1, progress: null, CancellationToken.None);
        LabelMatrix applied = result.Matrix;

        Assert.Null(applied.Mapped);
        Assert.Equal(expected.AsSpan().ToArray(), applied.AsSpan().ToArray());
        LabelMatrix appended = applied.AppendColumnInPlace("seed");
        appended.WriteColumn(3, 0, [.. seed.Select(v => (int)v)]);
        Assert.Equal(expected.AppendColumn("seed", seed).AsSpan().ToArray(), appended.AsSpan().ToArray());
        Assert.Equal(expected.AsSpan().ToArray(), appended.RemoveLastColumnInPlace().AsSpan().ToArray());
    }

    private static long PinnedHeapBytesAfterAFullCollection()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);
        return GC.GetGCMemoryInfo(GCKind.Any).GenerationInfo[PinnedObjectHeap].SizeAfterBytes;
    }

    private static async IAsyncEnumerable<string> AsAsync(IEnumerable<string> items, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (string item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return item;
        }
    }
}
