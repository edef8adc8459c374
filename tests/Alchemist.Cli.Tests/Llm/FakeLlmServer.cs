using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Alchemist.Cli.Tests.Llm;

/// <summary>The wire formats the fake server speaks.</summary>
public enum FakeApi
{
    /// <summary>OpenAI Chat Completions: <c>POST /v1/chat/completions</c>, bearer key.</summary>
    OpenAI,

    /// <summary>Azure OpenAI: <c>POST /openai/deployments/{deployment}/chat/completions?api-version=...</c>, <c>api-key</c> header.</summary>
    Azure,

    /// <summary>Ollama: <c>POST /api/chat</c>.</summary>
    Ollama,
}

/// <summary>One answer of the fake server, taken in order of arrival; the last one answers every later request.</summary>
internal abstract record FakeStep
{
    /// <summary>A chat reply in the API's format, with token usage.</summary>
    public static FakeStep Reply(string text, int inputTokens = 100, int outputTokens = 20) => new ReplyStep(text, inputTokens, outputTokens);

    /// <summary>An error status, with an optional <c>Retry-After</c> header and the API's error body.</summary>
    public static FakeStep Status(int status, string? retryAfter = null) => new StatusStep(status, retryAfter);

    /// <summary>No answer: the request waits until the client gives up (or the server stops).</summary>
    public static FakeStep Hang() => new HangStep();

    /// <summary>A 200 whose body is not JSON at all.</summary>
    public static FakeStep Garbage() => new GarbageStep();

    /// <summary>An embeddings reply in the API's format (OpenAI <c>/v1/embeddings</c>, Ollama <c>/api/embed</c>): one vector per input text.</summary>
    public static FakeStep Embeddings(Func<string, float[]> vector) => new EmbeddingsStep(vector);

    internal sealed record ReplyStep(string Text, int InputTokens, int OutputTokens) : FakeStep;

    internal sealed record StatusStep(int Code, string? RetryAfter) : FakeStep;

    internal sealed record HangStep : FakeStep;

    internal sealed record GarbageStep : FakeStep;

    internal sealed record EmbeddingsStep(Func<string, float[]> Vector) : FakeStep;
}

/// <summary>A request the fake server received.</summary>
internal sealed record FakeRequest(string Method, string Target, IReadOnlyDictionary<string, string> Headers, string Body, TimeSpan At)
{
    /// <summary>Gets the text of the last message of the request's conversation (the prompt or the repair request).</summary>
    public string LastMessage =>
        JsonNode.Parse(Body)!["messages"]!.AsArray()[^1]!["content"] switch
        {
            JsonValue value => value.GetValue<string>(),
            JsonArray parts => string.Concat(parts.Select(p => p!["text"]?.GetValue<string>())),
            _ => string.Empty,
        };
}

/// <summary>
/// A loopback HTTP server (127.0.0.1, an ephemeral port) speaking the OpenAI, Azure OpenAI or Ollama chat API from a
/// script, for driving the real SDK clients. Bounded: it answers at most <see cref="MaxRequests"/> requests (later ones
/// get 503 without a script step), a hanging answer lasts at most <see cref="MaxHang"/>, and the server stops when
/// disposed. One request per connection (<c>Connection: close</c>).
/// </summary>
internal sealed class FakeLlmServer : IAsyncDisposable, IDisposable
{
    public const int MaxRequests = 100;
    public static readonly TimeSpan MaxHang = TimeSpan.FromSeconds(30);

    private readonly TcpListener _listener;
    private readonly FakeApi _api;
    private readonly FakeStep[] _script;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<FakeRequest> _requests = [];
    private readonly List<Task> _connections = [];
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private readonly Task _accepting;
    private int _received;

    private FakeLlmServer(FakeApi api, FakeStep[] script)
    {
        _api = api;
        _script = script.Length > 0 ? script : throw new ArgumentException("The script needs at least one step.", nameof(script));
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    /// <summary>Gets the port the server listens on.</summary>
    public int Port { get; }

    /// <summary>Gets the server's root address, <c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri Address => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");

    /// <summary>Gets the requests received so far, in order of arrival.</summary>
    public IReadOnlyList<FakeRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public static FakeLlmServer Start(FakeApi api, params FakeStep[] script) => new(api, script);

    /// <summary>A port with nothing listening: bound, read and released, so a connection to it is refused.</summary>
    public static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>The environment variables that point the CLI's <c>--llm</c> provider at this server.</summary>
    public Dictionary<string, string?> Environment() => EnvironmentFor(_api, Port);

    /// <summary>The environment variables that point the CLI's <c>--llm</c> provider at a port of 127.0.0.1.</summary>
    public static Dictionary<string, string?> EnvironmentFor(FakeApi api, int port)
    {
        string address = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/";
        return api switch
        {
            FakeApi.OpenAI => new() { ["OPENAI_BASE_URL"] = address + "v1", ["OPENAI_API_KEY"] = "sk-fake" },
            FakeApi.Azure => new() { ["AZURE_OPENAI_ENDPOINT"] = address, ["AZURE_OPENAI_API_KEY"] = "azure-fake" },
            _ => new() { ["OLLAMA_HOST"] = $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}" },
        };
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        await Task.WhenAll(connections).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_connections)
            {
                _connections.Add(ServeAsync(client));
            }
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                NetworkStream stream = client.GetStream();
                FakeRequest? request = await ReadRequestAsync(stream);
                if (request is null)
                {
                    return;
                }

                int number = Interlocked.Increment(ref _received);
                if (number > MaxRequests)
                {
                    await WriteAsync(stream, 503, "Service Unavailable", """{"error":{"message":"the fake server's request budget is used up"}}""", null);
                    return;
                }

                lock (_requests)
                {
                    _requests.Add(request);
                }

                FakeStep step = _script[Math.Min(number, _script.Length) - 1];
                await AnswerAsync(stream, step, request);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away (a timeout or a cancellation): nothing to answer.
            }
        }
    }

    private async Task AnswerAsync(NetworkStream stream, FakeStep step, FakeRequest request)
    {
        switch (step)
        {
            case FakeStep.ReplyStep reply:
                await WriteAsync(stream, 200, "OK", ReplyBody(reply, request), null);
                break;
            case FakeStep.StatusStep status:
                string body = _api == FakeApi.Ollama
                    ? new JsonObject { ["error"] = $"fake failure {status.Code}" }.ToJsonString()
                    : new JsonObject { ["error"] = new JsonObject { ["message"] = $"fake failure {status.Code}", ["type"] = "fake_error", ["code"] = $"{status.Code}" } }.ToJsonString();
                using (var phrase = new HttpResponseMessage((HttpStatusCode)status.Code))
                {
                    await WriteAsync(stream, status.Code, phrase.ReasonPhrase ?? "Error", body, status.RetryAfter);
                }
                break;
            case FakeStep.HangStep:
                // Wait until the client closes the connection (a read returns 0 or fails) or the bound is reached.
                using (var bound = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
                {
                    bound.CancelAfter(MaxHang);
                    var buffer = new byte[1];
                    try
                    {
                        while (await stream.ReadAsync(buffer, bound.Token) > 0)
                        {
                        }
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }

                break;
            case FakeStep.GarbageStep:
                await WriteAsync(stream, 200, "OK", "<html>this is not JSON</html>", null);
                break;
            case FakeStep.EmbeddingsStep embeddings:
                await WriteAsync(stream, 200, "OK", EmbeddingsBody(embeddings, request), null);
                break;
        }
    }

    private string EmbeddingsBody(FakeStep.EmbeddingsStep step, FakeRequest request)
    {
        JsonNode body = JsonNode.Parse(request.Body)!;
        string model = body["model"]?.GetValue<string>() ?? "fake-model";
        string[] texts = body["input"] is JsonArray array ? [.. array.Select(t => t!.GetValue<string>())] : [body["input"]!.GetValue<string>()];
        JsonArray Vector(string text) => new([.. step.Vector(text).Select(v => (JsonNode?)JsonValue.Create(v))]);
        if (_api == FakeApi.Ollama)
        {
            return new JsonObject { ["model"] = model, ["embeddings"] = new JsonArray([.. texts.Select(t => (JsonNode?)Vector(t))]) }.ToJsonString();
        }

        return new JsonObject
        {
            ["object"] = "list",
            ["model"] = model,
            ["data"] = new JsonArray([.. texts.Select((t, i) => (JsonNode?)new JsonObject { ["object"] = "embedding", ["index"] = i, ["embedding"] = Vector(t) })]),
            ["usage"] = new JsonObject { ["prompt_tokens"] = texts.Length, ["total_tokens"] = texts.Length },
        }.ToJsonString();
    }

    private string ReplyBody(FakeStep.ReplyStep reply, FakeRequest request)
    {
        string model = JsonNode.Parse(request.Body)?["model"]?.GetValue<string>() ?? "fake-model";
        if (_api == FakeApi.Ollama)
        {
            return new JsonObject
            {
                ["model"] = model,
                ["created_at"] = "2025-03-01T12:00:00Z",
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = reply.Text },
                ["done"] = true,
                ["done_reason"] = "stop",
                ["prompt_eval_count"] = reply.InputTokens,
                ["eval_count"] = reply.OutputTokens,
            }.ToJsonString();
        }

        return new JsonObject
        {
            ["id"] = "chatcmpl-fake",
            ["object"] = "chat.completion",
            ["created"] = 1_740_830_400,
            ["model"] = _api == FakeApi.Azure ? "gpt-4o-mini-2024-07-18" : model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = reply.Text },
                ["finish_reason"] = "stop",
            }),
            ["usage"] = new JsonObject
            {
                ["prompt_tokens"] = reply.InputTokens,
                ["completion_tokens"] = reply.OutputTokens,
                ["total_tokens"] = reply.InputTokens + reply.OutputTokens,
            },
        }.ToJsonString();
    }

    private async Task<FakeRequest?> ReadRequestAsync(NetworkStream stream)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        bound.CancelAfter(TimeSpan.FromSeconds(30));
        var head = new List<byte>();
        var one = new byte[1];
        while (!EndsWithBlankLine(head))
        {
            if (await stream.ReadAsync(one, bound.Token) == 0 || head.Count > 64 * 1024)
            {
                return null;
            }

            head.Add(one[0]);
        }

        string[] lines = Encoding.ASCII.GetString([.. head]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        string[] requestLine = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string line in lines.Skip(1))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        byte[] body;
        if (headers.TryGetValue("Content-Length", out string? length))
        {
            body = new byte[int.Parse(length, CultureInfo.InvariantCulture)];
            await stream.ReadExactlyAsync(body, bound.Token);
        }
        else if (headers.TryGetValue("Transfer-Encoding", out string? encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = await ReadChunkedAsync(stream, bound.Token);
        }
        else
        {
            body = [];
        }

        return new FakeRequest(requestLine[0], requestLine[1], headers, Encoding.UTF8.GetString(body), _clock.Elapsed);
    }

    private static async Task<byte[]> ReadChunkedAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var body = new MemoryStream();
        while (true)
        {
            string sizeLine = await ReadLineAsync(stream, cancellationToken);
            int size = int.Parse(sizeLine.Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                await ReadLineAsync(stream, cancellationToken);
                return body.ToArray();
            }

            var chunk = new byte[size];
            await stream.ReadExactlyAsync(chunk, cancellationToken);
            body.Write(chunk);
            await ReadLineAsync(stream, cancellationToken);
        }
    }

    private static async Task<string> ReadLineAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (line.Count < 2 || line[^2] != '\r' || line[^1] != '\n')
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                throw new IOException("The connection closed inside a chunked body.");
            }

            line.Add(one[0]);
        }

        return Encoding.ASCII.GetString([.. line])[..^2];
    }

    private static bool EndsWithBlankLine(List<byte> head) =>
        head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n';

    private async Task WriteAsync(NetworkStream stream, int status, string reason, string body, string? retryAfter)
    {
        byte[] content = Encoding.UTF8.GetBytes(body);
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {status} {reason}\r\n")
            .Append("Content-Type: application/json\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Length: {content.Length}\r\n")
            .Append("Connection: close\r\n");
        if (retryAfter is not null)
        {
            head.Append("Retry-After: ").Append(retryAfter).Append("\r\n");
        }

        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), _stop.Token);
        await stream.WriteAsync(content, _stop.Token);
        await stream.FlushAsync(_stop.Token);
    }
}

/// <summary>A clock that runs faster than real time, for running the CLI end to end: a 12 s <c>Retry-After</c> is waited for in 12 s of its time.</summary>
/// <param name="speed">How many of its seconds pass in one real second.</param>
internal sealed class FastClock(double speed) : TimeProvider
{
    private readonly DateTimeOffset _start = TimeProvider.System.GetUtcNow();
    private readonly long _startTimestamp = TimeProvider.System.GetTimestamp();

    public override DateTimeOffset GetUtcNow() => _start + (TimeProvider.System.GetElapsedTime(_startTimestamp) * speed);

    public override long GetTimestamp() => _startTimestamp + (long)((TimeProvider.System.GetTimestamp() - _startTimestamp) * speed);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        new ScaledTimer(TimeProvider.System.CreateTimer(callback, state, Scale(dueTime), Scale(period)), this);

    private TimeSpan Scale(TimeSpan value) => value == Timeout.InfiniteTimeSpan ? value : value / speed;

    private sealed class ScaledTimer(ITimer inner, FastClock clock) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(clock.Scale(dueTime), clock.Scale(period));

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
