using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.AI;

namespace Alchemist;

/// <summary>Computes the stable hash of a chat prompt that provenance records and replay matches on.</summary>
/// <remarks>
/// The hash is the lowercase hexadecimal SHA-256 of the UTF-8 text formed, for each message in order, by its role, a
/// line feed, its text and a line feed. Options (temperature, model) are not part of it.
/// </remarks>
internal static class PromptHash
{
    public static string Compute(IEnumerable<ChatMessage> messages)
    {
        var text = new StringBuilder();
        foreach (ChatMessage message in messages)
        {
            text.Append(message.Role.Value).Append('\n').Append(message.Text).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
