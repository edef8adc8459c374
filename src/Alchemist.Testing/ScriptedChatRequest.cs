using Microsoft.Extensions.AI;

namespace Alchemist.Testing;

/// <summary>Represents a request a <see cref="ScriptedChatClient"/> received: its number, messages and options.</summary>
/// <param name="Number">The 1-based number of the request, in order of arrival.</param>
/// <param name="Messages">A copy of the messages sent.</param>
/// <param name="Options">The options sent, or <see langword="null"/>.</param>
public sealed record ScriptedChatRequest(int Number, IReadOnlyList<ChatMessage> Messages, ChatOptions? Options)
{
    /// <summary>Gets the text of the last user message, or an empty string when there is none.</summary>
    public string LastUserText => Messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? string.Empty;

    /// <summary>Gets the text of the system message, or an empty string when there is none.</summary>
    public string SystemText => Messages.FirstOrDefault(m => m.Role == ChatRole.System)?.Text ?? string.Empty;

    /// <summary>Gets the text of every message, one after the other, separated by blank lines.</summary>
    public string AllText => string.Join("\n\n", Messages.Select(m => m.Text));
}
