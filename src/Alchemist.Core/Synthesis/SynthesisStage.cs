using System.Globalization;

namespace Alchemist;

/// <summary>
/// The synthesis stage of a run: asks every synthesizer for programs, then, for each feedback round, shows the
/// synthesizers that accept feedback what the programs so far missed and asks again.
/// </summary>
/// <remarks>
/// A synthesizer that fails does not fail the run: what it produced before the failure is kept and a warning says
/// why it stopped. Round <c>r</c> &gt; 1 names its programs <c>prefix-rR-NNN</c>, so names stay unique across rounds.
/// </remarks>
internal sealed class SynthesisStage
{
    private readonly IReadOnlyList<IProgramSynthesizer> _synthesizers;
    private readonly int _programsPerSynthesizer;
    private readonly int _feedbackRounds;

    /// <summary>Initializes a new instance of the <see cref="SynthesisStage"/> class.</summary>
    /// <param name="synthesizers">The synthesizers, asked in order.</param>
    /// <param name="programsPerSynthesizer">How many programs each is asked for per round.</param>
    /// <param name="feedbackRounds">The rounds after the first.</param>
    public SynthesisStage(IReadOnlyList<IProgramSynthesizer> synthesizers, int programsPerSynthesizer, int feedbackRounds)
    {
        _synthesizers = synthesizers;
        _programsPerSynthesizer = programsPerSynthesizer;
        _feedbackRounds = feedbackRounds;
    }

    /// <summary>The warning of a run whose offline synthesizer was skipped for want of seed labels.</summary>
    internal const string NoSeedLabelsForOffline =
        "The offline synthesizer wrote no program: it mines programs from seed labels, and this run has none. " +
        "Label some items (about 100, with every class among them) to let it mine programs; an LLM synthesizer writes programs from the task description alone.";

    /// <summary>Runs the rounds.</summary>
    /// <typeparam name="TItem">The type of item.</typeparam>
    /// <param name="request">The first round's request (task, examples, sample, validator, the run's log and ledger); later rounds differ only in feedback and name prefix.</param>
    /// <param name="feedback">Gives the feedback on the programs so far (the pipeline gates them and looks at their votes); an empty feedback ends the rounds.</param>
    /// <param name="warnings">Receives a sentence for each synthesizer that failed.</param>
    /// <param name="onProgram">Called with the synthesizer's name, each program and the count so far, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the stage.</param>
    /// <returns>Every program produced, in the order produced.</returns>
    public async Task<IReadOnlyList<LabelingProgram>> RunAsync<TItem>(
        SynthesisRequest<TItem> request,
        Func<IReadOnlyList<LabelingProgram>, CancellationToken, SynthesisFeedback<TItem>> feedback,
        ICollection<string> warnings,
        Action<string, LabelingProgram, int>? onProgram,
        CancellationToken cancellationToken)
    {
        var programs = new List<LabelingProgram>();
        for (int round = 1; round <= 1 + _feedbackRounds; round++)
        {
            IProgramSynthesizer[] asked = round == 1 ? [.. _synthesizers] : [.. _synthesizers.Where(s => s.AcceptsFeedback)];
            if (asked.Length == 0)
            {
                break;
            }

            SynthesisRequest<TItem> roundRequest = request with { ProgramCount = _programsPerSynthesizer };
            if (round > 1)
            {
                SynthesisFeedback<TItem> shown = feedback(programs, cancellationToken);
                if (shown.IsEmpty)
                {
                    break;
                }

                roundRequest = roundRequest with
                {
                    Feedback = shown,
                    ProgramNamePrefix = string.Create(CultureInfo.InvariantCulture, $"{request.ProgramNamePrefix}-r{round}"),
                };
            }

            foreach (IProgramSynthesizer synthesizer in asked)
            {
                await SynthesizeWithAsync(synthesizer, roundRequest, programs, warnings, onProgram, cancellationToken).ConfigureAwait(false);
            }
        }

        return programs;
    }

    private static async Task SynthesizeWithAsync<TItem>(
        IProgramSynthesizer synthesizer,
        SynthesisRequest<TItem> request,
        List<LabelingProgram> programs,
        ICollection<string> warnings,
        Action<string, LabelingProgram, int>? onProgram,
        CancellationToken cancellationToken)
    {
        if (synthesizer is OfflineProgramSynthesizer && request.Examples.Count == 0)
        {
            // It would refuse the request; say what it needs in the run's words instead of an argument error.
            warnings.Add(NoSeedLabelsForOffline);
            return;
        }

        int before = programs.Count;
        try
        {
            await foreach (LabelingProgram program in synthesizer.SynthesizeAsync(request, cancellationToken).ConfigureAwait(false))
            {
                programs.Add(program);
                onProgram?.Invoke(synthesizer.Name, program, programs.Count);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // What the synthesizer produced before it failed is kept.
            warnings.Add($"The '{synthesizer.Name}' synthesizer failed after {programs.Count - before} programs: {ex.Message}");
            return;
        }

        if (synthesizer is OfflineProgramSynthesizer offline && programs.Count == before)
        {
            // Found nothing: say why (too few seed labels, as a rule) and what would help, instead of a silent zero.
            warnings.Add(offline.NothingWrittenWarning([.. request.Examples.Select(e => e.Label)], request.Task.ClassNames));
        }
    }
}
