using System.Globalization;

namespace Alchemist.Cli.Llm;

/// <summary>
/// Turns a throttled response (429), and a failed one (5xx) that carries a <c>Retry-After</c>, into an
/// <see cref="HttpRequestException"/> with the status, and the wait in its <see cref="Exception.Data"/>
/// (<see cref="ChatResilienceOptions.RetryAfterDataKey"/>), where the resilient client finds them whichever SDK wraps
/// the exception: a retry waits the <c>Retry-After</c>, and throttling does not open the circuit.
/// </summary>
/// <remarks>
/// OllamaSharp drops the response's headers when it fails, and the OpenAI and Azure SDKs hide them in their own
/// exception types; this handler sits under all three, so <c>Retry-After</c> reaches the retry policy the same way.
/// <c>Retry-After</c> is read as seconds or as an HTTP date; <c>retry-after-ms</c> (sent by OpenAI and Azure) is read
/// too. The exception's message keeps the start of the provider's error body.
/// </remarks>
internal sealed class RetryAfterHandler(TimeProvider time) : DelegatingHandler
{
    private const int MaxBodyCharacters = 300;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        int status = (int)response.StatusCode;
        if (status != 429 && status < 500)
        {
            return response;
        }

        TimeSpan? wait = RetryAfter(response, time.GetUtcNow());
        if (wait is null && status != 429)
        {
            return response;
        }

        using (response)
        {
            string body = await ReadStartAsync(response, cancellationToken).ConfigureAwait(false);
            string retry = wait is TimeSpan w
                ? string.Create(CultureInfo.InvariantCulture, $"; the provider asks to retry after {w.TotalSeconds:0.###} s")
                : string.Empty;
            var failure = new HttpRequestException(
                $"{status} ({response.ReasonPhrase}) from {request.RequestUri?.GetLeftPart(UriPartial.Authority)}{retry}{(body.Length > 0 ? ": " + body : ".")}",
                inner: null,
                response.StatusCode);
            if (wait is TimeSpan delay)
            {
                failure.Data[ChatResilienceOptions.RetryAfterDataKey] = delay;
            }

            throw failure;
        }
    }

    internal static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        if (response.Headers.TryGetValues("retry-after-ms", out IEnumerable<string>? milliseconds) &&
            double.TryParse(milliseconds.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out double ms) && ms >= 0)
        {
            return TimeSpan.FromMilliseconds(ms);
        }

        return response.Headers.TryGetValues("Retry-After", out IEnumerable<string>? values)
            ? ChatResilienceOptions.ParseRetryAfter(values.FirstOrDefault(), now)
            : null;
    }

    private static async Task<string> ReadStartAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            string body = (await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).Trim().ReplaceLineEndings(" ");
            return body.Length > MaxBodyCharacters ? body[..MaxBodyCharacters] + "..." : body;
        }
        catch (HttpRequestException)
        {
            return string.Empty;
        }
    }
}
