namespace Alchemist;

/// <summary>Measures how deeply a source nests brackets and interpolated strings, before Roslyn parses it.</summary>
/// <remarks>
/// Roslyn's parser and lexer take time that grows faster than linearly with nesting: 30,000 nested parentheses take
/// tens of seconds to parse, 7,500 nested interpolated strings take minutes, and deeper nesting overflows the stack.
/// A program within the length limit could therefore stall or end the host before any check ran. This scan is a
/// small lexer of its own: it skips comments, string and character literals (regular, verbatim and raw), enters the
/// holes of interpolated strings, and reports the deepest nesting of <c>(</c>, <c>[</c>, <c>{</c> and interpolated
/// strings. It runs in linear time and never recurses; it only has to be accurate enough not to over-count the
/// brackets of ordinary programs (for example the <c>:(</c> of an emoticon inside a string).
/// </remarks>
internal static class SourcePrescan
{
    /// <summary>The deepest nesting of brackets and interpolated strings accepted before parsing.</summary>
    public const int MaxNesting = 256;

    /// <summary>Returns the deepest nesting of the source, stopping early once it passes <see cref="MaxNesting"/>.</summary>
    /// <param name="source">The program source.</param>
    /// <param name="position">The index where the deepest nesting was first reached.</param>
    /// <returns>The deepest nesting of brackets and interpolated strings.</returns>
    public static int MaxDepth(string source, out int position)
    {
        position = 0;
        var frames = new Stack<Frame>();
        frames.Push(Frame.Code(0));
        int depth = 0;
        int deepest = 0;
        int i = 0;
        while (i < source.Length && deepest <= MaxNesting)
        {
            Frame frame = frames.Peek();
            char c = source[i];
            if (frame.Kind == FrameKind.Code)
            {
                i = ScanCode(source, i, c, frames, ref depth);
            }
            else
            {
                i = ScanString(source, i, c, frame, frames, ref depth);
            }

            if (depth > deepest)
            {
                deepest = depth;
                position = Math.Min(i, source.Length - 1);
            }
        }

        return deepest;
    }

    private static int ScanCode(string source, int i, char c, Stack<Frame> frames, ref int depth)
    {
        char next = i + 1 < source.Length ? source[i + 1] : '\0';
        switch (c)
        {
            case '/' when next == '/':
                int end = source.IndexOf('\n', i);
                return end < 0 ? source.Length : end + 1;
            case '/' when next == '*':
                int close = source.IndexOf("*/", i + 2, StringComparison.Ordinal);
                return close < 0 ? source.Length : close + 2;
            case '\'':
                return SkipCharLiteral(source, i);
            case '(' or '[' or '{':
                Frame code = frames.Pop();
                frames.Push(code with { Brackets = code.Brackets + 1 });
                depth++;
                return i + 1;
            case ')' or ']' or '}':
                Frame current = frames.Pop();
                if (c == '}' && current.Brackets == 0 && frames.Count > 0 && frames.Peek().Kind == FrameKind.Interpolated)
                {
                    // The end of an interpolation hole: back into the string.
                    depth--;
                    return i + 1;
                }

                frames.Push(current with { Brackets = Math.Max(0, current.Brackets - 1) });
                depth = Math.Max(0, depth - (current.Brackets > 0 ? 1 : 0));
                return i + 1;
            case '"' or '@' or '$':
                return StartString(source, i, frames, ref depth);
            default:
                return i + 1;
        }
    }

    /// <summary>Recognizes the start of a string literal (any of <c>"</c>, <c>@"</c>, <c>$"</c>, <c>$@"</c>, <c>@$"</c>, <c>"""</c>, <c>$$"""</c>).</summary>
    private static int StartString(string source, int i, Stack<Frame> frames, ref int depth)
    {
        int j = i;
        int dollars = 0;
        bool verbatim = false;
        while (j < source.Length && (source[j] == '$' || source[j] == '@'))
        {
            if (source[j] == '$')
            {
                dollars++;
            }
            else
            {
                verbatim = true;
            }

            j++;
        }

        if (j >= source.Length || source[j] != '"')
        {
            return i + 1; // '@' before an identifier, or a stray '$'.
        }

        int quotes = 0;
        while (j + quotes < source.Length && source[j + quotes] == '"')
        {
            quotes++;
        }

        int contentStart;
        Frame frame;
        if (quotes >= 3)
        {
            frame = new Frame(dollars > 0 ? FrameKind.Interpolated : FrameKind.Literal, Raw: quotes, Verbatim: false, Dollars: Math.Max(dollars, 1), Brackets: 0);
            contentStart = j + quotes;
        }
        else if (quotes == 2 && dollars == 0)
        {
            return j + 2; // An empty string.
        }
        else
        {
            frame = new Frame(dollars > 0 ? FrameKind.Interpolated : FrameKind.Literal, Raw: 0, Verbatim: verbatim, Dollars: Math.Max(dollars, 1), Brackets: 0);
            contentStart = j + 1;
        }

        frames.Push(frame);
        depth++;
        return contentStart;
    }

    private static int ScanString(string source, int i, char c, Frame frame, Stack<Frame> frames, ref int depth)
    {
        if (frame.Raw > 0)
        {
            if (c == '"' && CountRun(source, i, '"') >= frame.Raw)
            {
                frames.Pop();
                depth--;
                return i + frame.Raw;
            }

            if (frame.Kind == FrameKind.Interpolated && c == '{' && CountRun(source, i, '{') >= frame.Dollars)
            {
                frames.Push(Frame.Code(0));
                depth++;
                return i + frame.Dollars;
            }

            return i + 1;
        }

        switch (c)
        {
            case '\\' when !frame.Verbatim:
                return i + 2;
            case '"' when frame.Verbatim && i + 1 < source.Length && source[i + 1] == '"':
                return i + 2;
            case '"':
                frames.Pop();
                depth--;
                return i + 1;
            case '{' when frame.Kind == FrameKind.Interpolated:
                if (i + 1 < source.Length && source[i + 1] == '{')
                {
                    return i + 2;
                }

                frames.Push(Frame.Code(0));
                depth++;
                return i + 1;
            case '\n' when !frame.Verbatim:
                // An unterminated regular string ends at the line, as the compiler will report.
                frames.Pop();
                depth--;
                return i + 1;
            default:
                return i + 1;
        }
    }

    private static int SkipCharLiteral(string source, int i)
    {
        int j = i + 1;
        while (j < source.Length && source[j] != '\'' && source[j] != '\n')
        {
            j += source[j] == '\\' ? 2 : 1;
        }

        return Math.Min(source.Length, j + 1);
    }

    private static int CountRun(string source, int i, char c)
    {
        int n = 0;
        while (i + n < source.Length && source[i + n] == c)
        {
            n++;
        }

        return n;
    }

    private enum FrameKind
    {
        Code,
        Literal,
        Interpolated,
    }

    /// <summary>One level of the scan: code with its open brackets, or a string literal.</summary>
    private readonly record struct Frame(FrameKind Kind, int Raw, bool Verbatim, int Dollars, int Brackets)
    {
        public static Frame Code(int brackets) => new(FrameKind.Code, 0, false, 0, brackets);
    }
}
