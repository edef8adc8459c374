namespace Alchemist.Tests.Distillation;

public class HashedTextFeaturizerTests
{
    [Fact]
    public void Featurize_CaseAndSpacing_DoNotChangeTheRow()
    {
        SparseRows rows = Featurize(new LogisticRegressionEndModelOptions(), "Call  NOW", "call now");

        Assert.Equal(Row(rows, 0), Row(rows, 1));
    }

    [Fact]
    public void Featurize_NormalizedDigits_MakeNumbersOfOneShapeAlike()
    {
        var options = new LogisticRegressionEndModelOptions { WordNgramMin = 0, WordNgramMax = 0 };

        Assert.Equal(Row(Featurize(options, "call 0800"), 0), Row(Featurize(options, "call 1234"), 0));
        options.NormalizeDigits = false;
        Assert.NotEqual(Row(Featurize(options, "call 0800"), 0), Row(Featurize(options, "call 1234"), 0));
    }

    [Fact]
    public void Featurize_Row_HoldsEachBucketOnceWithSublinearCounts()
    {
        var options = new LogisticRegressionEndModelOptions { CharNgramMin = 0, CharNgramMax = 0, WordNgramMax = 1, MarkTextStart = false };

        SparseRows rows = Featurize(options, "spam spam spam eggs");

        (int Bucket, float Value)[] row = Row(rows, 0);
        Assert.Equal(2, row.Length);
        Assert.Equal(2, row.Select(e => e.Bucket).Distinct().Count());
        Assert.Equal([1f + MathF.Log(3), 1f], row.Select(e => e.Value)); // in order of first occurrence
    }

    [Fact]
    public void Featurize_EmptyAndNullTexts_GiveRows()
    {
        SparseRows rows = Featurize(new LogisticRegressionEndModelOptions(), "", null);

        Assert.Equal(2, rows.RowCount);
    }

    [Fact]
    public void Featurize_ManyTexts_SplitsIntoBlocksAndMatchesRowByRow()
    {
        // More rows than one block, with a long text that makes the per-thread buffers grow on the way.
        var options = new LogisticRegressionEndModelOptions();
        string[] texts = [.. Enumerable.Range(0, SparseRows.RowsPerBlock + 300).Select(i => i == 700 ? string.Concat(Enumerable.Repeat($"word{i} ", 2000)) : $"text number {i} says hello")];
        var featurizer = new HashedTextFeaturizer(options);

        SparseRows parallel = featurizer.Featurize(texts, static t => t, maxDegreeOfParallelism: null, CancellationToken.None);
        SparseRows sequential = featurizer.Featurize(texts, static t => t, maxDegreeOfParallelism: 1, CancellationToken.None);

        Assert.Equal(2, parallel.Blocks.Length);
        Assert.Equal(texts.Length, parallel.RowCount);
        var scratch = new HashedTextFeaturizer.Scratch();
        foreach (int i in new[] { 0, 699, 700, 701, SparseRows.RowsPerBlock, texts.Length - 1 })
        {
            int count = featurizer.FeaturizeRow(texts[i], scratch);
            Assert.Equal(scratch.Buckets[..count], parallel.RowIndices(i).ToArray());
            Assert.Equal(scratch.Counts[..count], parallel.RowValues(i).ToArray());
            Assert.Equal(Row(parallel, i), Row(sequential, i));
        }
    }

    private static SparseRows Featurize(LogisticRegressionEndModelOptions options, params string?[] texts) =>
        new HashedTextFeaturizer(options).Featurize(texts, static t => t, maxDegreeOfParallelism: null, CancellationToken.None);

    private static (int Bucket, float Value)[] Row(SparseRows rows, int row) =>
        [.. rows.RowIndices(row).ToArray().Zip(rows.RowValues(row).ToArray())];
}
