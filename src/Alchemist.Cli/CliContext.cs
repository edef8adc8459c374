namespace Alchemist.Cli;

/// <summary>What the commands take from the process: environment variables and the clock. Tests pass their own, so they set no process-wide variable and can run a fast clock.</summary>
/// <param name="Environment">Reads an environment variable.</param>
/// <param name="Time">The clock of the LLM calls' waits and timeouts.</param>
internal sealed record CliContext(Func<string, string?> Environment, TimeProvider Time)
{
    /// <summary>Gets the process's environment and the system clock.</summary>
    public static CliContext Default { get; } = new(System.Environment.GetEnvironmentVariable, TimeProvider.System);
}
