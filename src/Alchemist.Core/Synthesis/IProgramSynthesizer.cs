namespace Alchemist;

/// <summary>Represents a source of labeling programs: an LLM through a chat client, a miner of heuristics from labeled seeds, or a library on disk.</summary>
/// <remarks>
/// Every synthesizer emits C# source in the same program format, so everything downstream (sandbox, gate, library,
/// report) is the same. A synthesizer never compiles or runs what it emits; the sandbox does.
/// </remarks>
public interface IProgramSynthesizer
{
    /// <summary>Gets the name of the synthesizer, recorded in each program's <see cref="ProgramProvenance.Synthesizer"/>.</summary>
    string Name { get; }

    /// <summary>Gets a value indicating whether the synthesizer reads <see cref="SynthesisRequest{TItem}.Feedback"/>, so that a pipeline asks it again in feedback rounds.</summary>
    /// <value>The default is <see langword="false"/>: a synthesizer that ignores feedback would only repeat itself.</value>
    bool AcceptsFeedback => false;

    /// <summary>Gets a value indicating whether the synthesizer works in this process without calling a service, so that asking it again costs only processor time (<see cref="EndModelChoiceMode.Auto"/> relies on it).</summary>
    /// <value>The default is <see langword="false"/>: a synthesizer is assumed to call a service that may charge for each call.</value>
    bool IsLocal => false;

    /// <summary>Produces labeling programs for a task.</summary>
    /// <typeparam name="TItem">The type of item the programs label.</typeparam>
    /// <param name="request">The task, the number of programs wanted, examples and the validator used for self-repair.</param>
    /// <param name="cancellationToken">Cancels the synthesis.</param>
    /// <returns>The programs, as they are produced; at most <see cref="SynthesisRequest{TItem}.ProgramCount"/>.</returns>
    IAsyncEnumerable<LabelingProgram> SynthesizeAsync<TItem>(SynthesisRequest<TItem> request, CancellationToken cancellationToken = default);
}
