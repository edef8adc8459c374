using System.CommandLine;

namespace Alchemist.Cli;

/// <summary>The options several commands share, so that they are spelled and described the same everywhere.</summary>
internal static class CliOptions
{
    public static Option<string?> Data() => new("--data")
    {
        Description = "A WRENCH-format dataset folder (label.json, train.json, valid.json, test.json); the embedded YouTube dataset when left out.",
        HelpName = "DIR",
    };

    public static Option<bool> Json() => new("--json")
    {
        Description = "Print one JSON object on stdout instead of a table.",
    };

    public static Option<int> Seed() => new("--seed")
    {
        Description = "The seed of every random choice, such as tie-breaks.",
        DefaultValueFactory = _ => 0,
        HelpName = "N",
    };

    public static Option<double> Timeout() => new("--timeout")
    {
        Description = "The seconds one LLM call may take before it is cancelled and retried (1-3600).",
        DefaultValueFactory = _ => 120,
        HelpName = "SECONDS",
    };

    public static Option<int> MaxRetries() => new("--max-retries")
    {
        Description = "How many times a failed LLM call is retried (0-20): network errors, timeouts, 429 (after its Retry-After, at most 60 s) and 5xx, with exponential backoff and jitter.",
        DefaultValueFactory = _ => 3,
        HelpName = "N",
    };

    public static Option<string> Embeddings() => new("--embeddings")
    {
        Description = "Text embeddings the end model uses as features beside its hashed n-grams, and, in a run, the concept scores of concept programs (the offline synthesizer then mines programs over similarities to class prototypes and phrases): none (the default), minilm (a local all-MiniLM-L6-v2 model, no network), openai:MODEL (OPENAI_API_KEY, OPENAI_BASE_URL) or ollama:MODEL (OLLAMA_HOST). A model trained with embeddings labels with the same ones.",
        DefaultValueFactory = _ => "none",
        HelpName = "SPEC",
    };

    public static Option<string> LabelModel(string defaultName) => new("--label-model")
    {
        Description = "The label model that aggregates the votes.",
        DefaultValueFactory = _ => defaultName,
        HelpName = "NAME",
    };
}
