// hostile: reads environment variables (API keys)
// expect: rejected environment 7
public static class P
{
    public static int Label(string text)
    {
        string? key = System.Environment.GetEnvironmentVariable("OPENAI_API_KEY");
        return key is null ? 0 : 1;
    }
}
