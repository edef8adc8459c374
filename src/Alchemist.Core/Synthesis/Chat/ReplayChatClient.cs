using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Alchemist;

/// <summary>An <see cref="IChatClient"/> that answers with replies recorded in a transcript, so that a recorded run can be reproduced offline.</summary>
/// <remarks>
/// <para>
/// Each request takes one recorded reply, and reports its recorded usage and model. A request takes the first unused
/// exchange whose <see cref="RecordedExchange.PromptHash"/> equals the hash of its own prompt, so that a run with
/// concurrent calls replays correctly whatever order the calls arrive in; when none matches (or the transcript has
/// no hashes), it takes the first unused exchange in file order. When every reply is used, a request throws
/// <see cref="InvalidOperationException"/>.
/// </para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed class ReplayChatClient : IChatClient
{
    /// <summary>The provider name this client reports in its <see cref="ChatClientMetadata"/>.</summary>
    public const string ProviderName = "replay";

    private readonly RecordedExchange[] _exchanges;
    private readonly bool[] _used;
    private readonly ChatClientMetadata _metadata;
    private readonly Lock _lock = new();
    private int _requests;

    /// <summary>Initializes a new instance of the <see cref="ReplayChatClient"/> class.</summary>
    /// <param name="exchanges">The recorded exchanges, in order.</param>
    /// <param name="modelId">The model id to report for exchanges that name none; <c>replay</c> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="exchanges"/> is <see langword="null"/> or holds <see langword="null"/>.</exception>
    public ReplayChatClient(IEnumerable<RecordedExchange> exchanges, string? modelId = null)
    {
        ArgumentNullException.ThrowIfNull(exchanges);
        _exchanges = [.. exchanges];
        if (Array.Exists(_exchanges, e => e is null))
        {
            throw new ArgumentNullException(nameof(exchanges), "The exchanges hold a null entry.");
        }

        _used = new bool[_exchanges.Length];
        _metadata = new ChatClientMetadata(ProviderName, providerUri: null, defaultModelId: modelId ?? ProviderName);
    }

    /// <summary>Gets the number of recorded exchanges.</summary>
    public int Count => _exchanges.Length;

    /// <summary>Gets the number of recorded replies not used yet.</summary>
    public int Remaining
    {
        get
        {
            lock (_lock)
            {
                return _used.Count(u => !u);
            }
        }
    }

    /// <summary>Creates a client that replays a transcript file.</summary>
    /// <param name="path">The JSON Lines transcript (see <see cref="ChatTranscript"/>).</param>
    /// <param name="modelId">The model id to report for exchanges that name none.</param>
    /// <returns>The client.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DataFormatException">A line is not a valid exchange.</exception>
    public static ReplayChatClient Load(string path, string? modelId = null) => new(ChatTranscript.Load(path), modelId);

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<ChatResponse>(cancellationToken);
        }

        RecordedExchange exchange = Take(PromptHash.Compute(messages));
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, exchange.Reply))
        {
            ModelId = exchange.ModelId ?? _metadata.DefaultModelId,
            FinishReason = ChatFinishReason.Stop,
            Usage = exchange.InputTokens is null && exchange.OutputTokens is null ? null : new UsageDetails
            {
                InputTokenCount = exchange.InputTokens,
                OutputTokenCount = exchange.OutputTokens,
                TotalTokenCount = (exchange.InputTokens ?? 0) + (exchange.OutputTokens ?? 0),
            },
        };
        return Task.FromResult(response);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ChatResponse response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (ChatResponseUpdate update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Nothing to release: the transcript is read into memory.
    }

    private RecordedExchange Take(string promptHash)
    {
        lock (_lock)
        {
            _requests++;
            int chosen = -1;
            for (int i = 0; i < _exchanges.Length; i++)
            {
                if (!_used[i] && string.Equals(_exchanges[i].PromptHash, promptHash, StringComparison.OrdinalIgnoreCase))
                {
                    chosen = i;
                    break;
                }
            }

            if (chosen < 0)
            {
                chosen = Array.IndexOf(_used, false);
            }

            if (chosen < 0)
            {
                throw new InvalidOperationException(
                    $"The replay has no reply left for request #{_requests}: all {_exchanges.Length} recorded replies are used. Replay the same request as the recorded run (same count, repairs and data), or record the run again.");
            }

            _used[chosen] = true;
            return _exchanges[chosen];
        }
    }
}
