using System.Runtime.CompilerServices;
using Alchemist.Tests.Shared;

namespace Alchemist.Tests.Labeling;

public class LabelingFunctionApplierTests
{
    private static readonly string[] Texts = [.. TestData.Load("youtube").Train.Texts.Select(t => t!)];

    [Fact]
    public void Apply_Parallel_IsIdenticalToSequential()
    {
        // Repeat the YouTube texts so that many chunks run on several threads.
        string[] items = [.. Enumerable.Range(0, 12).SelectMany(_ => Texts)];
        var parallel = new LabelingFunctionApplier(new LabelingApplierOptions { ChunkSize = 3000 });
        var sequential = new LabelingFunctionApplier(new LabelingApplierOptions { MaxDegreeOfParallelism = 1 });

        LabelingResult a = parallel.Apply(items, YouTubeSpamFunctions.All, classCount: 2);
        LabelingResult b = sequential.Apply(items, YouTubeSpamFunctions.All, classCount: 2);

        Assert.Equal(items.Length, a.Matrix.ItemCount);
        Assert.True(a.Matrix.AsSpan().SequenceEqual(b.Matrix.AsSpan()));
        Assert.Equal(0, a.TotalFaults);
    }

    [Fact]
    public void Apply_MatchesEachFunctionCalledDirectly()
    {
        LabelingResult result = new LabelingFunctionApplier().Apply(Texts, YouTubeSpamFunctions.All, 2);
        for (int i = 0; i < Texts.Length; i += 37)
        {
            for (int j = 0; j < YouTubeSpamFunctions.All.Count; j++)
            {
                Assert.Equal(YouTubeSpamFunctions.All[j].Apply(Texts[i]), result.Matrix[i, j]);
            }
        }

        Assert.Equal(YouTubeSpamFunctions.All.Select(f => f.Name), result.Matrix.FunctionNames);
    }

    [Fact]
    public void Apply_StreamedEnumerable_EqualsList()
    {
        var applier = new LabelingFunctionApplier(new LabelingApplierOptions { ChunkSize = 500 });
        LabelingResult fromList = applier.Apply(Texts, YouTubeSpamFunctions.All, 2);
        LabelingResult fromStream = applier.Apply(Texts.Select(t => t), YouTubeSpamFunctions.All, 2);
        Assert.True(fromList.Matrix.AsSpan().SequenceEqual(fromStream.Matrix.AsSpan()));
    }

    [Fact]
    public async Task ApplyAsync_AsyncStream_EqualsList()
    {
        var applier = new LabelingFunctionApplier(new LabelingApplierOptions { ChunkSize = 700 });
        LabelingResult fromList = applier.Apply(Texts, YouTubeSpamFunctions.All, 2);
        LabelingResult fromStream = await applier.ApplyAsync(ToAsync(Texts), YouTubeSpamFunctions.All, 2);
        Assert.True(fromList.Matrix.AsSpan().SequenceEqual(fromStream.Matrix.AsSpan()));
    }

    [Fact]
    public void Apply_ThrowingAndInvalidFunctions_AbstainAndCountFaults()
    {
        ILabelingFunction<int>[] functions =
        [
            LabelingFunction.Create<int>("fine", x => x % 2),
            LabelingFunction.Create<int>("throws_on_3", x => x == 3 ? throw new InvalidOperationException("boom") : 0),
            LabelingFunction.Create<int>("returns_7", _ => 7),
        ];

        LabelingResult result = new LabelingFunctionApplier().Apply(Enumerable.Range(0, 10).ToArray(), functions, classCount: 2);

        Assert.Equal(1, result.Matrix[3, 0]);
        Assert.Equal(Label.Abstain, result.Matrix[3, 1]);
        Assert.Equal(0, result.Matrix[4, 1]);
        Assert.All(Enumerable.Range(0, 10), i => Assert.Equal(Label.Abstain, result.Matrix[i, 2]));
        Assert.Equal(0, result.Faults[0].Total);
        Assert.Equal(1, result.Faults[1].Exceptions);
        Assert.Equal("InvalidOperationException on item 3: boom", result.Faults[1].FirstError);
        Assert.Equal(10, result.Faults[2].InvalidVotes);
        Assert.Equal("Returned 7 on item 0; a vote must be -1 or a class index in 0..1.", result.Faults[2].FirstError);
        Assert.Equal(11, result.TotalFaults);
    }

    [Fact]
    public void Apply_FaultsInParallel_FirstErrorIsTheEarliestItem()
    {
        int[] items = [.. Enumerable.Range(0, 20_000)];
        ILabelingFunction<int>[] functions = [LabelingFunction.Create<int>("odd_fails", x => x % 2 == 1 ? throw new FormatException("odd " + x) : 0)];
        LabelingResult result = new LabelingFunctionApplier(new LabelingApplierOptions { ChunkSize = 5000 }).Apply(items, functions, 2);
        Assert.Equal(10_000, result.Faults[0].Exceptions);
        Assert.Equal("FormatException on item 1: odd 1", result.Faults[0].FirstError);
    }

    [Fact]
    public void Apply_HugeFaultMessage_IsShortened()
    {
        string huge = new('x', 100_000);
        ILabelingFunction<int>[] functions = [LabelingFunction.Create<int>("loud", _ => throw new InvalidOperationException(huge))];
        LabelingResult result = new LabelingFunctionApplier().Apply([1, 2], functions, 2);
        Assert.Equal(2, result.Faults[0].Exceptions);
        Assert.EndsWith("... (99500 more characters)", result.Faults[0].FirstError, StringComparison.Ordinal);
        Assert.True(result.Faults[0].FirstError!.Length < 600);
    }

    [Fact]
    public void Apply_QuarantineThreshold_StopsCallingAFailingFunction()
    {
        int calls = 0;
        ILabelingFunction<int>[] functions =
        [
            LabelingFunction.Create<int>("always_fails", _ =>
            {
                Interlocked.Increment(ref calls);
                throw new InvalidOperationException("broken");
            }),
            LabelingFunction.Create<int>("fine", _ => 1),
        ];
        var applier = new LabelingFunctionApplier(new LabelingApplierOptions { ChunkSize = 100, QuarantineFaultRate = 0.5, QuarantineMinimumItems = 100 });

        LabelingResult result = applier.Apply(Enumerable.Range(0, 1000).ToArray(), functions, 2);

        Assert.Equal(100, calls);
        Assert.True(result.Faults[0].Quarantined);
        Assert.Equal(100, result.Faults[0].ItemsSeen);
        Assert.False(result.Faults[1].Quarantined);
        Assert.Equal(1000, result.Faults[1].ItemsSeen);
        Assert.Equal(Label.Abstain, result.Matrix[999, 0]);
        Assert.Equal(1, result.Matrix[999, 1]);
    }

    [Fact]
    public void Apply_ReportsProgressPerChunk()
    {
        var reports = new List<LabelingProgress>();
        var progress = new SynchronousProgress(reports.Add);
        new LabelingFunctionApplier(new LabelingApplierOptions { ChunkSize = 1000 }).Apply(Texts, YouTubeSpamFunctions.All, 2, progress);
        Assert.Equal([1000L, Texts.Length], reports.Select(r => r.ItemsLabeled));
        Assert.All(reports, r => Assert.Equal(Texts.Length, r.TotalItems));
    }

    [Fact]
    public void Apply_Canceled_Throws()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => new LabelingFunctionApplier().Apply(Texts, YouTubeSpamFunctions.All, 2, cancellationToken: cts.Token));
    }

    [Fact]
    public void Apply_CanceledMidway_StopsEnumerating()
    {
        using var cts = new CancellationTokenSource();
        int read = 0;
        IEnumerable<int> Items()
        {
            for (int i = 0; i < 1_000_000; i++)
            {
                read++;
                if (i == 250)
                {
                    cts.Cancel();
                }

                yield return i;
            }
        }

        var applier = new LabelingFunctionApplier(new LabelingApplierOptions { ChunkSize = 100 });
        Assert.ThrowsAny<OperationCanceledException>(() => applier.Apply(Items(), [LabelingFunction.Create<int>("f", _ => 0)], 2, cancellationToken: cts.Token));
        Assert.True(read < 1000);
    }

    [Fact]
    public void Apply_DuplicateNames_Throws()
    {
        ILabelingFunction<int>[] functions = [LabelingFunction.Create<int>("same", _ => 0), LabelingFunction.Create<int>("same", _ => 1)];
        ArgumentException ex = Assert.Throws<ArgumentException>("functions", () => new LabelingFunctionApplier().Apply([1], functions, 2));
        Assert.StartsWith("Two labeling functions are named 'same'; names must be distinct.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_NoItems_GivesAnEmptyMatrix()
    {
        LabelingResult result = new LabelingFunctionApplier().Apply(Array.Empty<string>(), YouTubeSpamFunctions.All, 2);
        Assert.Equal(0, result.Matrix.ItemCount);
        Assert.Equal(10, result.Matrix.FunctionCount);
    }

    [Fact]
    public void Ctor_InvalidOptions_Throw()
    {
        OptionsAssert.Rejects(() => new LabelingFunctionApplier(new LabelingApplierOptions { ChunkSize = 0 }), "ChunkSize");
        OptionsAssert.Rejects(() => new LabelingFunctionApplier(new LabelingApplierOptions { MaxDegreeOfParallelism = 0 }), "MaxDegreeOfParallelism");
        OptionsAssert.Rejects(() => new LabelingFunctionApplier(new LabelingApplierOptions { QuarantineFaultRate = 1.5 }), "QuarantineFaultRate");
    }

    [Fact]
    public async Task ApplyAsync_WithRoomForAColumnAppendedInPlace_GivesTheVotesOfAppendColumnAndBackWithoutIt()
    {
        // A streamed run's matrix: sized once for the count, with room for the seed model's column, which is written
        // into the same array and taken out again at the end of the run.
        var applier = new LabelingFunctionApplier(new LabelingApplierOptions { ChunkSize = 1_000 });
        LabelingResult plain = await applier.ApplyAsync(ToAsync(Texts), YouTubeSpamFunctions.All, 2);
        LabelingResult roomy = await applier.ApplyAsync(ToAsync(Texts), YouTubeSpamFunctions.All, 2, Texts.Length, spareColumns: 1, progress: null, CancellationToken.None);
        int[] column = [.. Enumerable.Range(0, Texts.Length).Select(i => i % 3 - 1)];
        LabelMatrix expected = plain.Matrix.AppendColumn("seed-model", [.. column.Select(v => (sbyte)v)]);

        Assert.Equal(plain.Matrix.AsSpan().ToArray(), roomy.Matrix.AsSpan().ToArray());
        LabelMatrix appended = roomy.Matrix.AppendColumnInPlace("seed-model");
        Assert.Equal(Enumerable.Repeat((sbyte)-1, Texts.Length), appended.GetColumn(appended.FunctionCount - 1));
        appended.WriteColumn(appended.FunctionCount - 1, 0, column.AsSpan(0, 700));
        appended.WriteColumn(appended.FunctionCount - 1, 700, column.AsSpan(700));

        Assert.Equal(expected.FunctionNames, appended.FunctionNames);
        Assert.Equal(expected.AsSpan().ToArray(), appended.AsSpan().ToArray());
        LabelMatrix removed = appended.RemoveLastColumnInPlace();
        Assert.Equal(plain.Matrix.FunctionNames, removed.FunctionNames);
        Assert.Equal(plain.Matrix.AsSpan().ToArray(), removed.AsSpan().ToArray());
        Assert.Equal(plain.Matrix.GetRow(Texts.Length - 1).ToArray(), removed.GetRow(Texts.Length - 1).ToArray());
    }

    [Fact]
    public void AppendColumnInPlace_WithoutRoom_CopiesAndLeavesTheMatrixAsItWas()
    {
        LabelMatrix matrix = new LabelingFunctionApplier().Apply(Texts, YouTubeSpamFunctions.All, 2).Matrix;
        sbyte[] before = matrix.AsSpan().ToArray();

        LabelMatrix appended = matrix.AppendColumnInPlace("seed-model");
        appended.WriteColumn(appended.FunctionCount - 1, 0, [1, 0]);

        Assert.Equal(before, matrix.AsSpan().ToArray());
        Assert.Equal(1, appended[0, appended.FunctionCount - 1]);
        Assert.Equal(0, appended[1, appended.FunctionCount - 1]);
        Assert.Equal(-1, appended[2, appended.FunctionCount - 1]);
        Assert.Throws<ArgumentException>("votes", () => appended.WriteColumn(appended.FunctionCount - 1, 0, [2]));
        Assert.Equal(before, appended.RemoveLastColumnInPlace().AsSpan().ToArray());
    }

    [Fact]
    public void Apply_NullItems_Throws() =>
        Assert.Throws<ArgumentNullException>("items", () => new LabelingFunctionApplier().Apply<string>(null!, YouTubeSpamFunctions.All, 2));

    private static async IAsyncEnumerable<string> ToAsync(IEnumerable<string> items, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (string item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return item;
        }
    }

    private sealed class SynchronousProgress(Action<LabelingProgress> report) : IProgress<LabelingProgress>
    {
        public void Report(LabelingProgress value) => report(value);
    }
}
