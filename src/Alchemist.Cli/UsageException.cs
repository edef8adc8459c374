namespace Alchemist.Cli;

/// <summary>A problem with the command line or its input files: reported on stderr with exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
