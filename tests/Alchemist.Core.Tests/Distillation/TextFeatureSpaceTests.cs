namespace Alchemist.Tests.Distillation;

public class TextFeatureSpaceTests
{
    [Fact]
    public void TransformRow_UnseenBuckets_AreDroppedAndTheRowHasUnitLength()
    {
        var options = new LogisticRegressionEndModelOptions();
        var featurizer = new HashedTextFeaturizer(options);
        SparseRows training = featurizer.Featurize(["free prize now", "see you at lunch"], static t => t, null, CancellationToken.None);
        var space = TextFeatureSpace.Fit(training, options, embeddingDimension: 0);
        var scratch = new HashedTextFeaturizer.Scratch();

        int raw = featurizer.FeaturizeRow("free lunch, zzzz qqqq", scratch);
        int length = space.TransformRow(scratch.Buckets.AsSpan(0, raw), scratch.Counts.AsSpan(0, raw));

        Assert.InRange(length, 1, raw - 1);
        Assert.All(scratch.Buckets[..length], column => Assert.InRange(column, 0, space.HashedCount - 1));
        Assert.Equal(1.0, scratch.Counts[..length].Sum(v => (double)v * v), precision: 5);
    }

    [Fact]
    public void TransformInPlace_TrainingRows_EqualTheRowByRowTransform()
    {
        var options = new LogisticRegressionEndModelOptions();
        var featurizer = new HashedTextFeaturizer(options);
        string[] texts = [.. Enumerable.Range(0, SparseRows.RowsPerBlock + 50).Select(i => $"message {i % 37} about topic {i % 11}")];
        SparseRows rows = featurizer.Featurize(texts, static t => t, null, CancellationToken.None);
        var space = TextFeatureSpace.Fit(rows, options, embeddingDimension: 0);

        space.TransformInPlace(rows, maxDegreeOfParallelism: null, CancellationToken.None);

        var scratch = new HashedTextFeaturizer.Scratch();
        foreach (int i in new[] { 0, 1, SparseRows.RowsPerBlock - 1, SparseRows.RowsPerBlock, texts.Length - 1 })
        {
            int raw = featurizer.FeaturizeRow(texts[i], scratch);
            int length = space.TransformRow(scratch.Buckets.AsSpan(0, raw), scratch.Counts.AsSpan(0, raw));
            Assert.Equal(scratch.Buckets[..length], rows.RowIndices(i).ToArray());
            Assert.Equal(scratch.Counts[..length], rows.RowValues(i).ToArray());
        }
    }

    [Fact]
    public void ColumnOf_FittedSpace_NumbersTheSeenBucketsInBucketOrder()
    {
        var options = new LogisticRegressionEndModelOptions { HashBits = 12 };
        var featurizer = new HashedTextFeaturizer(options);
        SparseRows rows = featurizer.Featurize([.. Alchemist.Tests.Shared.TestData.Load("youtube").Train.Texts.Take(200)], static t => t, null, CancellationToken.None);
        var seen = new SortedSet<int>(rows.Blocks.SelectMany(b => b.Indices.Take(b.EntryCount)));

        var space = TextFeatureSpace.Fit(rows, options, embeddingDimension: 0);

        int[] expected = [.. Enumerable.Range(0, 1 << options.HashBits).Select(b => seen.Contains(b) ? seen.GetViewBetween(0, b).Count - 1 : -1)];
        Assert.Equal(expected, Enumerable.Range(0, 1 << options.HashBits).Select(space.ColumnOf));
        Assert.Equal(seen, space.BucketsOfColumns());
        Assert.Equal(options.HashBits, space.HashBits);
    }

    [Fact]
    public void FromColumns_ColumnsNotInBucketOrder_MapsEachBucketToItsColumn()
    {
        int[] bucketOfColumn = [900, 3, 511, 64, 63, 1023, 128];
        float[] idf = [1, 2, 3, 4, 5, 6, 7];

        var space = TextFeatureSpace.FromColumns(10, bucketOfColumn, idf, embeddingDimension: 0, embeddingScale: 1);

        Assert.Equal(bucketOfColumn, space.BucketsOfColumns());
        Assert.Equal(Enumerable.Range(0, bucketOfColumn.Length), bucketOfColumn.Select(space.ColumnOf));
        Assert.Equal(-1, space.ColumnOf(4));
        Assert.Throws<InvalidDataException>(() => TextFeatureSpace.FromColumns(10, [5, 5], [1, 1], 0, 1));
        Assert.Throws<InvalidDataException>(() => TextFeatureSpace.FromColumns(10, [1024], [1], 0, 1));
    }

    [Fact]
    public void NormalizeEmbeddings_Rows_HaveTheEmbeddingScaleAsLength()
    {
        var space = TextFeatureSpace.Fit(null, new LogisticRegressionEndModelOptions { EmbeddingScale = 2 }, embeddingDimension: 2);
        float[] embeddings = [3, 4, 0, 0, -1, 0];

        space.NormalizeEmbeddings(embeddings);

        Assert.Equal([1.2f, 1.6f, 0, 0, -2, 0], embeddings);
        Assert.Equal(0, space.HashedCount);
        Assert.Equal(2, space.ColumnCount);
    }
}
