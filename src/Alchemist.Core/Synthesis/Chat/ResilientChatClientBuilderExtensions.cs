using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alchemist;

/// <summary>Provides the <see cref="ChatClientBuilder"/> extension that adds a <see cref="ResilientChatClient"/>.</summary>
public static class ResilientChatClientBuilderExtensions
{
    /// <summary>Adds resilience to the chat pipeline: retries with backoff and jitter, the provider's <c>Retry-After</c>, a per-attempt timeout and a circuit breaker.</summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="configure">Adjusts the <see cref="ChatResilienceOptions"/>, or <see langword="null"/>.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// The options start from the container's <see cref="IOptions{TOptions}"/> of <see cref="ChatResilienceOptions"/>
    /// when it has them (such as those of <c>AlchemistBuilder.ConfigureResilience</c>, or bound from configuration),
    /// else from the defaults; <paramref name="configure"/> then adjusts a copy. The <see cref="TimeProvider"/> and
    /// <see cref="ILoggerFactory"/> come from the container too. The client is created, and its options validated, when
    /// the pipeline is built. Put it outside (before) a recording or caching middleware so that only the final outcome
    /// is recorded.
    /// </remarks>
    public static ChatClientBuilder UseResilience(this ChatClientBuilder builder, Action<ChatResilienceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            ChatResilienceOptions options = services.GetService<IOptions<ChatResilienceOptions>>()?.Value.Snapshot() ?? new ChatResilienceOptions();
            configure?.Invoke(options);
            return new ResilientChatClient(
                inner,
                options,
                services.GetService<TimeProvider>(),
                services.GetService<ILoggerFactory>()?.CreateLogger<ResilientChatClient>());
        });
    }
}
