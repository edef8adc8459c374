using System.Globalization;
using System.Text;

namespace Alchemist;

/// <summary>Renders a <see cref="LabelingRun"/> as a Markdown report or as a self-contained HTML page with charts.</summary>
/// <remarks>
/// Both show the same facts: the results beside the seed-only baseline, the cost beside the estimate of labeling every
/// item directly, every kept program with its figures and every dropped one with its reason, every synthesis call that
/// gave no program with its outcome and reason (the call failed, no code block, failed validation), the label model's
/// choice, the label distribution, the confidence of the labels, the timings and the warnings. The HTML page needs no
/// network: styles and charts (SVG) are inline.
/// </remarks>
public static partial class RunReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Renders the run as Markdown.</summary>
    /// <param name="run">The run.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="run"/> is <see langword="null"/>.</exception>
    public static string ToMarkdown(LabelingRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var md = new StringBuilder();
        md.Append(Invariant, $"# Alchemist run: {run.DatasetName}\n\n");
        foreach ((string label, string value) in SummaryRows(run))
        {
            md.Append(Invariant, $"- **{label}**: {value}\n");
        }

        if (run.Test is { } test)
        {
            md.Append("\n## Results on the test split\n\n");
            md.Append("The test split is only scored; nothing was fitted or chosen on it.\n\n");
            md.Append("| model | accuracy | F1 (class 1) | macro-F1 |\n|---|---:|---:|---:|\n");
            foreach ((string name, ClassificationScores? scores) in ScoreRows(test))
            {
                md.Append(Invariant, $"| {name} | {Number(scores?.Accuracy)} | {Number(scores?.F1)} | {Number(scores?.MacroF1)} |\n");
            }

            if (test.VerdictSentence() is { } verdict)
            {
                md.Append('\n').Append(verdict).Append('\n');
            }

            if (test.EndModel.Confusion is { } confusion)
            {
                md.Append("\n### The end model per class\n\n| class | precision | recall | F1 | items |\n|---|---:|---:|---:|---:|\n");
                foreach (string[] row in ClassRows(confusion, run.Task.ClassNames))
                {
                    md.Append("| ").AppendJoin(" | ", row).Append(" |\n");
                }

                string[][] matrix = ConfusionRows(confusion, run.Task.ClassNames, out string[] header);
                md.Append("\n### The end model's confusion matrix (rows: gold class, columns: predicted)\n\n| ").AppendJoin(" | ", header).Append(" |\n|---|")
                    .Append(string.Concat(Enumerable.Repeat("---:|", header.Length - 1))).Append('\n');
                foreach (string[] row in matrix)
                {
                    md.Append("| ").AppendJoin(" | ", row).Append(" |\n");
                }
            }
        }

        md.Append("\n## Cost\n\n").Append(CostSentence(run)).Append("\n\n");
        md.Append("| | calls | failed | retries | input tokens | output tokens | US dollars |\n|---|---:|---:|---:|---:|---:|---:|\n");
        foreach (string[] row in CostRows(run))
        {
            md.Append("| ").AppendJoin(" | ", row).Append(" |\n");
        }

        AppendProgramsMarkdown(md, run);
        AppendFailedAttemptsMarkdown(md, run);
        AppendLabelModelMarkdown(md, run);

        md.Append("\n## Labels\n\n| class | items | share |\n|---|---:|---:|\n");
        int[] distribution = run.StreamedLabels?.LabelCounts ?? LabelDistribution(run);
        for (int c = 0; c < distribution.Length; c++)
        {
            md.Append(Invariant, $"| {c} {run.Task.ClassNames[c]} | {distribution[c]:N0} | {Percent((double)distribution[c] / Math.Max(1, run.ItemCount))} |\n");
        }

        md.Append("\nConfidence of the final labels (highest class probability):\n\n| confidence | items |\n|---|---:|\n");
        int[] histogram = run.StreamedLabels?.ConfidenceHistogram ?? ConfidenceHistogram(run.Probabilities, Bins);
        for (int b = 0; b < histogram.Length; b++)
        {
            md.Append(Invariant, $"| {BinLabel(b, run.Task.ClassCount)} | {histogram[b]:N0} |\n");
        }

        md.Append("\n## Timings\n\n| stage | seconds |\n|---|---:|\n");
        foreach (StageTiming timing in run.Timings)
        {
            md.Append(Invariant, $"| {timing.Stage} | {timing.Elapsed.TotalSeconds:0.00} |\n");
        }

        md.Append(Invariant, $"| **total** | **{run.Elapsed.TotalSeconds:0.00}** |\n");
        if (run.Warnings.Count > 0)
        {
            md.Append("\n## Warnings\n\n");
            foreach (string warning in run.Warnings)
            {
                md.Append("- ").Append(warning).Append('\n');
            }
        }

        return md.ToString();
    }

    private static void AppendProgramsMarkdown(StringBuilder md, LabelingRun run)
    {
        if (run.Functions.Count > 0)
        {
            md.Append(Invariant, $"\n## Hand-written functions ({run.Functions.Count(f => f.Kept)} kept of {run.Functions.Count})\n\n");
            md.Append("| function | kept | polarity | coverage | overlaps | conflicts | dev coverage | dev accuracy | faults | label model accuracy | note |\n|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
            foreach (FunctionOutcome f in run.Functions)
            {
                md.Append(Invariant, $"| `{f.Name}` | {(f.Kept ? "yes" : "no")} | {Polarity(run, f)} | {Number(f.Analysis?.Coverage ?? f.GateMetrics?.SampleCoverage)} | {Number(f.Analysis?.Overlaps)} | {Number(f.Analysis?.Conflicts)} | {Number(f.DevCoverage ?? f.GateMetrics?.DevCoverage)} | {Number(f.DevAccuracy ?? f.GateMetrics?.DevAccuracy)} | {f.Faults?.Total ?? f.GateMetrics?.SampleFaults ?? 0} | {Number(f.LabelModelAccuracy)} | {Cell(f.DropMessage ?? "hand-written")} |\n");
            }
        }

        md.Append(Invariant, $"\n## Programs kept ({run.KeptCount})\n\n");
        if (run.KeptCount > 0)
        {
            md.Append("| program | from | polarity | coverage | overlaps | conflicts | dev coverage | dev accuracy | faults | budget overruns | label model accuracy | what it does |\n|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
            foreach (ProgramOutcome p in run.Programs.Where(p => p.Kept))
            {
                md.Append(Invariant, $"| `{p.Program.Name}` | {p.Program.Provenance.Synthesizer} | {Polarity(run, p)} | {Number(p.Analysis?.Coverage)} | {Number(p.Analysis?.Overlaps)} | {Number(p.Analysis?.Conflicts)} | {Number(p.DevCoverage)} | {Number(p.DevAccuracy)} | {p.Faults?.Total ?? 0} | {p.BudgetOverruns} | {Number(p.LabelModelAccuracy)} | {Cell(Describe(p.Program))} |\n");
            }
        }

        md.Append(Invariant, $"\n## Programs dropped ({run.DroppedCount})\n\n");
        if (run.DroppedCount > 0)
        {
            md.Append("| program | from | reason | why |\n|---|---|---|---|\n");
            foreach (ProgramOutcome p in run.Programs.Where(p => !p.Kept))
            {
                md.Append(Invariant, $"| `{p.Program.Name}` | {p.Program.Provenance.Synthesizer} | {p.DropReason} | {Cell(p.DropMessage ?? string.Empty)} |\n");
            }
        }
    }

    private static void AppendFailedAttemptsMarkdown(StringBuilder md, LabelingRun run)
    {
        if (run.SynthesisAttempts.Count == 0)
        {
            return;
        }

        SynthesisAttempt[] failed = [.. run.SynthesisAttempts.Where(GaveNoProgram)];
        md.Append(Invariant, $"\n## Synthesis attempts that gave no program ({failed.Length} of {run.SynthesisAttempts.Count} calls)\n\n");
        if (failed.Length == 0)
        {
            md.Append("Every synthesis call gave a program; the gate's decisions are above.\n");
            return;
        }

        md.Append(FailedAttemptsIntro).Append("\n\n| program | attempt | outcome | why |\n|---|---|---|---|\n");
        foreach (SynthesisAttempt a in failed)
        {
            md.Append(Invariant, $"| {AttemptProgram(a)} | {AttemptNumber(a)} | {OutcomeText(a.Outcome)} | {Cell(a.Message)}{string.Concat(ShownProblems(a).Select(p => "<br>" + Cell(p)))} |\n");
        }
    }

    private const string FailedAttemptsIntro =
        "Each chat call whose reply became no program, with why: the call failed (the provider's error), the reply held no C# code block, " +
        "or its program failed validation (compiler errors, sandbox rules or faults, listed). A program that failed validation was sent back for repair while repairs were left, so a later attempt of the same slot may have given a program. " +
        "The offline synthesizer's attempts are its mined programs, one each; it does not repair, so each of its programs listed here was dropped.";

    /// <summary>Gets a value indicating whether a synthesis call gave no program: it failed, its reply held no code block, or its program failed validation.</summary>
    internal static bool GaveNoProgram(SynthesisAttempt attempt) =>
        attempt.Outcome is SynthesisOutcome.CallFailed or SynthesisOutcome.RejectedReply or SynthesisOutcome.FailedValidation;

    /// <summary>Gets an outcome in words, for reports and warnings.</summary>
    internal static string OutcomeText(SynthesisOutcome outcome) => outcome switch
    {
        SynthesisOutcome.CallFailed => "call failed",
        SynthesisOutcome.RejectedReply => "no code block",
        SynthesisOutcome.FailedValidation => "failed validation",
        SynthesisOutcome.PriorKnowledge => "prior knowledge",
        _ => "accepted",
    };

    private static string AttemptProgram(SynthesisAttempt a) =>
        a.ProgramName is { } name ? $"`{name}`" : a.Slot is int slot ? string.Create(Invariant, $"slot {slot}") : "(shared call)";

    private static string AttemptNumber(SynthesisAttempt a) => a.Attempt == 0 ? "original" : string.Create(Invariant, $"repair {a.Attempt}");

    private const int ProblemsShown = 5;

    /// <summary>Gets the first problems of an attempt, and how many more there are.</summary>
    private static IEnumerable<string> ShownProblems(SynthesisAttempt a) =>
        a.Problems.Count <= ProblemsShown
            ? a.Problems
            : [.. a.Problems.Take(ProblemsShown), string.Create(Invariant, $"... and {a.Problems.Count - ProblemsShown} more")];

    private static void AppendLabelModelMarkdown(StringBuilder md, LabelingRun run)
    {
        md.Append("\n## Label model\n\n");
        if (run.LabelModel is not { } report)
        {
            md.Append("No label model was fitted: no program or function was kept.\n");
            return;
        }

        md.Append(Invariant, $"{report.ModelName}{(report.Selected is null ? string.Empty : $", which selected **{report.Selected}**")}; class balance {string.Join(", ", report.ClassBalance.Select(b => b.ToString("0.000", Invariant)))}; fitted in {report.Elapsed.TotalMilliseconds:0.0} ms.\n");
        if (report.SelectionReason is { } reason)
        {
            md.Append(Invariant, $"\n{reason}\n");
        }

        if (report.CandidateScores is { Count: > 0 } candidates)
        {
            md.Append("\n| candidate | dev score |\n|---|---:|\n");
            foreach ((string name, double score) in candidates)
            {
                md.Append(Invariant, $"| {name} | {score:0.0000} |\n");
            }
        }
    }

    private static IEnumerable<(string Label, string Value)> SummaryRows(LabelingRun run)
    {
        yield return ("Task", $"{run.Task.Name}: {run.Task.Description}");
        yield return ("Classes", string.Join(", ", run.Task.ClassNames.Select((n, i) => $"{i} {n}")));
        yield return ("Items labeled", run.ItemCount.ToString("N0", Invariant));
        yield return ("Seed (dev) items", run.SeedItems.ToString("N0", Invariant));
        yield return ("Programs", string.Create(Invariant, $"{run.KeptCount} kept, {run.DroppedCount} dropped"));
        if (run.SynthesisAttempts.Count > 0)
        {
            yield return ("Synthesis calls", string.Create(Invariant, $"{run.SynthesisAttempts.Count}, of which {run.SynthesisAttempts.Count(GaveNoProgram)} gave no program"));
        }

        if (run.Functions.Count > 0)
        {
            yield return ("Hand-written functions", string.Create(Invariant, $"{run.Functions.Count(f => f.Kept)} kept of {run.Functions.Count}"));
        }
        yield return ("Coverage", string.Create(Invariant, $"{Percent(run.Analysis.Coverage)} of the items have at least one vote"));
        yield return ("Label model", run.LabelModel is { } lm ? lm.Selected is null ? lm.ModelName : $"{lm.ModelName} (selected {lm.Selected})" : "none");
        if (run.SeedModelVoted)
        {
            yield return ("Seed-model voter", "the end model trained on the seed labels voted as one more column of the label matrix (its votes on the seed items come from 5-fold models that did not see them)");
        }

        yield return ("End model", string.Create(Invariant, $"{run.EndModelName}, {run.EndModel.ItemCount:N0} training items, {run.EndModel.FeatureCount:N0} features"));
        if (run.EndModelChoice is { } choice)
        {
            yield return ("Model shipped", choice.ToString());
        }
        else if (run.EndModelChoiceSkipReason is { } notChecked)
        {
            yield return ("Model shipped", $"the pipeline's end model, {notChecked}");
        }

        yield return ("Cost", CostSentence(run));
        yield return ("Wall time", string.Create(Invariant, $"{run.Elapsed.TotalSeconds:0.0} s"));
        yield return ("Made by", string.Create(Invariant, $"Alchemist.Core {ToolVersion}{(run.StartedAt is { } started ? $", run started {started.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC" : string.Empty)}"));
    }

    /// <summary>Gets the informational version of Alchemist.Core, without the source revision.</summary>
    private static string ToolVersion { get; } =
        typeof(RunReport).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false) is [System.Reflection.AssemblyInformationalVersionAttribute { InformationalVersion: { } version }, ..]
            ? version.Split('+')[0]
            : typeof(RunReport).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>The rows of the cost table: the synthesis's calls, failures, retries, tokens and dollars, and the estimate of labeling every item directly.</summary>
    private static IEnumerable<string[]> CostRows(LabelingRun run)
    {
        CostSummary cost = run.SynthesisCost;
        yield return ["synthesis (actual)", Count(cost.Calls), Count(cost.FailedCalls), Count(cost.Retries), Count(cost.InputTokens), Count(cost.OutputTokens), Dollars(cost.CostUsd)];
        if (run.DirectLabeling is { } direct)
        {
            yield return [$"direct labeling with {direct.ModelId} (estimate, {direct.Tokenizer})", Count(direct.Items), "-", "-", Count(direct.InputTokens), Count(direct.OutputTokens), Dollars(direct.CostUsd)];
        }
    }

    /// <summary>One row per class: its name, precision, recall, F1 and number of gold items.</summary>
    private static IEnumerable<string[]> ClassRows(ConfusionMatrix confusion, IReadOnlyList<string> classNames)
    {
        for (int c = 0; c < confusion.ClassCount; c++)
        {
            yield return [classNames[c], Number(confusion.Precision(c)), Number(confusion.Recall(c)), Number(confusion.F1(c)), Count(confusion.Support(c))];
        }
    }

    /// <summary>The confusion matrix as rows of cells, gold class first; an "abstained" column only when some item had no prediction.</summary>
    private static string[][] ConfusionRows(ConfusionMatrix confusion, IReadOnlyList<string> classNames, out string[] header)
    {
        int k = confusion.ClassCount;
        bool abstains = Enumerable.Range(0, k).Any(c => confusion.Abstained(c) > 0);
        header = ["gold \\ predicted", .. classNames, .. abstains ? new[] { "abstained" } : []];
        var rows = new string[k][];
        for (int g = 0; g < k; g++)
        {
            rows[g] = [classNames[g], .. Enumerable.Range(0, k).Select(p => Count(confusion[g, p])), .. abstains ? new[] { Count(confusion.Abstained(g)) } : []];
        }

        return rows;
    }

    private static string Count(long value) => value.ToString("N0", Invariant);

    private static IEnumerable<(string Name, ClassificationScores? Scores)> ScoreRows(RunScores test)
    {
        yield return ("end model, distilled from the weak labels", test.EndModel);
        yield return ("label model", test.LabelModel);
        yield return ("seed-only baseline (same end model, seed labels only)", test.SeedOnly);
    }

    private static string CostSentence(LabelingRun run)
    {
        CostSummary cost = run.SynthesisCost;
        string synthesis = cost.Calls == 0
            ? "Synthesis made no LLM call and cost nothing"
            : string.Create(Invariant, $"Synthesis made {cost.Calls} LLM calls ({cost.InputTokens:N0} input and {cost.OutputTokens:N0} output tokens{(cost.FailedCalls + cost.Retries + cost.Timeouts == 0 ? string.Empty : $"; {cost.FailedCalls} failed, {cost.Retries} retries, {cost.Timeouts} timeouts, {cost.RetryDelay.TotalSeconds:0.#} s waited")}) costing {Dollars(cost.CostUsd)}{(cost.IsComplete ? string.Empty : $" plus unpriced calls to {string.Join(", ", cost.UnpricedModels)}")}");
        if (run.DirectLabeling is not { } direct)
        {
            return synthesis + ".";
        }

        string estimate = direct.CostUsd is decimal usd
            ? string.Create(Invariant, $"labeling all {direct.Items:N0} items directly with {direct.ModelId} would cost about {Dollars(usd)} ({direct.InputTokens:N0} input tokens counted with {direct.Tokenizer})")
            : string.Create(Invariant, $"labeling all {direct.Items:N0} items directly with {direct.ModelId} would take {direct.InputTokens:N0} input tokens (no price is configured for it)");
        string ratio = run.TimesCheaper switch
        {
            double times when times >= 1 => string.Create(Invariant, $": this run was {Times(times)}x cheaper"),
            double times => string.Create(Invariant, $": synthesis cost {Times(1 / times)}x what labeling these items directly would, and pays for itself from about {run.BreakEvenItemCount:N0} items (re-running the programs costs nothing)"),
            _ => string.Empty,
        };
        return $"{synthesis}; {estimate}{ratio}.";
    }

    /// <summary>Formats a cost ratio: one decimal below 10, whole numbers above.</summary>
    internal static string Times(double times) => times < 10 ? times.ToString("0.#", Invariant) : times.ToString("N0", Invariant);

    private static string Describe(LabelingProgram program) =>
        program.Provenance.Description ?? (program.Provenance.ModelId is { } model ? $"written by {model}" : program.Provenance.Synthesizer);

    private static string Polarity(LabelingRun run, LabelingFunctionOutcome p) =>
        p.Analysis is { Polarity.Count: > 0 } a ? string.Join(", ", a.Polarity.Select(c => run.Task.ClassNames[c])) : "-";

    private static int[] LabelDistribution(LabelingRun run)
    {
        var counts = new int[run.Task.ClassCount];
        foreach (int label in run.Labels)
        {
            if (Label.IsClass(label, counts.Length))
            {
                counts[label]++;
            }
        }

        return counts;
    }

    internal const int Bins = 10;

    internal static int[] ConfidenceHistogram(ClassProbabilities probabilities, int bins)
    {
        // Bins span [1/K, 1]: the highest class probability can never be below 1/K.
        var counts = new int[bins];
        double floor = 1.0 / probabilities.ClassCount;
        for (int i = 0; i < probabilities.ItemCount; i++)
        {
            double max = 0;
            foreach (double p in probabilities.GetRow(i))
            {
                max = Math.Max(max, p);
            }

            int bin = (int)((max - floor) / (1 - floor) * bins);
            counts[Math.Clamp(bin, 0, bins - 1)]++;
        }

        return counts;
    }

    private static string BinLabel(int bin, int classCount)
    {
        double floor = 1.0 / classCount;
        double width = (1 - floor) / Bins;
        return string.Create(Invariant, $"{floor + (bin * width):0.00}-{floor + ((bin + 1) * width):0.00}");
    }

    private static string Number(double? value) => value is double v && !double.IsNaN(v) ? v.ToString("0.0000", Invariant) : "-";

    private static string Percent(double value) => (value * 100).ToString("0.0", Invariant) + "%";

    private static string Dollars(decimal? value) => value is decimal d ? "$" + d.ToString(d < 0.01m ? "0.000000" : "0.00", Invariant) : "unpriced";

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace('\n', ' ').Replace('\r', ' ');
}
