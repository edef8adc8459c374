using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Alchemist;

/// <summary>A chat-client middleware that records every completed exchange to a transcript in the format <see cref="ReplayChatClient"/> replays.</summary>
/// <remarks>
/// <para>
/// Add it to a pipeline with <see cref="RecordingChatClientBuilderExtensions.UseRecording"/>, closest to the provider
/// (last), so that it records what the provider actually answered. Each completed call appends one line (see
/// <see cref="ChatTranscript"/>) with the reply text, the reported usage, the model and the prompt hash, and flushes;
/// failed calls are not recorded. Lines are in completion order.
/// </para>
/// <para>The writer is not disposed by this client. Thread-safe: writes are serialized.</para>
/// </remarks>
public sealed class RecordingChatClient : DelegatingChatClient
{
    private readonly TextWriter _transcript;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    /// <summary>Initializes a new instance of the <see cref="RecordingChatClient"/> class.</summary>
    /// <param name="innerClient">The client to call.</param>
    /// <param name="transcript">The writer of the transcript, such as a <see cref="StreamWriter"/> on <c>transcript.jsonl</c>.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public RecordingChatClient(IChatClient innerClient, TextWriter transcript)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        _transcript = transcript;
    }

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ChatMessage[] conversation = [.. messages];
        ChatResponse response = await base.GetResponseAsync(conversation, options, cancellationToken).ConfigureAwait(false);
        await RecordAsync(conversation, response).ConfigureAwait(false);
        return response;
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ChatMessage[] conversation = [.. messages];
        var updates = new List<ChatResponseUpdate>();
        await foreach (ChatResponseUpdate update in base.GetStreamingResponseAsync(conversation, options, cancellationToken).ConfigureAwait(false))
        {
            updates.Add(update);
            yield return update;
        }

        await RecordAsync(conversation, updates.ToChatResponse()).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _writeLock.Dispose();
        }

        base.Dispose(disposing);
    }

    private async Task RecordAsync(ChatMessage[] conversation, ChatResponse response)
    {
        var exchange = new RecordedExchange(response.Text, response.Usage?.InputTokenCount, response.Usage?.OutputTokenCount)
        {
            ModelId = response.ModelId,
            PromptHash = PromptHash.Compute(conversation),
        };
        string line = ChatTranscript.FormatLine(exchange);

        // The transcript must be complete even if the caller cancels right after the reply arrived.
        await _writeLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            await _transcript.WriteAsync(line + "\n").ConfigureAwait(false);
            await _transcript.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
