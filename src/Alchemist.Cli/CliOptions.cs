using System.CommandLine;

namespace Alchemist.Cli;

/// <summary>The options several commands share, so that they are spelled and described the same everywhere.</summary>
internal static class CliOptions
{
    private const string EmbeddingSpecs = "none (the default), minilm (a local all-MiniLM-L6-v2 model, no network), openai:MODEL (OPENAI_API_KEY, OPENAI_BASE_URL) or ollama:MODEL (OLLAMA_HOST).";

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

    /// <summary>Creates <c>--embeddings</c>, described for <c>run</c> (what the embeddings feed there) or for <c>label</c>.</summary>
    /// <param name="run"><see langword="true"/> for <c>alchemist run</c>, where they feed the concept scores and, by default, the end model's features; <see langword="false"/> for <c>alchemist label</c>, where they feed only the saved end model's features.</param>
    public static Option<string> Embeddings(bool run) => new("--embeddings")
    {
        Description = run
            ? "Text embeddings for the run. They feed the concept scores of concept programs (the offline synthesizer then mines programs over similarities to class prototypes and phrases) and, unless --end-model-features hashed, the end model's features beside its hashed n-grams: " + EmbeddingSpecs + " A model trained with embedding features labels with the same ones."
            : "The text embeddings the saved end model was trained with as features (run.json's embeddings, when its endModelFeatures is hashed+embeddings): " + EmbeddingSpecs + " A model trained on hashed n-grams alone needs none, and does not use them.",
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
