using System.Globalization;
using System.Net;
using System.Text;

namespace Alchemist;

/// <summary>The HTML rendering of <see cref="RunReport"/>.</summary>
public static partial class RunReport
{
    private const string Style = """
        body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1f2328;line-height:1.45}
        h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
        table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}th,td{border:1px solid #d0d7de;padding:.3rem .6rem;vertical-align:top}
        th{background:#f6f8fa;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
        .summary{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;font-size:.95rem}.summary b{color:#57606a;font-weight:600}
        .charts{display:flex;flex-wrap:wrap;gap:1.5rem}.chart{border:1px solid #d0d7de;border-radius:6px;padding:.6rem}
        .chart h3{font-size:.95rem;margin:.1rem 0 .4rem}code,pre{font-family:ui-monospace,SFMono-Regular,Consolas,monospace;font-size:.85rem}
        pre{background:#f6f8fa;padding:.6rem;overflow:auto;border-radius:6px}.warn{background:#fff8c5;border:1px solid #d4a72c;padding:.5rem .8rem;border-radius:6px}
        .legend span{display:inline-block;width:.8rem;height:.8rem;margin:0 .3rem 0 .8rem;vertical-align:middle}
        table{display:block;max-width:100%;overflow-x:auto}td{overflow-wrap:break-word}td:first-child{min-width:9rem}td.text{min-width:18rem}tr.what td{color:#57606a;font-size:.85rem;border-top:none;padding-bottom:.5rem}svg{max-width:100%;height:auto}.chart{max-width:100%;box-sizing:border-box}
        .pair{display:flex;flex-wrap:wrap;gap:0 2rem}.pair h3{font-size:.95rem;margin:.8rem 0 .2rem}
        @media (max-width:600px){body{margin:1rem auto;padding:0 .6rem}.summary{grid-template-columns:1fr}.summary span{margin-bottom:.3rem}th,td{padding:.25rem .4rem}}
        """;

    /// <summary>Renders the run as a self-contained HTML page with charts: program coverage and accuracy, the label distribution, the confidence of the labels, and the cost comparison.</summary>
    /// <param name="run">The run.</param>
    /// <returns>The page; it loads nothing from the network.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="run"/> is <see langword="null"/>.</exception>
    public static string ToHtml(LabelingRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">");
        html.Append("<title>Alchemist run: ").Append(E(run.DatasetName)).Append("</title><style>").Append(Style).Append("</style></head><body>\n");
        html.Append("<h1>Alchemist run: ").Append(E(run.DatasetName)).Append("</h1>\n<div class=\"summary\">");
        foreach ((string label, string value) in SummaryRows(run))
        {
            html.Append("<b>").Append(E(label)).Append("</b><span>").Append(E(value)).Append("</span>");
        }

        html.Append("</div>\n");
        if (run.Warnings.Count > 0)
        {
            html.Append("<h2>Warnings</h2><div class=\"warn\"><ul>");
            foreach (string warning in run.Warnings)
            {
                html.Append("<li>").Append(E(warning)).Append("</li>");
            }

            html.Append("</ul></div>\n");
        }

        if (run.Test is { } test)
        {
            html.Append("<h2>Results on the test split</h2><p>The test split is only scored; nothing was fitted or chosen on it.</p>");
            html.Append("<table><tr><th>model</th><th>accuracy</th><th>F1 (class 1)</th><th>macro-F1</th></tr>");
            foreach ((string name, ClassificationScores? scores) in ScoreRows(test))
            {
                html.Append(Invariant, $"<tr><td>{E(name)}</td><td class=\"n\">{Number(scores?.Accuracy)}</td><td class=\"n\">{Number(scores?.F1)}</td><td class=\"n\">{Number(scores?.MacroF1)}</td></tr>");
            }

            html.Append("</table>\n");
            if (test.VerdictSentence() is { } verdict)
            {
                html.Append("<p>").Append(E(verdict)).Append("</p>\n");
            }

            if (test.EndModel.Confusion is { } confusion)
            {
                html.Append("<div class=\"pair\"><div><h3>The end model per class</h3>");
                AppendTable(html, ["class", "precision", "recall", "F1", "items"], ClassRows(confusion, run.Task.ClassNames));
                string[][] matrix = ConfusionRows(confusion, run.Task.ClassNames, out string[] header);
                html.Append("</div><div><h3>Confusion matrix (rows: gold class, columns: predicted)</h3>");
                AppendTable(html, header, matrix);
                html.Append("</div></div>\n");
            }
        }

        html.Append("<h2>Charts</h2><div class=\"charts\">");
        AppendProgramChart(html, run);
        AppendBars(html, "Label distribution", [.. run.Task.ClassNames], [.. (run.StreamedLabels?.LabelCounts ?? LabelDistribution(run)).Select(c => (double)c)], "#0969da", v => v.ToString("N0", Invariant));
        int[] histogram = run.StreamedLabels?.ConfidenceHistogram ?? ConfidenceHistogram(run.Probabilities, Bins);
        AppendBars(html, "Confidence of the final labels", [.. Enumerable.Range(0, Bins).Select(b => BinLabel(b, run.Task.ClassCount))], [.. histogram.Select(c => (double)c)], "#8250df", v => v.ToString("N0", Invariant));
        AppendCostChart(html, run);
        html.Append("</div>\n");

        html.Append("<h2>Cost</h2><p>").Append(E(CostSentence(run))).Append("</p>\n");
        AppendTable(html, [string.Empty, "calls", "failed", "retries", "input tokens", "output tokens", "US dollars"], CostRows(run));
        AppendProgramsHtml(html, run);
        AppendLabelModelHtml(html, run);

        html.Append("<h2>Timings</h2><table><tr><th>stage</th><th>seconds</th></tr>");
        foreach (StageTiming timing in run.Timings)
        {
            html.Append(Invariant, $"<tr><td>{timing.Stage}</td><td class=\"n\">{timing.Elapsed.TotalSeconds:0.00}</td></tr>");
        }

        html.Append(Invariant, $"<tr><th>total</th><th class=\"n\">{run.Elapsed.TotalSeconds:0.00}</th></tr></table>\n");
        html.Append("</body></html>\n");
        return html.ToString();
    }

    private static void AppendProgramsHtml(StringBuilder html, LabelingRun run)
    {
        if (run.Functions.Count > 0)
        {
            html.Append(Invariant, $"<h2>Hand-written functions ({run.Functions.Count(f => f.Kept)} kept of {run.Functions.Count})</h2>");
            html.Append("<table><tr><th>function</th><th>kept</th><th>polarity</th><th>coverage</th><th>overlaps</th><th>conflicts</th><th>dev coverage</th><th>dev accuracy</th><th>faults</th><th>label model accuracy</th><th>note</th></tr>");
            foreach (FunctionOutcome f in run.Functions)
            {
                html.Append(Invariant, $"<tr><td><code>{E(f.Name)}</code></td><td>{(f.Kept ? "yes" : "no")}</td><td>{E(Polarity(run, f))}</td><td class=\"n\">{Number(f.Analysis?.Coverage ?? f.GateMetrics?.SampleCoverage)}</td><td class=\"n\">{Number(f.Analysis?.Overlaps)}</td><td class=\"n\">{Number(f.Analysis?.Conflicts)}</td><td class=\"n\">{Number(f.DevCoverage ?? f.GateMetrics?.DevCoverage)}</td><td class=\"n\">{Number(f.DevAccuracy ?? f.GateMetrics?.DevAccuracy)}</td><td class=\"n\">{f.Faults?.Total ?? f.GateMetrics?.SampleFaults ?? 0}</td><td class=\"n\">{Number(f.LabelModelAccuracy)}</td><td>{E(f.DropMessage ?? "hand-written")}</td></tr>");
            }

            html.Append("</table>");
        }

        html.Append(Invariant, $"<h2>Programs kept ({run.KeptCount})</h2>");
        if (run.KeptCount > 0)
        {
            // What a program does is the longest cell: it gets a row of its own under the program's figures, so the
            // table fits the page instead of scrolling its most telling column out of sight.
            html.Append("<table><tr><th>program</th><th>from</th><th>polarity</th><th>coverage</th><th>overlaps</th><th>conflicts</th><th>dev coverage</th><th>dev accuracy</th><th>faults</th><th>budget overruns</th><th>label model accuracy</th></tr>");
            foreach (ProgramOutcome p in run.Programs.Where(p => p.Kept))
            {
                html.Append(Invariant, $"<tr><td><code>{E(p.Program.Name)}</code></td><td>{E(p.Program.Provenance.Synthesizer)}</td><td>{E(Polarity(run, p))}</td><td class=\"n\">{Number(p.Analysis?.Coverage)}</td><td class=\"n\">{Number(p.Analysis?.Overlaps)}</td><td class=\"n\">{Number(p.Analysis?.Conflicts)}</td><td class=\"n\">{Number(p.DevCoverage)}</td><td class=\"n\">{Number(p.DevAccuracy)}</td><td class=\"n\">{p.Faults?.Total ?? 0}</td><td class=\"n\">{p.BudgetOverruns}</td><td class=\"n\">{Number(p.LabelModelAccuracy)}</td></tr>");
                html.Append(Invariant, $"<tr class=\"what\"><td colspan=\"11\">{E(Describe(p.Program))}</td></tr>");
            }

            html.Append("</table>");
        }

        html.Append(Invariant, $"<h2>Programs dropped ({run.DroppedCount})</h2>");
        if (run.DroppedCount > 0)
        {
            html.Append("<table><tr><th>program</th><th>from</th><th>reason</th><th>why</th></tr>");
            foreach (ProgramOutcome p in run.Programs.Where(p => !p.Kept))
            {
                html.Append(Invariant, $"<tr><td><code>{E(p.Program.Name)}</code></td><td>{E(p.Program.Provenance.Synthesizer)}</td><td>{p.DropReason}</td><td class=\"text\">{E(p.DropMessage ?? string.Empty)}</td></tr>");
            }

            html.Append("</table>");
        }

        AppendFailedAttemptsHtml(html, run);
        html.Append("<h2>Program sources</h2>");
        foreach (ProgramOutcome p in run.Programs)
        {
            html.Append(Invariant, $"<details><summary><code>{E(p.Program.Name)}</code> ({(p.Kept ? "kept" : "dropped")}, {E(p.Program.ContentHash[..12])})</summary><pre>{E(p.Program.Source)}</pre></details>");
        }
    }

    private static void AppendFailedAttemptsHtml(StringBuilder html, LabelingRun run)
    {
        if (run.SynthesisAttempts.Count == 0)
        {
            return;
        }

        SynthesisAttempt[] failed = [.. run.SynthesisAttempts.Where(GaveNoProgram)];
        html.Append(Invariant, $"<h2>Synthesis attempts that gave no program ({failed.Length} of {run.SynthesisAttempts.Count} calls)</h2>");
        if (failed.Length == 0)
        {
            html.Append("<p>Every synthesis call gave a program; the gate's decisions are above.</p>");
            return;
        }

        html.Append("<p>").Append(E(FailedAttemptsIntro)).Append("</p><table><tr><th>program</th><th>attempt</th><th>outcome</th><th>why</th></tr>");
        foreach (SynthesisAttempt a in failed)
        {
            string program = a.ProgramName is { } name ? $"<code>{E(name)}</code>" : E(a.Slot is int slot ? string.Create(Invariant, $"slot {slot}") : "(shared call)");
            html.Append(Invariant, $"<tr><td>{program}</td><td>{AttemptNumber(a)}</td><td>{OutcomeText(a.Outcome)}</td><td class=\"text\">{E(a.Message)}");
            if (a.Problems.Count > 0)
            {
                html.Append("<ul>");
                foreach (string problem in ShownProblems(a))
                {
                    html.Append("<li>").Append(E(problem)).Append("</li>");
                }

                html.Append("</ul>");
            }

            html.Append("</td></tr>");
        }

        html.Append("</table>");
    }

    private static void AppendLabelModelHtml(StringBuilder html, LabelingRun run)
    {
        html.Append("<h2>Label model</h2>");
        if (run.LabelModel is not { } report)
        {
            html.Append("<p>No label model was fitted: no program or function was kept.</p>");
            return;
        }

        html.Append(Invariant, $"<p>{E(report.ModelName)}{(report.Selected is null ? string.Empty : $", which selected <b>{E(report.Selected)}</b>")}; class balance {E(string.Join(", ", report.ClassBalance.Select(b => b.ToString("0.000", Invariant))))}.</p>");
        if (report.SelectionReason is { } reason)
        {
            html.Append(Invariant, $"<p>{E(reason)}</p>");
        }

        if (report.CandidateScores is { Count: > 0 } candidates)
        {
            html.Append("<table><tr><th>candidate</th><th>dev score</th></tr>");
            foreach ((string name, double score) in candidates)
            {
                html.Append(Invariant, $"<tr><td>{E(name)}</td><td class=\"n\">{score:0.0000}</td></tr>");
            }

            html.Append("</table>");
        }
    }

    private static void AppendProgramChart(StringBuilder html, LabelingRun run)
    {
        ProgramOutcome[] kept = [.. run.Programs.Where(p => p.Kept)];
        if (kept.Length == 0)
        {
            return;
        }

        const int rowHeight = 22, labelWidth = 170, barWidth = 260;
        int height = (kept.Length * rowHeight) + 30;
        html.Append("<div class=\"chart\"><h3>Programs: coverage and dev accuracy</h3>");
        html.Append(Invariant, $"<svg width=\"{labelWidth + barWidth + 60}\" height=\"{height}\" viewBox=\"0 0 {labelWidth + barWidth + 60} {height}\" role=\"img\" aria-label=\"Coverage and dev accuracy of each kept program\">");
        for (int i = 0; i < kept.Length; i++)
        {
            int y = i * rowHeight;
            double coverage = kept[i].Analysis?.Coverage ?? 0;
            double accuracy = kept[i].DevAccuracy ?? 0;
            html.Append(Invariant, $"<text x=\"{labelWidth - 6}\" y=\"{y + 14}\" text-anchor=\"end\" font-size=\"11\">{E(Shorten(kept[i].Program.Name, 26))}</text>");
            html.Append(Invariant, $"<rect x=\"{labelWidth}\" y=\"{y + 2}\" width=\"{coverage * barWidth:0.0}\" height=\"8\" fill=\"#0969da\"><title>coverage {coverage:0.000}</title></rect>");
            html.Append(Invariant, $"<rect x=\"{labelWidth}\" y=\"{y + 11}\" width=\"{accuracy * barWidth:0.0}\" height=\"8\" fill=\"#1a7f37\"><title>dev accuracy {(kept[i].DevAccuracy is double a ? a.ToString("0.000", Invariant) : "-")}</title></rect>");
        }

        int axis = kept.Length * rowHeight;
        html.Append(Invariant, $"<line x1=\"{labelWidth}\" y1=\"{axis + 2}\" x2=\"{labelWidth + barWidth}\" y2=\"{axis + 2}\" stroke=\"#57606a\"/><text x=\"{labelWidth}\" y=\"{axis + 16}\" font-size=\"10\">0</text><text x=\"{labelWidth + barWidth}\" y=\"{axis + 16}\" font-size=\"10\" text-anchor=\"end\">1</text>");
        html.Append("</svg><div class=\"legend\"><span style=\"background:#0969da\"></span>coverage (all items)<span style=\"background:#1a7f37\"></span>accuracy on the seed (dev) labels</div></div>");
    }

    private static void AppendCostChart(StringBuilder html, LabelingRun run)
    {
        if (run.DirectLabeling?.CostUsd is not decimal direct)
        {
            return;
        }

        decimal synthesis = run.SynthesisCost.CostUsd;
        AppendBars(html, "Cost in US dollars", ["synthesis (actual)", "direct labeling (estimate)"], [(double)synthesis, (double)direct], "#bf3989", v => "$" + v.ToString(v < 0.01 ? "0.0000" : "0.00", Invariant));
    }

    private static void AppendBars(StringBuilder html, string title, string[] labels, double[] values, string color, Func<double, string> format)
    {
        const int rowHeight = 22, labelWidth = 150, barWidth = 240;
        double max = values.Length == 0 ? 0 : values.Max();
        html.Append("<div class=\"chart\"><h3>").Append(E(title)).Append("</h3>");
        html.Append(Invariant, $"<svg width=\"{labelWidth + barWidth + 80}\" height=\"{(labels.Length * rowHeight) + 6}\" viewBox=\"0 0 {labelWidth + barWidth + 80} {(labels.Length * rowHeight) + 6}\" role=\"img\" aria-label=\"{E(title)}\">");
        for (int i = 0; i < labels.Length; i++)
        {
            int y = i * rowHeight;
            double width = max > 0 ? values[i] / max * barWidth : 0;
            html.Append(Invariant, $"<text x=\"{labelWidth - 6}\" y=\"{y + 15}\" text-anchor=\"end\" font-size=\"11\">{E(Shorten(labels[i], 24))}</text>");
            html.Append(Invariant, $"<rect x=\"{labelWidth}\" y=\"{y + 4}\" width=\"{width:0.0}\" height=\"14\" fill=\"{color}\"/>");
            html.Append(Invariant, $"<text x=\"{labelWidth + width + 4:0.0}\" y=\"{y + 15}\" font-size=\"11\">{E(format(values[i]))}</text>");
        }

        html.Append("</svg></div>");
    }

    /// <summary>Appends a table whose first column is text and the others numbers.</summary>
    private static void AppendTable(StringBuilder html, IReadOnlyList<string> header, IEnumerable<string[]> rows)
    {
        html.Append("<table><tr>");
        foreach (string cell in header)
        {
            html.Append("<th>").Append(E(cell)).Append("</th>");
        }

        html.Append("</tr>");
        foreach (string[] row in rows)
        {
            html.Append("<tr>");
            for (int i = 0; i < row.Length; i++)
            {
                html.Append(i == 0 ? "<td>" : "<td class=\"n\">").Append(E(row[i])).Append("</td>");
            }

            html.Append("</tr>");
        }

        html.Append("</table>\n");
    }

    private static string Shorten(string text, int length) => text.Length <= length ? text : string.Concat(text.AsSpan(0, length - 1), "…");

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
