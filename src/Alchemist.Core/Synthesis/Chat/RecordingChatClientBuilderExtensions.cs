using Microsoft.Extensions.AI;

namespace Alchemist;

/// <summary>Provides the <see cref="ChatClientBuilder"/> extension that adds a <see cref="RecordingChatClient"/>.</summary>
public static class RecordingChatClientBuilderExtensions
{
    /// <summary>Records every completed exchange of the pipeline to a transcript that <see cref="ReplayChatClient"/> can replay.</summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="transcript">The writer of the transcript; not disposed by the pipeline.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <remarks>Add it last, closest to the provider, so that it records what the provider answered, not cache hits or failed attempts.</remarks>
    public static ChatClientBuilder UseRecording(this ChatClientBuilder builder, TextWriter transcript)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(transcript);
        return builder.Use(inner => new RecordingChatClient(inner, transcript));
    }
}
