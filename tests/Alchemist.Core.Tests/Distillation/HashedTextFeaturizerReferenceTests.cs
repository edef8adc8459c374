using Alchemist.Tests.Shared;

namespace Alchemist.Tests.Distillation;

/// <summary>The featurizer against a plain re-implementation of its specification (a dictionary for the distinct buckets, <see cref="MathF.Log(float)"/> per count, <see cref="char.ToLowerInvariant(char)"/> per code unit): rows equal bit for bit.</summary>
public class HashedTextFeaturizerReferenceTests
{
    private const uint FnvOffset = 2166136261;
    private const uint FnvPrime = 16777619;
    private const uint WordSalt = 0x9E3779B9;
    private const uint CharSalt = 0x85EBCA6B;
    private const uint StartSentinel = 0x5BD1E995;

    public static TheoryData<string> Datasets => ["youtube", "sms", "trec"];

    [Theory]
    [MemberData(nameof(Datasets))]
    public void FeaturizeRow_DatasetTexts_EqualTheReference(string dataset)
    {
        string[] texts = [.. TestData.Load(dataset).Train.Texts.Select(t => t ?? string.Empty)];
        // A long text first, so that the short ones after it run on grown buffers.
        string[] ordered = [string.Concat(texts.OrderByDescending(t => t.Length).Take(20)), .. texts];

        AssertRowsEqualTheReference(new LogisticRegressionEndModelOptions(), ordered);
    }

    [Fact]
    public void FeaturizeRow_OtherOptionsAndUnicode_EqualTheReference()
    {
        string[] texts =
        [
            "İstanbul ıIiİ KIRMIZI", "\uFEFFcheck out MY channel 🚨🚨🚨", "𐐀𐐁 Deseret ❤️ 👍🏽", "ΣΊΣΥΦΟΣ ß", "spam spam spam " + new string('a', 600),
            "call 0800 123 456 now", "", "   ", "x", string.Concat(Enumerable.Repeat("la ", 400)), "short again",
        ];
        LogisticRegressionEndModelOptions[] variants =
        [
            new(),
            new() { SublinearTermFrequency = false, NormalizeDigits = false, MarkTextStart = false },
            new() { WordNgramMin = 1, WordNgramMax = 3, CharNgramMin = 1, CharNgramMax = 6, HashBits = 12 },
            new() { WordNgramMin = 0, WordNgramMax = 0 },
            new() { CharNgramMin = 0, CharNgramMax = 0 },
        ];

        foreach (LogisticRegressionEndModelOptions options in variants)
        {
            AssertRowsEqualTheReference(options, texts);
        }
    }

    private static void AssertRowsEqualTheReference(LogisticRegressionEndModelOptions options, string[] texts)
    {
        var featurizer = new HashedTextFeaturizer(options);
        var scratch = new HashedTextFeaturizer.Scratch();
        foreach (string text in texts)
        {
            (int[] buckets, float[] values) = Reference(text, options);
            int count = featurizer.FeaturizeRow(text, scratch);
            Assert.Equal(buckets, scratch.Buckets[..count]);
            Assert.Equal(values.Select(BitConverter.SingleToInt32Bits), scratch.Counts[..count].Select(BitConverter.SingleToInt32Bits));
        }
    }

    private static (int[] Buckets, float[] Values) Reference(string text, LogisticRegressionEndModelOptions options)
    {
        uint mask = (1u << options.HashBits) - 1;
        char[] normalized = InvariantLowerCaseTests.ReferenceNormalize(text).ToCharArray();
        var order = new List<int>();
        var counts = new Dictionary<int, float>();
        void Add(uint hash)
        {
            int bucket = (int)(Finalize(hash) & mask);
            if (counts.TryGetValue(bucket, out float c))
            {
                counts[bucket] = c + 1;
            }
            else
            {
                counts[bucket] = 1;
                order.Add(bucket);
            }
        }

        if (options.WordNgramMax > 0)
        {
            var words = new List<uint>();
            if (options.MarkTextStart)
            {
                words.Add(StartSentinel);
            }

            for (int i = 0; i < normalized.Length;)
            {
                if (!char.IsLetterOrDigit(normalized[i]))
                {
                    i++;
                    continue;
                }

                uint hash = FnvOffset;
                for (; i < normalized.Length && char.IsLetterOrDigit(normalized[i]); i++)
                {
                    hash = (hash ^ normalized[i]) * FnvPrime;
                }

                words.Add(hash);
            }

            for (int start = 0; start < words.Count; start++)
            {
                uint hash = FnvOffset ^ WordSalt;
                for (int n = 1; n <= Math.Min(options.WordNgramMax, words.Count - start); n++)
                {
                    hash = (hash ^ words[start + n - 1]) * FnvPrime;
                    if (n >= options.WordNgramMin)
                    {
                        Add(hash + ((uint)n * WordSalt));
                    }
                }
            }
        }

        if (options.CharNgramMax > 0)
        {
            if (options.NormalizeDigits)
            {
                for (int i = 0; i < normalized.Length; i++)
                {
                    normalized[i] = char.IsAsciiDigit(normalized[i]) ? '0' : normalized[i];
                }
            }

            for (int start = 0; start < normalized.Length; start++)
            {
                uint hash = FnvOffset ^ CharSalt;
                for (int n = 1; n <= Math.Min(options.CharNgramMax, normalized.Length - start); n++)
                {
                    hash = (hash ^ normalized[start + n - 1]) * FnvPrime;
                    if (n >= options.CharNgramMin)
                    {
                        Add(hash + ((uint)n * CharSalt));
                    }
                }
            }
        }

        float[] values = [.. order.Select(b => options.SublinearTermFrequency ? 1f + MathF.Log(counts[b]) : counts[b])];
        return ([.. order], values);
    }

    private static uint Finalize(uint hash)
    {
        hash ^= hash >> 16;
        hash *= 0x85EBCA6B;
        hash ^= hash >> 13;
        hash *= 0xC2B2AE35;
        hash ^= hash >> 16;
        return hash;
    }
}
