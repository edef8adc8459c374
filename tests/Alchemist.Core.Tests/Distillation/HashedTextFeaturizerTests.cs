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

    /// <summary>Awkward texts for the fast paths: empty, one character, white space only, non-ASCII, surrogate pairs, upper-case Turkish and Greek, and lengths on either side of the eight-at-a-time hashing's edges.</summary>
    public static TheoryData<string?> AwkwardTexts => new(AwkwardTextList);

    /// <summary>The texts of <see cref="AwkwardTexts"/>.</summary>
    internal static readonly string?[] AwkwardTextList =
    [
        null, "", "x", "X", " ", "   \t\n ", "\u00A0\u2003", "ab", "abcdefghijkl", "abcdefghijklm", "abcdefghijklmn",
        "İSTANBUL ıIiİ KIRMIZI", "ΣΊΣΥΦΟΣ ΟΔΟΣ ß", "𐐀𐐁 Deseret ❤️ 👍🏽 🚨🚨🚨", "\uD800 lone \uDC00 surrogates",
        "call 0800 123 456 NOW!!!", string.Concat(Enumerable.Repeat("Spam spam SPAM eggs ", 300)), new string('a', 5000),
        "check out my channel", "free prize now", "Ελληνικά και English mixed 123",
    ];

    [Theory]
    [MemberData(nameof(AwkwardTexts))]
    public void FeaturizeKnownColumns_AwkwardText_EqualsTheTransformedRowsColumnsAndCounts(string? text)
    {
        // A space that knows only some of the text's buckets (trained on other texts, one of them sharing n-grams), and
        // the same space with its columns in another order, as a saved model may have them.
        var options = new LogisticRegressionEndModelOptions();
        var featurizer = new HashedTextFeaturizer(options);
        string[] training = ["check out my channel", "free prize now", "ΣΊΣΥΦΟΣ", "Spam eggs", "𐐀 ❤️", "aaaa"];
        var fitted = TextFeatureSpace.Fit(featurizer.Featurize(training, static t => t, null, CancellationToken.None), options, embeddingDimension: 0);
        int[] reordered = [.. fitted.BucketsOfColumns().Reverse()];
        var loaded = TextFeatureSpace.FromColumns(options.HashBits, reordered, [.. fitted.Idf.ToArray().Reverse()], 0, 1f);
        var scratch = new HashedTextFeaturizer.Scratch();

        foreach (TextFeatureSpace space in new[] { fitted, loaded })
        {
            int raw = featurizer.FeaturizeRow(text, scratch);
            int[] rawBuckets = scratch.Buckets[..raw];
            float[] rawCounts = scratch.Counts[..raw];
            int length = space.TransformRow(scratch.Buckets.AsSpan(0, raw), scratch.Counts.AsSpan(0, raw));
            int[] expectedColumns = scratch.Buckets[..length];
            float[] expectedValues = scratch.Counts[..length];
            int[] knownColumns = [.. rawBuckets.Select(space.ColumnOf).Where(c => c >= 0)];
            float[] knownCounts = [.. rawCounts.Where((_, e) => space.ColumnOf(rawBuckets[e]) >= 0)];

            int known = featurizer.FeaturizeKnownColumns(text, scratch, space);

            Assert.Equal(knownColumns, scratch.Buckets[..known]);
            Assert.Equal(knownCounts.Select(BitConverter.SingleToInt32Bits), scratch.Counts[..known].Select(BitConverter.SingleToInt32Bits));
            space.WeightKnownRow(scratch.Buckets.AsSpan(0, known), scratch.Counts.AsSpan(0, known));
            Assert.Equal(expectedColumns, scratch.Buckets[..known]);
            Assert.Equal(expectedValues.Select(BitConverter.SingleToInt32Bits), scratch.Counts[..known].Select(BitConverter.SingleToInt32Bits));
        }
    }

    [Fact]
    public void FeaturizeKnownColumns_SpaceOfTheTextItself_KeepsEveryBucket()
    {
        var options = new LogisticRegressionEndModelOptions();
        var featurizer = new HashedTextFeaturizer(options);
        const string Text = "Subscribe to my channel, 100% free!!! İı";
        var space = TextFeatureSpace.Fit(featurizer.Featurize([Text], static t => t, null, CancellationToken.None), options, embeddingDimension: 0);
        var scratch = new HashedTextFeaturizer.Scratch();

        int raw = featurizer.FeaturizeRow(Text, scratch);
        int[] columns = [.. scratch.Buckets[..raw].Select(space.ColumnOf)];
        int known = featurizer.FeaturizeKnownColumns(Text, scratch, space);

        Assert.Equal(raw, known);
        Assert.DoesNotContain(-1, columns);
        Assert.Equal(columns, scratch.Buckets[..known]);
    }

    private static SparseRows Featurize(LogisticRegressionEndModelOptions options, params string?[] texts) =>
        new HashedTextFeaturizer(options).Featurize(texts, static t => t, maxDegreeOfParallelism: null, CancellationToken.None);

    private static (int Bucket, float Value)[] Row(SparseRows rows, int row) =>
        [.. rows.RowIndices(row).ToArray().Zip(rows.RowValues(row).ToArray())];
}
