using System.Numerics;

namespace Alchemist;

/// <summary>Turns texts into hashed word and character n-gram counts, block by block in parallel, with no allocation per text.</summary>
/// <remarks>
/// <para>
/// A text is lower-cased (invariant culture) and its runs of white space collapse to one space, with a space added at
/// each end. Words are runs of letters and digits; word n-grams join consecutive words. Character n-grams run over the
/// whole normalized text, spaces and punctuation included, optionally with every digit read as <c>0</c>.
/// </para>
/// <para>
/// Each n-gram is hashed with FNV-1a and a MurmurHash3 finalizer (never <see cref="string.GetHashCode()"/>, which changes
/// from process to process), so features are the same on every machine and in every run. A row holds each bucket once,
/// sorted, with its (optionally sublinear) count.
/// </para>
/// </remarks>
internal sealed class HashedTextFeaturizer
{
    private const uint FnvOffset = 2166136261;
    private const uint FnvPrime = 16777619;
    private const uint WordSalt = 0x9E3779B9;
    private const uint CharSalt = 0x85EBCA6B;
    private const int BlockSize = 1024;
    private const uint StartSentinel = 0x5BD1E995;

    private readonly int _wordMin;
    private readonly int _wordMax;
    private readonly int _charMin;
    private readonly int _charMax;
    private readonly bool _sublinear;
    private readonly bool _normalizeDigits;
    private readonly bool _markStart;
    private readonly uint _mask;

    public HashedTextFeaturizer(LogisticRegressionEndModelOptions options)
    {
        _wordMin = options.WordNgramMin;
        _wordMax = options.WordNgramMax;
        _charMin = options.CharNgramMin;
        _charMax = options.CharNgramMax;
        _sublinear = options.SublinearTermFrequency;
        _normalizeDigits = options.NormalizeDigits;
        _markStart = options.MarkTextStart;
        _mask = (1u << options.HashBits) - 1;
    }

    /// <summary>Featurizes texts into rows of (bucket, count), in order; the result does not depend on the degree of parallelism.</summary>
    public SparseRows Featurize<TItem>(IReadOnlyList<TItem> items, Func<TItem, string?> textSelector, int? maxDegreeOfParallelism, CancellationToken cancellationToken)
    {
        int blockCount = (items.Count + BlockSize - 1) / BlockSize;
        var builders = new SparseRowsBuilder[blockCount];
        var parallelOptions = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = maxDegreeOfParallelism ?? -1 };
        Parallel.For(0, blockCount, parallelOptions, () => new Scratch(), (block, _, scratch) =>
        {
            int start = block * BlockSize;
            int end = Math.Min(items.Count, start + BlockSize);
            var builder = new SparseRowsBuilder(end - start, (end - start) * 64);
            for (int i = start; i < end; i++)
            {
                AddRow(textSelector(items[i]), builder, scratch);
            }

            builders[block] = builder;
            return scratch;
        }, static _ => { });

        return SparseRowsBuilder.Concat(builders);
    }

    /// <summary>Appends the row of one text to a builder.</summary>
    public void AddRow(string? text, SparseRowsBuilder builder, Scratch scratch)
    {
        int length = Normalize(text ?? string.Empty, scratch);
        ReadOnlySpan<char> normalized = scratch.Text.AsSpan(0, length);
        int buckets = 0;
        if (_wordMax > 0)
        {
            buckets = AddWordNgrams(normalized, scratch, buckets);
        }

        if (_charMax > 0)
        {
            if (_normalizeDigits)
            {
                Span<char> chars = scratch.Text.AsSpan(0, length);
                for (int i = 0; i < chars.Length; i++)
                {
                    if (char.IsAsciiDigit(chars[i]))
                    {
                        chars[i] = '0';
                    }
                }
            }

            buckets = AddCharNgrams(normalized, scratch, buckets);
        }

        Span<int> all = scratch.Buckets.AsSpan(0, buckets);
        all.Sort();
        int index = 0;
        while (index < all.Length)
        {
            int bucket = all[index];
            int count = 1;
            while (index + count < all.Length && all[index + count] == bucket)
            {
                count++;
            }

            builder.Add(bucket, _sublinear ? 1f + MathF.Log(count) : count);
            index += count;
        }

        builder.EndRow();
    }

    private static int Normalize(string text, Scratch scratch)
    {
        scratch.EnsureText(text.Length + 2);
        char[] buffer = scratch.Text;
        int length = 0;
        buffer[length++] = ' ';
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                if (buffer[length - 1] != ' ')
                {
                    buffer[length++] = ' ';
                }
            }
            else
            {
                buffer[length++] = char.ToLowerInvariant(c);
            }
        }

        if (buffer[length - 1] != ' ')
        {
            buffer[length++] = ' ';
        }

        return length;
    }

    private int AddWordNgrams(ReadOnlySpan<char> text, Scratch scratch, int buckets)
    {
        int words = 0;
        int i = 0;
        if (_markStart)
        {
            // A sentinel word before the first one, so that word n-grams starting with it say how the text begins.
            scratch.EnsureWords(1);
            scratch.WordHashes[words++] = StartSentinel;
        }

        while (i < text.Length)
        {
            if (!char.IsLetterOrDigit(text[i]))
            {
                i++;
                continue;
            }

            uint hash = FnvOffset;
            while (i < text.Length && char.IsLetterOrDigit(text[i]))
            {
                hash = (hash ^ text[i]) * FnvPrime;
                i++;
            }

            scratch.EnsureWords(words + 1);
            scratch.WordHashes[words++] = hash;
        }

        scratch.EnsureBuckets(buckets + (words * (_wordMax - _wordMin + 1)));
        for (int start = 0; start < words; start++)
        {
            uint hash = FnvOffset ^ WordSalt;
            for (int n = 1; n <= _wordMax && start + n <= words; n++)
            {
                hash = (hash ^ scratch.WordHashes[start + n - 1]) * FnvPrime;
                if (n >= _wordMin)
                {
                    scratch.Buckets[buckets++] = (int)(Finalize(hash + ((uint)n * WordSalt)) & _mask);
                }
            }
        }

        return buckets;
    }

    private int AddCharNgrams(ReadOnlySpan<char> text, Scratch scratch, int buckets)
    {
        scratch.EnsureBuckets(buckets + (text.Length * (_charMax - _charMin + 1)));
        for (int start = 0; start < text.Length; start++)
        {
            uint hash = FnvOffset ^ CharSalt;
            for (int n = 1; n <= _charMax && start + n <= text.Length; n++)
            {
                hash = (hash ^ text[start + n - 1]) * FnvPrime;
                if (n >= _charMin)
                {
                    scratch.Buckets[buckets++] = (int)(Finalize(hash + ((uint)n * CharSalt)) & _mask);
                }
            }
        }

        return buckets;
    }

    /// <summary>The MurmurHash3 32-bit finalizer: spreads every input bit over the output.</summary>
    private static uint Finalize(uint hash)
    {
        hash ^= hash >> 16;
        hash *= 0x85EBCA6B;
        hash ^= hash >> 13;
        hash *= 0xC2B2AE35;
        hash ^= hash >> 16;
        return hash;
    }

    /// <summary>Per-thread buffers, reused from text to text.</summary>
    internal sealed class Scratch
    {
        public char[] Text { get; private set; } = new char[256];

        public uint[] WordHashes { get; private set; } = new uint[64];

        public int[] Buckets { get; private set; } = new int[1024];

        public void EnsureText(int length)
        {
            if (Text.Length < length)
            {
                Text = new char[(int)BitOperations.RoundUpToPowerOf2((uint)length)];
            }
        }

        public void EnsureWords(int count)
        {
            if (WordHashes.Length < count)
            {
                uint[] grown = new uint[WordHashes.Length * 2];
                WordHashes.CopyTo(grown, 0);
                WordHashes = grown;
            }
        }

        public void EnsureBuckets(int count)
        {
            if (Buckets.Length < count)
            {
                int[] grown = new int[(int)BitOperations.RoundUpToPowerOf2((uint)count)];
                Buckets.CopyTo(grown, 0);
                Buckets = grown;
            }
        }
    }
}
