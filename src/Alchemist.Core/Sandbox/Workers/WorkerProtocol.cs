using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Alchemist;

/// <summary>The messages between the host and a sandbox worker process, and their framing.</summary>
/// <remarks>
/// <para>
/// Both directions carry frames: a little-endian 32-bit payload length, a one-byte message kind, then the payload.
/// The host writes requests on the worker's standard input; the worker writes replies, heartbeats and a last fatal
/// notice on its standard output (its console output goes to standard error, so a stray write cannot corrupt the
/// stream). Strings travel as UTF-16 code units, so every string, even one with unpaired surrogates, arrives exactly.
/// </para>
/// <para>
/// Requests are answered in order. An apply request names programs; the worker runs them one after the other on the
/// items and sends one result per program as soon as it is done, so when a worker dies the host knows which program
/// was running: the first one without a result.
/// </para>
/// <para>
/// The host treats every frame as untrusted: lengths and counts are checked against what was asked, and a frame that
/// breaks the protocol is the worker's fault, handled like its death.
/// </para>
/// </remarks>
internal static class WorkerProtocol
{
    /// <summary>The version both sides must agree on; the worker refuses an init of another version.</summary>
    public const int Version = 2;

    /// <summary>The largest request a worker accepts: 1 GiB (a chunk of large items).</summary>
    public const int MaxRequestLength = 1024 * 1024 * 1024;

    /// <summary>The largest reply the host accepts: 64 MiB, far above a result, a compiled image or a fault message, so that a worker cannot make the host allocate without bound.</summary>
    public const int MaxReplyLength = 64 * 1024 * 1024;

    // Host to worker.
    public const byte Init = 1;
    public const byte Compile = 2;
    public const byte Load = 3;
    public const byte Unload = 4;
    public const byte Apply = 5;
    public const byte Shutdown = 6;

    // Worker to host.
    public const byte Ready = 101;
    public const byte Compiled = 102;
    public const byte Loaded = 103;
    public const byte Result = 105;
    public const byte Error = 106;
    public const byte Heartbeat = 110;
    public const byte Fatal = 111;

    /// <summary>How items travel: strings as UTF-16, anything else as JSON.</summary>
    public const int StringItems = 0;

    /// <inheritdoc cref="StringItems"/>
    public const int JsonItems = 1;

    /// <summary>Writes one frame and flushes the stream.</summary>
    public static void WriteFrame(Stream stream, byte kind, PayloadWriter payload)
    {
        ReadOnlySpan<byte> body = payload.WrittenSpan;
        Span<byte> header = stackalloc byte[5];
        BinaryPrimitives.WriteInt32LittleEndian(header, body.Length);
        header[4] = kind;
        stream.Write(header);
        stream.Write(body);
        stream.Flush();
    }

    /// <summary>Reads one frame.</summary>
    /// <param name="stream">The stream.</param>
    /// <param name="maxLength">The longest payload accepted.</param>
    /// <returns>The kind and the payload, or <see langword="null"/> at the end of the stream.</returns>
    /// <exception cref="WorkerProtocolException">The frame is malformed, too long or cut short.</exception>
    public static (byte Kind, byte[] Payload)? ReadFrame(Stream stream, int maxLength)
    {
        if (ReadHeader(stream, maxLength) is not (byte kind, int length))
        {
            return null;
        }

        byte[] payload = GC.AllocateUninitializedArray<byte>(length);
        if (stream.ReadAtLeast(payload, length, throwOnEndOfStream: false) < length)
        {
            throw new WorkerProtocolException("The stream ended inside a frame.");
        }

        return (kind, payload);
    }

    /// <summary>Reads one frame into a buffer that is reused from frame to frame and grows only when a frame does not fit.</summary>
    /// <remarks>
    /// For the worker's requests: an apply request holds a slice of items (hundreds of kilobytes), and a new array for
    /// each would be a large-object allocation per request, which the GC collects only with full collections.
    /// </remarks>
    /// <param name="stream">The stream.</param>
    /// <param name="maxLength">The longest payload accepted.</param>
    /// <param name="buffer">The buffer, replaced by a larger one when the frame needs it; the payload is its first bytes.</param>
    /// <returns>The kind and the payload's length, or <see langword="null"/> at the end of the stream.</returns>
    /// <exception cref="WorkerProtocolException">The frame is malformed, too long or cut short.</exception>
    public static (byte Kind, int Length)? ReadFrame(Stream stream, int maxLength, ref byte[] buffer)
    {
        if (ReadHeader(stream, maxLength) is not (byte kind, int length))
        {
            return null;
        }

        if (buffer.Length < length)
        {
            buffer = GC.AllocateUninitializedArray<byte>((int)Math.Min(maxLength, Math.Max(length, (long)buffer.Length * 2)));
        }

        if (stream.ReadAtLeast(buffer.AsSpan(0, length), length, throwOnEndOfStream: false) < length)
        {
            throw new WorkerProtocolException("The stream ended inside a frame.");
        }

        return (kind, length);
    }

    /// <summary>Reads a frame's header: its kind and its payload's length, or <see langword="null"/> at the end of the stream.</summary>
    private static (byte Kind, int Length)? ReadHeader(Stream stream, int maxLength)
    {
        Span<byte> header = stackalloc byte[5];
        int read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (read == 0)
        {
            return null;
        }

        if (read < header.Length)
        {
            throw new WorkerProtocolException("The stream ended inside a frame header.");
        }

        int length = BinaryPrimitives.ReadInt32LittleEndian(header);
        return length < 0 || length > maxLength
            ? throw new WorkerProtocolException($"A frame announced {length} bytes, outside 0..{maxLength}.")
            : (header[4], length);
    }
}

/// <summary>The exception thrown when a frame breaks the worker protocol.</summary>
internal sealed class WorkerProtocolException(string message) : Exception(message);

/// <summary>Builds a frame payload in a growable buffer.</summary>
internal sealed class PayloadWriter
{
    private byte[] _buffer;
    private int _length;

    public PayloadWriter(int capacity = 256) => _buffer = new byte[Math.Max(16, capacity)];

    /// <summary>Gets the bytes written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    /// <summary>Forgets what was written, keeping the buffer.</summary>
    public void Clear() => _length = 0;

    public void WriteByte(byte value) => Take(1)[0] = value;

    public void WriteBool(bool value) => WriteByte(value ? (byte)1 : (byte)0);

    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Take(4), value);

    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Take(8), value);

    /// <summary>Writes a string as its length (-1 for <see langword="null"/>) and its UTF-16 code units.</summary>
    public void WriteString(string? value)
    {
        if (value is null)
        {
            WriteInt32(-1);
            return;
        }

        WriteInt32(value.Length);
        MemoryMarshal.AsBytes(value.AsSpan()).CopyTo(Take(checked(value.Length * 2)));
    }

    /// <summary>Writes a byte block as its length and its bytes.</summary>
    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteInt32(value.Length);
        value.CopyTo(Take(value.Length));
    }

    /// <summary>Writes 32-bit integers, without a length.</summary>
    public void WriteInt32s(ReadOnlySpan<int> values)
    {
        Span<byte> target = Take(checked(values.Length * 4));
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values).CopyTo(target);
            return;
        }

        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(target[(i * 4)..], values[i]);
        }
    }

    /// <summary>Reserves <paramref name="count"/> bytes and returns them for the caller to fill.</summary>
    public Span<byte> Take(int count)
    {
        int needed = checked(_length + count);
        if (needed > _buffer.Length)
        {
            int grown = (int)Math.Min(Array.MaxLength, Math.Max((long)needed, (long)_buffer.Length * 2));
            Array.Resize(ref _buffer, grown);
        }

        Span<byte> span = _buffer.AsSpan(_length, count);
        _length = needed;
        return span;
    }
}

/// <summary>Reads a frame payload, checking every length against what is left.</summary>
/// <param name="payload">The buffer that holds the payload.</param>
/// <param name="length">The payload's length: its first bytes of <paramref name="payload"/>.</param>
internal sealed class PayloadReader(byte[] payload, int length)
{
    private int _position;

    /// <summary>Initializes a new instance of the <see cref="PayloadReader"/> class over a whole array.</summary>
    public PayloadReader(byte[] payload)
        : this(payload, payload.Length)
    {
    }

    /// <summary>Gets the number of bytes not read yet.</summary>
    public int Remaining => length - _position;

    public byte ReadByte() => Read(1)[0];

    public bool ReadBool() => ReadByte() switch
    {
        0 => false,
        1 => true,
        byte other => throw new WorkerProtocolException($"A boolean was {other}."),
    };

    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Read(4));

    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Read(8));

    /// <summary>Reads a count and checks it against a bound.</summary>
    public int ReadCount(int max)
    {
        int count = ReadInt32();
        if (count < 0 || count > max)
        {
            throw new WorkerProtocolException($"A count of {count} is outside 0..{max}.");
        }

        return count;
    }

    public string? ReadString()
    {
        int length = ReadInt32();
        if (length == -1)
        {
            return null;
        }

        if (length < 0 || length > Remaining / 2)
        {
            throw new WorkerProtocolException($"A string announced {length} characters, more than the frame holds.");
        }

        return new string(MemoryMarshal.Cast<byte, char>(Read(length * 2)));
    }

    public string ReadRequiredString() => ReadString() ?? throw new WorkerProtocolException("A required string was null.");

    public ReadOnlySpan<byte> ReadBytes()
    {
        int length = ReadInt32();
        if (length < 0 || length > Remaining)
        {
            throw new WorkerProtocolException($"A block announced {length} bytes, more than the frame holds.");
        }

        return Read(length);
    }

    /// <summary>Reads <paramref name="count"/> bytes whose length was already read.</summary>
    public ReadOnlySpan<byte> ReadRaw(int count) => Read(count);

    /// <summary>Reads as many 32-bit integers as <paramref name="target"/> holds.</summary>
    public void ReadInt32s(Span<int> target)
    {
        ReadOnlySpan<byte> source = Read(checked(target.Length * 4));
        if (BitConverter.IsLittleEndian)
        {
            source.CopyTo(MemoryMarshal.AsBytes(target));
            return;
        }

        for (int i = 0; i < target.Length; i++)
        {
            target[i] = BinaryPrimitives.ReadInt32LittleEndian(source[(i * 4)..]);
        }
    }

    /// <summary>Checks that the whole payload was read.</summary>
    public void End()
    {
        if (Remaining != 0)
        {
            throw new WorkerProtocolException($"A frame held {Remaining} bytes more than its message.");
        }
    }

    private ReadOnlySpan<byte> Read(int count)
    {
        if (count > Remaining)
        {
            throw new WorkerProtocolException($"A frame ended {count - Remaining} bytes early.");
        }

        ReadOnlySpan<byte> span = payload.AsSpan(_position, count);
        _position += count;
        return span;
    }
}

/// <summary>Helpers shared by both sides.</summary>
internal static class WorkerPayloads
{
    /// <summary>Writes the sandbox options a worker compiles and runs programs with.</summary>
    public static void WriteOptions(PayloadWriter writer, SandboxOptions options)
    {
        writer.WriteInt64(options.StepBudget);
        writer.WriteInt32(options.MaxCallDepth);
        writer.WriteInt64(options.RegexMatchTimeout.Ticks);
        writer.WriteInt32(options.RegexTimeoutRetries);
        writer.WriteInt32(options.MaxSourceLength);
        writer.WriteInt64(options.MaxAllocatedBytes);
        writer.WriteInt64(options.CompileTimeout.Ticks);
        writer.WriteBool(options.ChargeSteps);
    }

    /// <summary>Reads what <see cref="WriteOptions"/> wrote and validates it.</summary>
    public static SandboxOptions ReadOptions(PayloadReader reader) => OptionsValidation.ThrowIfInvalid(new SandboxOptionsValidator(), new SandboxOptions
    {
        StepBudget = reader.ReadInt64(),
        MaxCallDepth = reader.ReadInt32(),
        RegexMatchTimeout = TimeSpan.FromTicks(reader.ReadInt64()),
        RegexTimeoutRetries = reader.ReadInt32(),
        MaxSourceLength = reader.ReadInt32(),
        MaxAllocatedBytes = reader.ReadInt64(),
        CompileTimeout = TimeSpan.FromTicks(reader.ReadInt64()),
        ChargeSteps = reader.ReadBool(),
    }, "options");
}
