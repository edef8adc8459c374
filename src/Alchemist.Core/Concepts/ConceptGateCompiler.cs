namespace Alchemist;

/// <summary>
/// Compiles programs through the run's compiler and prepares concept programs: embeds the phrases a program names
/// before anything runs it, and gives it the run's scores; a concept program in a run without concept scores is
/// rejected with what to configure.
/// </summary>
/// <param name="inner">The run's compiler (in process or in workers).</param>
/// <param name="scores">Gets the run's concept scores (a <see cref="ConceptScores{TItem}"/>), or <see langword="null"/> when the run has none.</param>
internal sealed class ConceptGateCompiler(GateCompiler inner, Func<object?> scores) : GateCompiler
{
    /// <summary>The message of a concept program in a run without an embedding generator.</summary>
    internal const string NoGeneratorMessage =
        "[concepts] The program takes concept scores ('Label(item, Concepts concepts)'), and this run has no embedding generator to compute them: " +
        "set LabelingPipelineOptions.EmbeddingGenerator or register an IEmbeddingGenerator<string, Embedding<float>> (for items that are not strings, also an " +
        "IEmbeddingGenerator<TItem, Embedding<float>>: LabelingJob.ItemEmbeddingGenerator or a registered service); on the command line, --embeddings minilm.";

    /// <summary>Gets the phrases of a compiled concept program (in process or in a worker), or <see langword="null"/> when the function takes no concept scores.</summary>
    internal static IReadOnlyList<string>? PhrasesOf<TItem>(ILabelingFunction<TItem>? function) => function switch
    {
        SandboxedLabelingFunction<TItem> { TakesConcepts: true } sandboxed => sandboxed.ConceptPhrases,
        WorkerLabelingFunction<TItem> worker => worker.Image.ConceptPhrases,
        _ => null,
    };

    public override GateCompilation<TItem> Compile<TItem>(LabelingProgram program, CancellationToken cancellationToken)
    {
        GateCompilation<TItem> compilation = inner.Compile<TItem>(program, cancellationToken);
        IReadOnlyList<string>? phrases = PhrasesOf(compilation.Function);
        if (phrases is null)
        {
            return compilation;
        }

        if (scores() is not ConceptScores<TItem> run)
        {
            compilation.Owner?.Dispose();
            return GateCompilation<TItem>.Rejected(GateDropReason.SandboxRejected, [NoGeneratorMessage]);
        }

        // Every phrase the program can name is embedded before it runs (a compile runs on a thread of its own or of the pool, never under a synchronization context).
        try
        {
            run.AddPhrasesAsync(phrases, cancellationToken).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            compilation.Owner?.Dispose();
            return GateCompilation<TItem>.Rejected(GateDropReason.SandboxRejected, [$"[concepts] Embedding the program's phrases failed, so it cannot run: {ex.GetType().Name}: {ex.Message}"]);
        }

        if (compilation.Function is SandboxedLabelingFunction<TItem> function)
        {
            function.BindConcepts(run);
        }

        return compilation;
    }
}
