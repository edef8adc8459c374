using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Polly.Timeout;

namespace Alchemist.Cli.Llm;

/// <summary>
/// The chat pipeline a command talks to, and what it tells the user afterwards: the provider's client, the
/// <see cref="ResilientChatClient"/> (retries, <c>Retry-After</c>, per-attempt timeout, circuit breaker) and the
/// transcript recorder, in that order from outside in, plus the first failure, to name the provider's error.
/// </summary>
internal sealed partial class LlmSession : IDisposable
{
    private const int MaxErrorCharacters = 300;
    private readonly FailureProbe _probe;

    private LlmSession(string spec, IChatClient client, FailureProbe probe)
    {
        Spec = spec;
        Client = client;
        _probe = probe;
    }

    /// <summary>Gets the <c>--llm</c> value.</summary>
    public string Spec { get; }

    /// <summary>Gets the client to give the synthesizer.</summary>
    public IChatClient Client { get; }

    /// <summary>Creates the pipeline: retries outside, recording inside, so the transcript holds what the provider answered, once per successful call.</summary>
    /// <exception cref="UsageException">The spec or the environment it needs is wrong.</exception>
    public static LlmSession Open(string spec, CliContext context, LlmSettings settings, TextWriter transcript)
    {
        var options = new ChatResilienceOptions
        {
            MaxRetries = settings.MaxRetries,
            AttemptTimeout = TimeSpan.FromSeconds(settings.TimeoutSeconds),
            ShouldRetry = ChatClientFactory.IsTransient,
        };
        FailureProbe? probe = null;
        IChatClient client = new ChatClientBuilder(ChatClientFactory.Create(spec, context.Environment, context.Time))
            .Use(inner => probe = new FailureProbe(inner))
            .Use(inner => new ResilientChatClient(inner, options, context.Time))
            .UseRecording(transcript)
            .Build();
        return new LlmSession(spec, client, probe!);
    }

    /// <summary>How the calls went, for the console (stderr): one error line when every call failed, one warning line when some did, nothing otherwise.</summary>
    /// <param name="cost">The ledger's totals for this session's calls.</param>
    /// <returns><see cref="ExitCodes.LlmFailed"/> with the error line when every call failed, else <see cref="ExitCodes.Success"/> with the warning line or <see langword="null"/>.</returns>
    public (int ExitCode, string? Line) Assess(CostSummary cost)
    {
        if (cost.Calls == 0 || cost.FailedCalls == 0)
        {
            return (ExitCodes.Success, null);
        }

        string provider = ProviderError(_probe.First);
        return cost.FailedCalls == cost.Calls
            ? (ExitCodes.LlmFailed, $"error: every call to {Spec} failed ({Calls(cost.Calls)}{Figures(cost)}); the provider's error: {provider}")
            : (ExitCodes.Success, $"warning: {cost.FailedCalls} of {Calls(cost.Calls)} to {Spec} failed{Figures(cost)}; the programs of the others are kept. The provider's error: {provider}");
    }

    /// <summary>One line for the calls of a run: how many, failed, retried, timed out and the time waited.</summary>
    public static string Describe(CostSummary cost) => string.Create(
        CultureInfo.InvariantCulture,
        $"{Calls(cost.Calls)}, {cost.FailedCalls} failed; {cost.Retries} {(cost.Retries == 1 ? "retry" : "retries")} ({cost.RetryDelay.TotalSeconds:0.#} s waited), {cost.Timeouts} timeout{(cost.Timeouts == 1 ? string.Empty : "s")}");

    /// <summary>The provider's own words for a failure, on one line: the innermost HTTP error (such as <c>Connection refused (127.0.0.1:8080)</c>), else the failure's message.</summary>
    internal static string ProviderError(Exception? failure)
    {
        if (failure is null)
        {
            return "(no failure was seen by the client)";
        }

        Exception provider = failure is ChatCallFailedException { InnerException: Exception inner } ? inner : failure;
        string message;
        if (provider is TimeoutRejectedException or TimeoutException)
        {
            message = failure.Message;
        }
        else
        {
            HttpRequestException? http = null;
            for (Exception? current = provider; current is not null; current = current.InnerException)
            {
                if (current is HttpRequestException found)
                {
                    http = found;
                }
            }

            message = http?.Message ?? provider.Message;
        }

        // SDK messages can span lines and end with the response's headers; one line, without them.
        int headers = message.IndexOf("Headers:", StringComparison.Ordinal);
        message = Whitespace().Replace(headers > 0 ? message[..headers] : message, " ").Trim();
        return message.Length > MaxErrorCharacters ? message[..MaxErrorCharacters] + "..." : message;
    }

    public void Dispose() => Client.Dispose();

    private static string Calls(int count) => count == 1 ? "1 call" : count.ToString(CultureInfo.InvariantCulture) + " calls";

    private static string Figures(CostSummary cost)
    {
        var parts = new List<string>(2);
        if (cost.Retries > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{cost.Retries} {(cost.Retries == 1 ? "retry" : "retries")}"));
        }

        if (cost.Timeouts > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{cost.Timeouts} timeout{(cost.Timeouts == 1 ? string.Empty : "s")}"));
        }

        return parts.Count == 0 ? string.Empty : ", " + string.Join(", ", parts);
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    /// <summary>Remembers the first failure that reached the synthesizer, the one the console names.</summary>
    private sealed class FailureProbe(IChatClient inner) : DelegatingChatClient(inner)
    {
        private Exception? _first;

        public Exception? First => Volatile.Read(ref _first);

        public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            try
            {
                return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                Interlocked.CompareExchange(ref _first, ex, null);
                throw;
            }
        }
    }
}

/// <summary>The commands' settings of the LLM calls.</summary>
/// <param name="MaxRetries">Retries of a failed call (<c>--max-retries</c>).</param>
/// <param name="TimeoutSeconds">The per-attempt timeout (<c>--timeout</c>).</param>
internal sealed record LlmSettings(int MaxRetries, double TimeoutSeconds)
{
    /// <summary>Checks the values, in the CLI's own words.</summary>
    /// <exception cref="UsageException">A value is out of range.</exception>
    public void Check()
    {
        if (MaxRetries is < 0 or > 20)
        {
            throw new UsageException($"--max-retries is {MaxRetries}; use between 0 and 20.");
        }

        if (double.IsNaN(TimeoutSeconds) || TimeoutSeconds < 1 || TimeoutSeconds > 3_600)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--timeout is {TimeoutSeconds}; give the seconds one call may take, between 1 and 3600."));
        }
    }
}
