using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;
using Microsoft.Win32.SafeHandles;

namespace Alchemist;

/// <summary>
/// A compact copy of a streamed run's text items and their ids in a temporary file, written on the first read of a file
/// source and read back by every later pass instead of parsing the source again (see <see cref="StreamedItems{TItem}"/>).
/// </summary>
/// <remarks>
/// <para>
/// Each record is the id and then the text, each as a 4-byte length and the bytes: UTF-8, or, for a string that is
/// not valid UTF-16 (a lone surrogate) and so has no exact UTF-8 form, its UTF-16 code units, flagged in the length's
/// top bit. Reading gives back exactly the strings written. The offset of every <see cref="StreamedItems{TItem}.ChunkSize"/>-th
/// record is kept (8 bytes per 16,384 items), so a reader reaches any item by skipping lengths, without decoding.
/// </para>
/// <para>
/// The file is opened for this process alone and, on Unix, unlinked as soon as it is open, so nothing is left behind
/// even if the process is killed; on Windows it is deleted when its handle closes. <see cref="Dispose"/> closes it.
/// Readers read at their own offsets (<see cref="RandomAccess"/>), so several may be open at once.
/// </para>
/// </remarks>
internal sealed class ItemSpool : IDisposable
{
    /// <summary>The prefix of the spool files' names.</summary>
    public const string FilePrefix = "alchemist-items-";

    private const int BufferSize = 1 << 20;
    private const int Utf16Flag = int.MinValue;
    private const int IndexStride = StreamedItems<string>.ChunkSize;

    private readonly SafeFileHandle _handle;
    private readonly List<long> _index = [];
    private byte[] _buffer = new byte[BufferSize];
    private int _buffered;
    private long _written;
    private bool _completed;

    private ItemSpool(SafeFileHandle handle, string path)
    {
        _handle = handle;
        FilePath = path;
    }

    /// <summary>Gets the path the file was created at (on Unix no longer linked once created).</summary>
    public string FilePath { get; }

    /// <summary>Gets the number of records written.</summary>
    public int Count { get; private set; }

    /// <summary>Gets the file's length in bytes, once <see cref="Complete"/> was called.</summary>
    public long Length => _written;

    /// <summary>Creates an empty spool file in <paramref name="directory"/> (the system's temporary folder when <see langword="null"/>).</summary>
    /// <exception cref="IOException">The file could not be created.</exception>
    public static ItemSpool Create(string? directory = null)
    {
        SafeFileHandle handle = PrivateTempFile.Create(FilePrefix, directory, out string path);
        return new ItemSpool(handle, path);
    }

    /// <summary>Appends one item and its id.</summary>
    /// <exception cref="InvalidOperationException">The spool was completed, or a string is too long for a record.</exception>
    public void Append(string id, string text)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(text);
        if (_completed)
        {
            throw new InvalidOperationException("The item spool was completed; nothing more can be appended.");
        }

        if (Count % IndexStride == 0)
        {
            _index.Add(_written + _buffered);
        }

        long most = 8 + ((long)id.Length * 3) + ((long)text.Length * 3);
        if (most > Array.MaxLength)
        {
            throw new InvalidOperationException($"The item '{id}' is too long ({text.Length:N0} characters) to be copied to the item spool.");
        }

        if (_buffered + most > _buffer.Length)
        {
            Flush();
            if (most > _buffer.Length)
            {
                _buffer = new byte[(int)Math.Min(Array.MaxLength, Math.Max(most, _buffer.Length * 2L))];
            }
        }

        _buffered += Encode(id, _buffer.AsSpan(_buffered));
        _buffered += Encode(text, _buffer.AsSpan(_buffered));
        Count++;
    }

    /// <summary>Writes what is buffered; no record may be appended after.</summary>
    public void Complete()
    {
        Flush();
        _completed = true;
        _buffer = [];
    }

    /// <summary>Opens a reader at the first record.</summary>
    /// <exception cref="InvalidOperationException">The spool was not completed.</exception>
    public Reader OpenReader()
    {
        if (!_completed)
        {
            throw new InvalidOperationException("The item spool is still being written; complete it before reading.");
        }

        return new Reader(this);
    }

    /// <summary>Closes the file, which deletes it.</summary>
    public void Dispose()
    {
        _handle.Dispose();
        if (!OperatingSystem.IsWindows() && File.Exists(FilePath))
        {
            // Only if the unlink after creation failed half-way; normally there is no name left.
            File.Delete(FilePath);
        }
    }

    private void Flush()
    {
        if (_buffered > 0)
        {
            RandomAccess.Write(_handle, _buffer.AsSpan(0, _buffered), _written);
            _written += _buffered;
            _buffered = 0;
        }
    }

    /// <summary>Writes a length and the string's bytes; returns the bytes written.</summary>
    private static int Encode(string value, Span<byte> destination)
    {
        Span<byte> body = destination[4..];
        int length;
        if (Utf8.FromUtf16(value, body, out _, out int written, replaceInvalidSequences: false) == System.Buffers.OperationStatus.Done)
        {
            length = written;
            BinaryPrimitives.WriteInt32LittleEndian(destination, length);
        }
        else
        {
            // Not valid UTF-16 (a lone surrogate): no UTF-8 form gives it back, so its code units are kept as they are.
            ReadOnlySpan<byte> units = MemoryMarshal.AsBytes(value.AsSpan());
            units.CopyTo(body);
            length = units.Length;
            BinaryPrimitives.WriteInt32LittleEndian(destination, length | Utf16Flag);
        }

        return 4 + length;
    }

    /// <summary>Reads the records of a completed spool in order, from its own offset; skips records without decoding them.</summary>
    internal sealed class Reader
    {
        private readonly ItemSpool _spool;
        private byte[] _buffer = new byte[BufferSize];
        private long _bufferOffset;
        private int _position;
        private int _length;

        internal Reader(ItemSpool spool) => _spool = spool;

        /// <summary>Gets the index of the record the next <see cref="Read"/> gives.</summary>
        public int Next { get; private set; }

        /// <summary>Reads the next record.</summary>
        /// <returns><see langword="false"/> at the end.</returns>
        public bool Read(out string id, out string text)
        {
            if (Next >= _spool.Count)
            {
                id = text = string.Empty;
                return false;
            }

            id = Decode();
            text = Decode();
            Next++;
            return true;
        }

        /// <summary>Moves to the record at <paramref name="index"/>, skipping records (or starting from the nearest indexed one) without decoding them.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the records.</exception>
        public void Seek(int index)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_spool.Count, nameof(index));
            int block = index / IndexStride;
            if (index < Next || block > Next / IndexStride)
            {
                MoveTo(_spool._index[block], block * IndexStride);
            }

            while (Next < index)
            {
                SkipString();
                SkipString();
                Next++;
            }
        }

        private void MoveTo(long offset, int record)
        {
            _bufferOffset = offset;
            _position = 0;
            _length = 0;
            Next = record;
        }

        private string Decode()
        {
            int header = ReadHeader();
            int length = header & int.MaxValue;
            Ensure(length);
            ReadOnlySpan<byte> bytes = _buffer.AsSpan(_position, length);
            _position += length;
            return (header & Utf16Flag) == 0
                ? Encoding.UTF8.GetString(bytes)
                : new string(MemoryMarshal.Cast<byte, char>(bytes));
        }

        private void SkipString()
        {
            int length = ReadHeader() & int.MaxValue;
            if (_position + length <= _length)
            {
                _position += length;
            }
            else
            {
                MoveTo(_bufferOffset + _position + length, Next);
            }
        }

        private int ReadHeader()
        {
            Ensure(4);
            int header = BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(_position));
            _position += 4;
            return header;
        }

        /// <summary>Makes at least <paramref name="count"/> bytes available at the position, reading on from the file.</summary>
        private void Ensure(int count)
        {
            if (_position + count <= _length)
            {
                return;
            }

            int left = _length - _position;
            if (count > _buffer.Length)
            {
                var larger = new byte[(int)Math.Min(Array.MaxLength, Math.Max(count, _buffer.Length * 2L))];
                _buffer.AsSpan(_position, left).CopyTo(larger);
                _buffer = larger;
            }
            else
            {
                _buffer.AsSpan(_position, left).CopyTo(_buffer);
            }

            _bufferOffset += _position;
            _position = 0;
            _length = left;
            while (_length < count)
            {
                int read = RandomAccess.Read(_spool._handle, _buffer.AsSpan(_length), _bufferOffset + _length);
                if (read == 0)
                {
                    throw new InvalidDataException($"The item spool '{_spool.FilePath}' ends inside record {Next:N0}; it was not written whole.");
                }

                _length += read;
            }
        }
    }
}
