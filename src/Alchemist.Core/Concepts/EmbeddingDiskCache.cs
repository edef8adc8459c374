using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Alchemist;

/// <summary>
/// Embeddings on disk, keyed by the generator's model id and the SHA-256 of each text, so that a second run on the
/// same items and phrases asks the generator for nothing.
/// </summary>
/// <remarks>
/// <para>
/// One folder per model id under the cache folder. A run that embedded something new writes it to a file of its own:
/// first under a temporary name, then renamed into place, so two runs at once never write the same file and a run
/// stopped half-way leaves only a temporary file, which readers ignore. Every record carries a checksum; a record
/// that is cut short or does not match its checksum (a truncated or damaged file) is skipped, and what it held is
/// embedded again. When a folder holds many files, a run merges them into one.
/// </para>
/// <para>Record: magic (4 bytes), dimension (4), SHA-256 of the text's UTF-8 (32), the floats (4 x dimension), an FNV-1a checksum of everything before it (8).</para>
/// </remarks>
internal sealed class EmbeddingDiskCache
{
    private const uint Magic = 0x43454D42; // "BMEC"
    private const int HeaderBytes = 4 + 4 + 32;
    private const int MaxDimension = 1 << 16;
    private const int MergeAbove = 16;
    private const string Extension = ".emb";

    private readonly string _folder;
    private readonly Dictionary<string, float[]> _known = new(StringComparer.Ordinal);
    private readonly List<(string Key, float[] Vector)> _added = [];
    private readonly List<string> _files = [];

    private EmbeddingDiskCache(string folder) => _folder = folder;

    /// <summary>Gets the number of embeddings read from disk.</summary>
    public int Loaded => _known.Count - _added.Count;

    /// <summary>Gets the number of records skipped because they were cut short or damaged.</summary>
    public int Damaged { get; private set; }

    /// <summary>Opens (and reads) the cache of one model under a cache folder.</summary>
    /// <param name="root">The cache folder.</param>
    /// <param name="modelId">The generator's model id.</param>
    public static EmbeddingDiskCache Open(string root, string modelId)
    {
        var cache = new EmbeddingDiskCache(Path.Combine(root, SafeName(modelId)));
        cache.Read();
        return cache;
    }

    /// <summary>Gets the key of a text: the hex SHA-256 of its UTF-8.</summary>
    public static string Key(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>Looks an embedding up.</summary>
    public bool TryGet(string key, out float[] vector) => _known.TryGetValue(key, out vector!);

    /// <summary>Adds an embedding, written by <see cref="Flush"/>.</summary>
    public void Add(string key, float[] vector)
    {
        if (_known.TryAdd(key, vector))
        {
            _added.Add((key, vector));
        }
    }

    /// <summary>Writes what was added to a new file of its own, and merges the folder's files when there are many.</summary>
    /// <remarks>Best effort: a cache that cannot be written costs the next run some embedding time, never this run's result.</remarks>
    public void Flush()
    {
        try
        {
            if (_added.Count > 0)
            {
                Directory.CreateDirectory(_folder);
                string written = Write(_added);
                _added.Clear();
                _files.Add(written);
            }

            if (_files.Count > MergeAbove)
            {
                string merged = Write([.. _known.Select(p => (p.Key, p.Value))]);
                foreach (string file in _files)
                {
                    TryDelete(file);
                }

                _files.Clear();
                _files.Add(merged);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The cache is an optimization; the run goes on.
        }
    }

    private static string SafeName(string modelId)
    {
        var name = new StringBuilder(modelId.Length);
        foreach (char c in modelId)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
        }

        string text = name.ToString().Trim('.');
        return text.Length == 0 ? "model" : text.Length > 100 ? text[..100] : text;
    }

    private static ulong Checksum(ReadOnlySpan<byte> bytes)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in bytes)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Another run may be reading it; it stays, and its records are read again harmlessly.
        }
    }

    private void Read()
    {
        if (!Directory.Exists(_folder))
        {
            return;
        }

        foreach (string file in Directory.EnumerateFiles(_folder, "*" + Extension).Order(StringComparer.Ordinal))
        {
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            _files.Add(file);
            ReadRecords(bytes);
        }
    }

    private void ReadRecords(byte[] bytes)
    {
        int position = 0;
        while (position + HeaderBytes + 8 <= bytes.Length)
        {
            ReadOnlySpan<byte> rest = bytes.AsSpan(position);
            int dimension = BinaryPrimitives.ReadInt32LittleEndian(rest[4..]);
            long length = HeaderBytes + (4L * dimension) + 8;
            if (BinaryPrimitives.ReadUInt32LittleEndian(rest) != Magic || dimension <= 0 || dimension > MaxDimension || length > rest.Length ||
                BinaryPrimitives.ReadUInt64LittleEndian(rest[(int)(length - 8)..]) != Checksum(rest[..(int)(length - 8)]))
            {
                // Damaged: look for the next record.
                Damaged++;
                int next = bytes.AsSpan(position + 1).IndexOf("BMEC"u8);
                if (next < 0)
                {
                    return;
                }

                position += 1 + next;
                continue;
            }

            string key = Convert.ToHexString(rest.Slice(8, 32));
            float[] vector = new float[dimension];
            ReadOnlySpan<byte> floats = rest.Slice(HeaderBytes, 4 * dimension);
            for (int i = 0; i < dimension; i++)
            {
                vector[i] = BinaryPrimitives.ReadSingleLittleEndian(floats[(4 * i)..]);
            }

            _known.TryAdd(key, vector);
            position += (int)length;
        }

        if (position < bytes.Length)
        {
            Damaged++;
        }
    }

    private string Write(IReadOnlyList<(string Key, float[] Vector)> records)
    {
        string name = Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture);
        string temporary = Path.Combine(_folder, name + ".tmp");
        string target = Path.Combine(_folder, name + Extension);
        using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            foreach ((string key, float[] vector) in records)
            {
                byte[] buffer = new byte[HeaderBytes + (4 * vector.Length) + 8];
                BinaryPrimitives.WriteUInt32LittleEndian(buffer, Magic);
                BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(4), vector.Length);
                Convert.FromHexString(key).CopyTo(buffer.AsSpan(8));
                MemoryMarshal.AsBytes(vector.AsSpan()).CopyTo(buffer.AsSpan(HeaderBytes));
                if (!BitConverter.IsLittleEndian)
                {
                    for (int i = 0; i < vector.Length; i++)
                    {
                        BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(HeaderBytes + (4 * i)), vector[i]);
                    }
                }

                BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan(buffer.Length - 8), Checksum(buffer.AsSpan(0, buffer.Length - 8)));
                stream.Write(buffer);
            }
        }

        File.Move(temporary, target);
        return target;
    }
}
