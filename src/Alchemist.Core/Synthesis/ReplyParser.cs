namespace Alchemist;

/// <summary>Finds the program in a model reply: the first fenced code block marked as C# or unmarked.</summary>
/// <remarks>
/// A fence is a line that starts (after at most three spaces) with three or more backticks or tildes, followed by an
/// optional language: <c>csharp</c>, <c>cs</c>, <c>c#</c> or nothing (case-insensitive) marks a C# block; other
/// languages are skipped. The block ends at the next line holding only a fence of the same character, at least as
/// long; a block the reply cuts off runs to the end of the reply, so a truncated program reaches the compiler and its
/// errors can be repaired.
/// </remarks>
internal static class ReplyParser
{
    /// <summary>Gets the first C# code block of a reply.</summary>
    /// <param name="reply">The reply text.</param>
    /// <param name="code">The code, without the fences; <see langword="null"/> when there is none.</param>
    /// <param name="reason">Why there is none, as a sentence; <see langword="null"/> when there is one.</param>
    /// <returns><see langword="true"/> when the reply holds a non-blank C# code block.</returns>
    public static bool TryGetFirstCodeBlock(string? reply, out string? code, out string? reason)
    {
        code = null;
        if (string.IsNullOrWhiteSpace(reply))
        {
            reason = "The reply is empty.";
            return false;
        }

        string[] lines = reply.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        bool sawOtherLanguage = false;
        bool sawEmptyBlock = false;
        for (int i = 0; i < lines.Length; i++)
        {
            if (!TryReadFence(lines[i], out char fenceChar, out int fenceLength, out string info))
            {
                continue;
            }

            int end = FindClosingFence(lines, i + 1, fenceChar, fenceLength);
            if (!IsCSharp(info))
            {
                sawOtherLanguage = true;
                i = end;
                continue;
            }

            string body = string.Join('\n', lines, i + 1, end - i - 1);
            if (string.IsNullOrWhiteSpace(body))
            {
                sawEmptyBlock = true;
                i = end;
                continue;
            }

            code = body.TrimEnd() + "\n";
            reason = null;
            return true;
        }

        reason = sawEmptyBlock
            ? "The reply's C# code block is empty."
            : sawOtherLanguage
                ? "The reply has code blocks, but none in C# (```csharp)."
                : "The reply has no code block; a program must come in a ```csharp fenced block.";
        return false;
    }

    private static bool TryReadFence(string line, out char fenceChar, out int fenceLength, out string info)
    {
        fenceChar = '\0';
        fenceLength = 0;
        info = string.Empty;
        int start = 0;
        while (start < line.Length && start < 4 && line[start] == ' ')
        {
            start++;
        }

        if (start > 3 || start >= line.Length || line[start] is not ('`' or '~'))
        {
            return false;
        }

        fenceChar = line[start];
        int run = start;
        while (run < line.Length && line[run] == fenceChar)
        {
            run++;
        }

        fenceLength = run - start;
        if (fenceLength < 3)
        {
            return false;
        }

        info = line[run..].Trim();

        // A backtick fence's info string may not contain backticks (CommonMark); that is inline code, not a fence.
        return fenceChar != '`' || !info.Contains('`', StringComparison.Ordinal);
    }

    private static int FindClosingFence(string[] lines, int from, char fenceChar, int fenceLength)
    {
        for (int j = from; j < lines.Length; j++)
        {
            string trimmed = lines[j].Trim();
            if (trimmed.Length >= fenceLength && trimmed.All(c => c == fenceChar))
            {
                return j;
            }
        }

        return lines.Length;
    }

    private static bool IsCSharp(string info)
    {
        // The info string's first word is the language; the rest (such as a file name) is ignored.
        int space = info.IndexOfAny([' ', '\t', '{']);
        string language = space < 0 ? info : info[..space];
        return language.Length == 0
            || language.Equals("csharp", StringComparison.OrdinalIgnoreCase)
            || language.Equals("cs", StringComparison.OrdinalIgnoreCase)
            || language.Equals("c#", StringComparison.OrdinalIgnoreCase);
    }
}
