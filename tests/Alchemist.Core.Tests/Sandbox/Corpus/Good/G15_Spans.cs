// good: spans, MemoryExtensions and ranges
// sample: 1 <= >>> FREE gift card <<<
// sample: -1 <= ordinary
public static class SpanChecks
{
    public static int Label(string text)
    {
        ReadOnlySpan<char> trimmed = text.AsSpan().Trim();
        if (trimmed.StartsWith(">>>") && trimmed.EndsWith("<<<"))
        {
            return trimmed[3..^3].Trim().Contains("free", StringComparison.OrdinalIgnoreCase) ? 1 : -1;
        }

        return -1;
    }
}
