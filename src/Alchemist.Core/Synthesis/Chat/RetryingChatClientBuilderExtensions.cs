using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Alchemist;

/// <summary>Provides the <see cref="ChatClientBuilder"/> extension that adds a <see cref="RetryingChatClient"/>.</summary>
public static class RetryingChatClientBuilderExtensions
{
    /// <summary>Adds retries of transient failures, with exponential backoff, to the chat pipeline.</summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="configure">Configures the <see cref="ChatRetryOptions"/>, or <see langword="null"/> for the defaults.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// The <see cref="TimeProvider"/> and <see cref="ILoggerFactory"/> come from the builder's services when they hold
    /// them. Put it outside (before) a recording or caching middleware so that only the final outcome is recorded.
    /// </remarks>
    public static ChatClientBuilder UseRetry(this ChatClientBuilder builder, Action<ChatRetryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new ChatRetryOptions();
        configure?.Invoke(options);
        options.Validate();
        return builder.Use((inner, services) => new RetryingChatClient(
            inner,
            options,
            services.GetService<TimeProvider>(),
            services.GetService<ILoggerFactory>()?.CreateLogger<RetryingChatClient>()));
    }
}
