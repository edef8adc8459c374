using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
/// in the order of its first occurrence (word n-grams first), with its (optionally sublinear) count. The n-grams' keys
/// are first written in order to a buffer (a dropped bucket without a branch), then merged in one tight loop through a
/// small open-addressing table per thread, reset in constant time from row to row.
/// </para>
/// </remarks>
internal sealed class HashedTextFeaturizer
{
    private const uint FnvOffset = 2166136261;
    private const uint FnvPrime = 16777619;
    private const uint WordSalt = 0x9E3779B9;
    private const uint CharSalt = 0x85EBCA6B;
    private const uint StartSentinel = 0x5BD1E995;

    /// <summary>The characters <see cref="Scratch.Text"/> keeps after a text: the widest load of eight starts reads 7 + charMax (at most 8) past the first.</summary>
    private const int TextPadding = 16;

    /// <summary><see cref="Sublinear"/> of the counts below 256, computed once by the same expression.</summary>
    private static readonly float[] SublinearOfCount = [.. Enumerable.Range(0, 256).Select(count => Sublinear(count))];

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
        var blocks = new SparseRowBlock[SparseRows.BlockCount(items.Count)];
        var parallelOptions = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = maxDegreeOfParallelism ?? -1 };
        Parallel.For(0, blocks.Length, parallelOptions, () => (new Scratch(), new SparseRowsBuilder()), (block, _, local) =>
        {
            (Scratch scratch, SparseRowsBuilder builder) = local;
            int end = Math.Min(items.Count, (block + 1) * SparseRows.RowsPerBlock);
            for (int i = block * SparseRows.RowsPerBlock; i < end; i++)
            {
                int count = FeaturizeRow(textSelector(items[i]), scratch);
                builder.AddRow(scratch.Buckets.AsSpan(0, count), scratch.Counts.AsSpan(0, count));
            }

            blocks[block] = builder.TakeBlock();
            return local;
        }, static _ => { });

        return new SparseRows(blocks);
    }

    /// <summary>Featurizes one text into <see cref="Scratch.Buckets"/> and <see cref="Scratch.Counts"/> and returns the number of distinct buckets.</summary>
    public int FeaturizeRow(string? text, Scratch scratch) => FeaturizeRow(text, scratch, default(AllBuckets));

    /// <summary>
    /// Featurizes one text as <see cref="FeaturizeRow(string?, Scratch)"/> does, keeping only the buckets a feature
    /// space knows: <see cref="Scratch.Buckets"/> gets their columns, in the order of the buckets' first occurrence, and
    /// <see cref="Scratch.Counts"/> their term frequencies; returns their number.
    /// </summary>
    /// <remarks>
    /// That is the raw row with its unknown buckets dropped and the others mapped to their columns, exactly what
    /// <see cref="TextFeatureSpace.TransformRow"/> keeps of it, without counting the unknown n-grams at all: a model
    /// trained on few texts (the seed-model voter) knows few of the n-grams of the texts it predicts.
    /// </remarks>
    public int FeaturizeKnownColumns(string? text, Scratch scratch, TextFeatureSpace space) => FeaturizeRow(text, scratch, new KnownColumns(space));

    private int FeaturizeRow<TMap>(string? text, Scratch scratch, TMap map)
        where TMap : struct, IBucketMap
    {
        text ??= string.Empty;
        int wordRange = _wordMax > 0 ? _wordMax - _wordMin + 1 : 0;
        int charRange = _charMax > 0 ? _charMax - _charMin + 1 : 0;
        int length = Normalize(text, scratch);

        // At most one word per character plus the start marker; every n-gram may be distinct.
        scratch.BeginRow(length, ((length + 1) * wordRange) + (length * charRange));
        Span<char> normalized = scratch.Text.AsSpan(0, length);
        int keys = 0;
        if (wordRange > 0)
        {
            keys = AddWordNgrams(normalized, scratch, map);
        }

        if (charRange > 0)
        {
            if (_normalizeDigits)
            {
                for (int i = 0; i < normalized.Length; i++)
                {
                    if (char.IsAsciiDigit(normalized[i]))
                    {
                        normalized[i] = '0';
                    }
                }
            }

            keys = AddCharNgrams(normalized, scratch, keys, map);
        }

        int distinct = scratch.Merge(keys);
        Span<float> counts = scratch.Counts.AsSpan(0, distinct);
        if (_sublinear)
        {
            float[] table = SublinearOfCount;
            for (int e = 0; e < counts.Length; e++)
            {
                // Counts are whole numbers; the small ones, nearly all of them, come from a table of the same values.
                float count = counts[e];
                counts[e] = count < table.Length ? table[(int)count] : Sublinear(count);
            }
        }

        return distinct;
    }

    /// <summary>Writes the normalized text (lower-cased, white space collapsed, a space at each end) into <see cref="Scratch.Text"/> and returns its length.</summary>
    /// <remarks>The buffer keeps <see cref="TextPadding"/> characters after the longest possible text, for the widest loads of the last starts.</remarks>
    internal static int Normalize(string text, Scratch scratch)
    {
        scratch.EnsureText(text.Length + 2 + TextPadding);
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
                buffer[length++] = InvariantLowerCase.ToLower(c);
            }
        }

        if (buffer[length - 1] != ' ')
        {
            buffer[length++] = ' ';
        }

        return length;
    }

    /// <summary>Writes the keys of the word n-grams the map keeps to the start of <see cref="Scratch.Keys"/>, in order, and returns their number.</summary>
    private int AddWordNgrams<TMap>(ReadOnlySpan<char> text, Scratch scratch, TMap map)
        where TMap : struct, IBucketMap
    {
        uint[] wordHashes = scratch.WordHashes;
        int[] keys = scratch.Keys;
        int kept = 0;
        int words = 0;
        if (_markStart)
        {
            // A sentinel word before the first one, so that word n-grams starting with it say how the text begins.
            wordHashes[words++] = StartSentinel;
        }

        int i = 0;
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

            wordHashes[words++] = hash;
        }

        for (int start = 0; start < words; start++)
        {
            uint hash = FnvOffset ^ WordSalt;
            int longest = Math.Min(_wordMax, words - start);
            for (int n = 1; n <= longest; n++)
            {
                hash = (hash ^ wordHashes[start + n - 1]) * FnvPrime;
                if (n >= _wordMin)
                {
                    kept = Keep(keys, kept, map.Map((int)(Finalize(hash + ((uint)n * WordSalt)) & _mask)));
                }
            }
        }

        return kept;
    }

    /// <summary>Writes the keys of the character n-grams the map keeps to <see cref="Scratch.Keys"/> after the first <paramref name="kept"/>, in order, and returns the new number.</summary>
    private int AddCharNgrams<TMap>(ReadOnlySpan<char> text, Scratch scratch, int kept, TMap map)
        where TMap : struct, IBucketMap
    {
        int start = 0;
        int[] keys = scratch.Keys;
        if (Vector256.IsHardwareAccelerated)
        {
            (start, kept) = AddCharNgramsEightAtATime(scratch.Text, text.Length, keys, kept, map);
        }

        for (; start < text.Length; start++)
        {
            uint hash = FnvOffset ^ CharSalt;
            int longest = Math.Min(_charMax, text.Length - start);
            for (int n = 1; n <= longest; n++)
            {
                hash = (hash ^ text[start + n - 1]) * FnvPrime;
                if (n >= _charMin)
                {
                    kept = Keep(keys, kept, map.Map((int)(Finalize(hash + ((uint)n * CharSalt)) & _mask)));
                }
            }
        }

        return kept;
    }

    /// <summary>
    /// Hashes the character n-grams of eight starts at once (one start per lane, the same FNV-1a and finalizer steps as
    /// the scalar loop), then counts them in the scalar loop's order: start by start, shortest first, each start's
    /// n-grams that end within the text. Returns the first start left to the scalar loop (none, unless the buffer lacks
    /// the padding the widest load needs) and the new number of keys.
    /// </summary>
    /// <remarks>
    /// The loads of the last starts read up to <c>7 + charMax</c> characters past them, beyond the text's
    /// <paramref name="length"/> but within <paramref name="buffer"/> (which <see cref="Normalize"/> pads): those lanes'
    /// hashes mix in whatever follows, and are never counted, as the n-grams they belong to run past the text.
    /// </remarks>
    private (int Start, int Kept) AddCharNgramsEightAtATime<TMap>(char[] buffer, int length, int[] keys, int kept, TMap map)
        where TMap : struct, IBucketMap
    {
        const int Lanes = 8;
        Span<uint> buckets = stackalloc uint[Lanes * 8];
        int range = _charMax - _charMin + 1;
        ref ushort chars = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetArrayDataReference(buffer));
        Vector256<uint> prime = Vector256.Create(FnvPrime);
        Vector256<uint> mask = Vector256.Create(_mask);
        int start = 0;

        // The last lane's longest n-gram ends at start + 7 + charMax, which is also the end of the widest load.
        for (; start < length && start + Lanes - 1 + _charMax <= buffer.Length; start += Lanes)
        {
            Vector256<uint> hash = Vector256.Create(FnvOffset ^ CharSalt);
            for (int n = 1; n <= _charMax; n++)
            {
                Vector128<ushort> next = Vector128.LoadUnsafe(ref chars, (nuint)(start + n - 1));
                hash = (hash ^ Vector256.Create(Vector128.WidenLower(next), Vector128.WidenUpper(next))) * prime;
                if (n >= _charMin)
                {
                    (Finalize(hash + Vector256.Create((uint)n * CharSalt)) & mask).CopyTo(buckets[((n - _charMin) * Lanes)..]);
                }
            }

            for (int lane = 0; lane < Lanes; lane++)
            {
                // The scalar loop's n-grams of this start: from charMin up to charMax or the end of the text.
                int ending = Math.Min(range, length - (start + lane) - _charMin + 1);
                for (int n = 0; n < ending; n++)
                {
                    kept = Keep(keys, kept, map.Map((int)buckets[(n * Lanes) + lane]));
                }
            }
        }

        return (Math.Min(start, length), kept);
    }

    /// <summary>Appends a key unless it is negative (a dropped bucket), without a branch: the slot is written either way and only counted for a key.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Keep(int[] keys, int kept, int key)
    {
        keys[kept] = key;
        return kept + (int)(~(uint)key >> 31);
    }

    /// <summary>The sublinear term frequency of a count: <c>1 + ln(count)</c>.</summary>
    internal static float Sublinear(float count) => 1f + MathF.Log(count);

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

    /// <summary><see cref="Finalize(uint)"/> of eight hashes at once.</summary>
    private static Vector256<uint> Finalize(Vector256<uint> hash)
    {
        hash ^= Vector256.ShiftRightLogical(hash, 16);
        hash *= Vector256.Create(0x85EBCA6Bu);
        hash ^= Vector256.ShiftRightLogical(hash, 13);
        hash *= Vector256.Create(0xC2B2AE35u);
        hash ^= Vector256.ShiftRightLogical(hash, 16);
        return hash;
    }

    /// <summary>Maps a bucket to the key a row counts it under, or to -1 to drop it; a struct, so each use compiles to its own loop.</summary>
    internal interface IBucketMap
    {
        /// <summary>Gets the key of a bucket, or -1 to drop it.</summary>
        int Map(int bucket);
    }

    /// <summary>Keeps every bucket as it is.</summary>
    private readonly struct AllBuckets : IBucketMap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Map(int bucket) => bucket;
    }

    /// <summary>Keeps the buckets a feature space knows, as their columns.</summary>
    private readonly struct KnownColumns(TextFeatureSpace space) : IBucketMap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Map(int bucket) => space.ColumnOf(bucket);
    }

    /// <summary>Per-thread buffers, reused from text to text: the normalized text, word hashes, and the distinct buckets of the current row with their counts.</summary>
    /// <remarks>
    /// The table that merges repeated buckets is sized for each row (twice its largest possible number of n-grams), at
    /// the start of an array that only grows: a short text after a long one probes a few cache lines, not the whole
    /// array. Each slot holds its stamp, bucket and entry together, so a probe reads one cache line. Neither changes
    /// the row, which depends only on the order of the buckets.
    /// </remarks>
    internal sealed class Scratch
    {
        private const int MinimumTableSize = 64;

        private Slot[] _slots = new Slot[2048];
        private int _stamp;
        private int _shift = 32 - 11;
        private int _mask = 2047;

        public char[] Text { get; private set; } = new char[256];

        public uint[] WordHashes { get; private set; } = new uint[256];

        /// <summary>Gets the keys of the current row's n-grams, in order, repeats included, before <see cref="Merge"/>.</summary>
        public int[] Keys { get; private set; } = new int[1024];

        /// <summary>Gets the distinct buckets of the current row, in order of first occurrence.</summary>
        public int[] Buckets { get; private set; } = new int[1024];

        /// <summary>Gets the count of each bucket of <see cref="Buckets"/>; the featurizer turns them into term frequencies in place.</summary>
        public float[] Counts { get; private set; } = new float[1024];

        public void EnsureText(int length)
        {
            if (Text.Length < length)
            {
                Text = new char[(int)BitOperations.RoundUpToPowerOf2((uint)length)];
            }
        }

        /// <summary>Starts a row of a normalized text of <paramref name="length"/> characters with at most <paramref name="maxNgrams"/> n-grams.</summary>
        public void BeginRow(int length, int maxNgrams)
        {
            if (WordHashes.Length < length + 1)
            {
                WordHashes = new uint[(int)BitOperations.RoundUpToPowerOf2((uint)length + 1)];
            }

            if (Buckets.Length < maxNgrams)
            {
                int size = (int)BitOperations.RoundUpToPowerOf2((uint)maxNgrams);
                Keys = new int[size];
                Buckets = new int[size];
                Counts = new float[size];
            }

            // The row's table stays at most half full, so probes are short.
            int tableSize = Math.Max(MinimumTableSize, (int)BitOperations.RoundUpToPowerOf2((uint)(2 * maxNgrams)));
            if (_slots.Length < tableSize)
            {
                _slots = new Slot[tableSize];
                _stamp = 0;
            }

            _mask = tableSize - 1;
            _shift = 32 - BitOperations.Log2((uint)tableSize);
            if (++_stamp == int.MaxValue)
            {
                Array.Clear(_slots);
                _stamp = 1;
            }
        }

        /// <summary>
        /// Merges the first <paramref name="count"/> keys of <see cref="Keys"/> into <see cref="Buckets"/> (each key once,
        /// in the order of its first occurrence) and <see cref="Counts"/> (its number of occurrences); returns the number
        /// of distinct keys.
        /// </summary>
        public int Merge(int count)
        {
            // Everything in locals: the loop stores to arrays that, as fields, the compiler would reload at every key.
            Slot[] slots = _slots;
            int[] keys = Keys;
            int[] buckets = Buckets;
            float[] counts = Counts;
            int stamp = _stamp;
            int shift = _shift;
            int mask = _mask;
            int distinct = 0;
            for (int i = 0; i < count; i++)
            {
                int key = keys[i];
                int slot = (int)(((uint)key * 0x9E3779B1u) >> shift);
                while (true)
                {
                    ref Slot current = ref slots[slot];
                    if (current.Stamp != stamp)
                    {
                        current.Stamp = stamp;
                        current.Bucket = key;
                        current.Entry = distinct;
                        buckets[distinct] = key;
                        counts[distinct++] = 1;
                        break;
                    }

                    if (current.Bucket == key)
                    {
                        counts[current.Entry]++;
                        break;
                    }

                    slot = (slot + 1) & mask;
                }
            }

            return distinct;
        }

        /// <summary>One slot of the merge table: it belongs to the current row when its stamp is the row's.</summary>
        private struct Slot
        {
            public int Stamp;
            public int Bucket;
            public int Entry;
        }
    }
}
