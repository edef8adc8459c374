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
    public void Featurize_Row_HoldsEachBucketOnceInOrderWithSublinearCounts()
    {
        var options = new LogisticRegressionEndModelOptions { CharNgramMin = 0, CharNgramMax = 0, WordNgramMax = 1, MarkTextStart = false };

        SparseRows rows = Featurize(options, "spam spam spam eggs");

        int[] indices = rows.Indices[rows.RowStarts[0]..rows.RowStarts[1]];
        Assert.Equal(2, indices.Length);
        Assert.Equal(indices.Order(), indices);
        Assert.Contains(1f + MathF.Log(3), rows.Values[..2]);
        Assert.Contains(1f, rows.Values[..2]);
    }

    [Fact]
    public void Featurize_EmptyAndNullTexts_GiveRows()
    {
        SparseRows rows = Featurize(new LogisticRegressionEndModelOptions(), "", null);

        Assert.Equal(2, rows.RowCount);
    }

    private static SparseRows Featurize(LogisticRegressionEndModelOptions options, params string?[] texts) =>
        new HashedTextFeaturizer(options).Featurize(texts, static t => t, maxDegreeOfParallelism: null, CancellationToken.None);

    private static (int, float)[] Row(SparseRows rows, int row) =>
        [.. Enumerable.Range(rows.RowStarts[row], rows.RowStarts[row + 1] - rows.RowStarts[row]).Select(e => (rows.Indices[e], rows.Values[e]))];
}
