namespace Alchemist.Cli;

/// <summary>The exit codes of the alchemist command; scripts and checks rely on them.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int BadInput = 2;
    public const int Rejected = 3;

    /// <summary>Every call to the LLM failed (connection refused, bad key, ...); the provider's error is on stderr. The outputs are still written.</summary>
    public const int LlmFailed = 4;

    /// <summary>The command was cancelled (Ctrl-C): 128 + SIGINT's number 2, as shells report an interrupted command. Nothing after the cancellation is written.</summary>
    public const int Canceled = 130;
}
