using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Alchemist.Testing;

/// <summary>An <see cref="IChatClient"/> test double that answers from a script: queued replies with the token usage they report, failures on chosen calls, or handlers; it records every request.</summary>
/// <remarks>
/// <para>
/// Each call takes the next step of the script, in order of arrival: a reply (<see cref="Reply(string, long?, long?)"/>),
/// a failure (<see cref="Throw"/>) or a handler that computes the reply, and may wait (<see cref="Reply(Func{ScriptedChatRequest, CancellationToken, Task{ChatResponse}})"/>).
/// <see cref="ThrowOnCall"/> makes a given call fail without using a step. A call with no step left throws
/// <see cref="InvalidOperationException"/>. Streaming calls take steps the same way and replay the reply as updates.
/// </para>
/// <para>Use it wherever production code takes an <see cref="IChatClient"/>, so tests go through the same code path a real provider takes. Thread-safe.</para>
/// </remarks>
public sealed class ScriptedChatClient : IChatClient
{
    private readonly Queue<Func<ScriptedChatRequest, CancellationToken, Task<ChatResponse>>> _steps = new();
    private readonly Dictionary<int, Exception> _failures = [];
    private readonly List<ScriptedChatRequest> _requests = [];
    private readonly Lock _lock = new();
    private readonly ChatClientMetadata _metadata;
    private int _inFlight;
    private int _peakConcurrency;

    /// <summary>Initializes a new instance of the <see cref="ScriptedChatClient"/> class.</summary>
    /// <param name="modelId">The model id its replies and metadata report.</param>
    /// <exception cref="ArgumentException"><paramref name="modelId"/> is blank.</exception>
    public ScriptedChatClient(string modelId = "scripted-model")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        ModelId = modelId;
        _metadata = new ChatClientMetadata("scripted", providerUri: null, defaultModelId: modelId);
    }

    /// <summary>Gets the model id the replies report.</summary>
    public string ModelId { get; }

    /// <summary>Gets a snapshot of the requests received so far, in order of arrival.</summary>
    public IReadOnlyList<ScriptedChatRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Gets the number of script steps not used yet.</summary>
    public int RemainingSteps
    {
        get
        {
            lock (_lock)
            {
                return _steps.Count;
            }
        }
    }

    /// <summary>Gets the number of calls in progress now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Gets the largest number of calls that were in progress at the same time.</summary>
    public int PeakConcurrency => Volatile.Read(ref _peakConcurrency);

    /// <summary>Queues a reply.</summary>
    /// <param name="text">The text of the assistant's reply.</param>
    /// <param name="inputTokens">The input tokens the reply reports, or <see langword="null"/>.</param>
    /// <param name="outputTokens">The output tokens the reply reports, or <see langword="null"/>.</param>
    /// <returns>This client, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    public ScriptedChatClient Reply(string text, long? inputTokens = null, long? outputTokens = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Enqueue((_, _) => Task.FromResult(CreateResponse(text, inputTokens, outputTokens)));
    }

    /// <summary>Queues a reply given as a whole response.</summary>
    /// <param name="response">The response; returned as is.</param>
    /// <returns>This client, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="response"/> is <see langword="null"/>.</exception>
    public ScriptedChatClient Reply(ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return Enqueue((_, _) => Task.FromResult(response));
    }

    /// <summary>Queues a handler that computes the reply to a request, and may wait, for example on a signal of the test.</summary>
    /// <param name="respond">Computes the response from the request; it may throw.</param>
    /// <returns>This client, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="respond"/> is <see langword="null"/>.</exception>
    public ScriptedChatClient Reply(Func<ScriptedChatRequest, CancellationToken, Task<ChatResponse>> respond)
    {
        ArgumentNullException.ThrowIfNull(respond);
        return Enqueue(respond);
    }

    /// <summary>Queues a failure: the call that takes this step throws <paramref name="exception"/>.</summary>
    /// <param name="exception">The exception to throw.</param>
    /// <returns>This client, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="exception"/> is <see langword="null"/>.</exception>
    public ScriptedChatClient Throw(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return Enqueue((_, _) => Task.FromException<ChatResponse>(exception));
    }

    /// <summary>Makes a given call throw, without using a script step.</summary>
    /// <param name="callNumber">The 1-based number of the call, in order of arrival.</param>
    /// <param name="exception">The exception to throw.</param>
    /// <returns>This client, for chaining.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="callNumber"/> is less than 1.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="exception"/> is <see langword="null"/>.</exception>
    public ScriptedChatClient ThrowOnCall(int callNumber, Exception exception)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(callNumber, 1);
        ArgumentNullException.ThrowIfNull(exception);
        lock (_lock)
        {
            _failures[callNumber] = exception;
        }

        return this;
    }

    /// <summary>Creates the response a queued reply returns: an assistant message with the model id and the given usage.</summary>
    /// <param name="text">The text of the reply.</param>
    /// <param name="inputTokens">The input tokens, or <see langword="null"/>.</param>
    /// <param name="outputTokens">The output tokens, or <see langword="null"/>.</param>
    /// <returns>The response.</returns>
    public ChatResponse CreateResponse(string text, long? inputTokens = null, long? outputTokens = null) =>
        new(new ChatMessage(ChatRole.Assistant, text))
        {
            ModelId = ModelId,
            FinishReason = ChatFinishReason.Stop,
            Usage = inputTokens is null && outputTokens is null ? null : new UsageDetails
            {
                InputTokenCount = inputTokens,
                OutputTokenCount = outputTokens,
                TotalTokenCount = (inputTokens ?? 0) + (outputTokens ?? 0),
            },
        };

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        cancellationToken.ThrowIfCancellationRequested();
        (ScriptedChatRequest request, Func<ScriptedChatRequest, CancellationToken, Task<ChatResponse>> step) = Begin(messages, options);
        try
        {
            return await step(request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ChatResponse response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (ChatResponseUpdate update in response.ToChatResponseUpdates())
        {
            cancellationToken.ThrowIfCancellationRequested();
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
        // Nothing to release.
    }

    private ScriptedChatClient Enqueue(Func<ScriptedChatRequest, CancellationToken, Task<ChatResponse>> step)
    {
        lock (_lock)
        {
            _steps.Enqueue(step);
        }

        return this;
    }

    private (ScriptedChatRequest Request, Func<ScriptedChatRequest, CancellationToken, Task<ChatResponse>> Step) Begin(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        lock (_lock)
        {
            var request = new ScriptedChatRequest(_requests.Count + 1, [.. messages], options?.Clone());
            _requests.Add(request);
            Func<ScriptedChatRequest, CancellationToken, Task<ChatResponse>> step;
            if (_failures.Remove(request.Number, out Exception? failure))
            {
                step = (_, _) => Task.FromException<ChatResponse>(failure);
            }
            else if (!_steps.TryDequeue(out step!))
            {
                throw new InvalidOperationException($"No scripted step is left for request #{request.Number}. Queue one reply, failure or handler per expected request.");
            }

            int inFlight = Interlocked.Increment(ref _inFlight);
            _peakConcurrency = Math.Max(_peakConcurrency, inFlight);
            return (request, step);
        }
    }
}
