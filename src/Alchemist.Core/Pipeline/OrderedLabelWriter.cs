using System.Runtime.ExceptionServices;

namespace Alchemist;

/// <summary>
/// Writes a streamed run's chunks to its <see cref="ILabelSink"/> in the background, one at a time and in order, so the
/// next chunk is predicted while the last one is written (on a machine with two cores, the writing no longer adds to
/// the prediction's time).
/// </summary>
/// <remarks>
/// <para>
/// At most one write runs at a time, and <see cref="WriteAsync"/> waits for it before starting the next: the sink sees
/// the chunks in the order given, never concurrently, and no more than one chunk waits to be written beside the one
/// the caller is making.
/// </para>
/// <para>
/// A write that fails cancels <see cref="Token"/>, so the work that makes the next chunk stops, and its exception is
/// the one thrown (by the next <see cref="WriteAsync"/> or <see cref="CompleteAsync"/>, or by
/// <see cref="ThrowIfWriteFailedAsync"/> in place of the cancellation it caused); nothing is swallowed. <see cref="DisposeAsync"/> waits for a
/// write still running, so the sink is idle when its owner closes it.
/// </para>
/// </remarks>
internal sealed class OrderedLabelWriter : IAsyncDisposable
{
    private readonly ILabelSink _sink;
    private readonly CancellationToken _cancellationToken;
    private readonly CancellationTokenSource _failed;
    private Task _pending = Task.CompletedTask;

    /// <summary>Initializes a new instance of the <see cref="OrderedLabelWriter"/> class.</summary>
    /// <param name="sink">The sink the chunks go to.</param>
    /// <param name="cancellationToken">The caller's token, passed to every write.</param>
    public OrderedLabelWriter(ILabelSink sink, CancellationToken cancellationToken)
    {
        _sink = sink;
        _cancellationToken = cancellationToken;
        _failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    /// <summary>Gets a token cancelled by the caller's token or by a failed write: the one to make the next chunks with.</summary>
    public CancellationToken Token => _failed.Token;

    /// <summary>Waits for the previous chunk's write (throwing its exception if it failed), then starts writing this one in the background.</summary>
    /// <param name="chunk">The chunk; it must not share arrays the caller reuses.</param>
    public async Task WriteAsync(LabeledChunk chunk)
    {
        await _pending.ConfigureAwait(false);
        _pending = Task.Run(() => WriteOneAsync(chunk), CancellationToken.None);
    }

    /// <summary>Waits for the last write, throwing its exception if it failed.</summary>
    public Task CompleteAsync() => _pending;

    /// <summary>
    /// Waits for a write still running when the caller's work failed with <paramref name="caught"/>, and throws what
    /// the caller should: the write's exception when the write failed and <paramref name="caught"/> is only the
    /// cancellation that failure caused, both when both failed; returns (the caller rethrows) when no write failed.
    /// </summary>
    /// <param name="caught">The exception the caller caught.</param>
    public async Task ThrowIfWriteFailedAsync(Exception caught)
    {
        await _pending.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_pending.Exception is not { } failure || failure.InnerExceptions.Contains(caught))
        {
            // No write failed, or the caller caught the write's own exception (awaiting it): rethrown as it is.
            return;
        }

        Exception written = failure.InnerExceptions.Count == 1 ? failure.InnerExceptions[0] : failure;
        if (caught is OperationCanceledException && !_cancellationToken.IsCancellationRequested)
        {
            ExceptionDispatchInfo.Throw(written);
        }

        throw new AggregateException("Making the labels and writing them to the sink both failed.", caught, written);
    }

    /// <summary>Waits for a write still running, without throwing (the caller is already unwinding, or completed).</summary>
    public async ValueTask DisposeAsync()
    {
        await _pending.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _failed.Dispose();
    }

    private async Task WriteOneAsync(LabeledChunk chunk)
    {
        try
        {
            await _sink.WriteAsync(chunk, _cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await _failed.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }
}
