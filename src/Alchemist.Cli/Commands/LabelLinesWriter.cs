using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Alchemist.Cli.Commands;

/// <summary>
/// Writes the lines of <c>labels.jsonl</c> (<c>{"id", "label", "probabilities"}</c>, one object per line) as UTF-8
/// straight into a buffer that goes to the stream a megabyte at a time, with no string or JSON node per line.
/// </summary>
/// <remarks>
/// The bytes are those of <c>JsonObject.ToJsonString()</c> with the default options (the format before, and still the
/// one of <see cref="RunCommand.LabelLine"/>): the same encoder, numbers written by <see cref="Utf8JsonWriter"/>, the
/// probabilities rounded by <see cref="CliJson.Round(double)"/>, and <see cref="Environment.NewLine"/> after each line.
/// </remarks>
internal sealed class LabelLinesWriter : IAsyncDisposable
{
    private const int FlushBytes = 1 << 20;
    private static readonly byte[] NewLine = Encoding.UTF8.GetBytes(Environment.NewLine);

    private readonly Stream _stream;
    private readonly ArrayBufferWriter<byte> _buffer = new(FlushBytes + (64 * 1024));
    private readonly Utf8JsonWriter _json;

    /// <summary>Initializes a new instance of the <see cref="LabelLinesWriter"/> class over a stream it then owns.</summary>
    public LabelLinesWriter(Stream stream)
    {
        _stream = stream;
        _json = new Utf8JsonWriter(_buffer);
    }

    /// <summary>Writes one line, and sends the buffer to the stream once it holds a megabyte.</summary>
    public ValueTask WriteAsync(string id, int label, ReadOnlySpan<double> probabilities, CancellationToken cancellationToken)
    {
        Write(_json, id, label, probabilities);
        _json.Flush();
        _json.Reset();
        _buffer.Write(NewLine);
        return _buffer.WrittenCount >= FlushBytes ? FlushAsync(cancellationToken) : ValueTask.CompletedTask;
    }

    /// <summary>Formats one line, without its line break, into <paramref name="json"/>.</summary>
    public static void Write(Utf8JsonWriter json, string id, int label, ReadOnlySpan<double> probabilities)
    {
        json.WriteStartObject();
        json.WriteString("id"u8, id);
        json.WriteNumber("label"u8, label);
        json.WriteStartArray("probabilities"u8);
        foreach (double p in probabilities)
        {
            json.WriteNumberValue(CliJson.Round(p));
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>Sends what is buffered to the stream and closes it.</summary>
    public async ValueTask DisposeAsync()
    {
        await FlushAsync(CancellationToken.None).ConfigureAwait(false);
        await _json.DisposeAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_buffer.WrittenCount > 0)
        {
            await _stream.WriteAsync(_buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
            _buffer.ResetWrittenCount();
        }
    }
}
