namespace Alchemist.Tests.Pipeline;

public class RunReportTests
{
    private static readonly Lazy<Task<LabelingRun<string>>> Run = new(() =>
        new LabelingPipeline(
            [new PipelineTestData.FixedSynthesizer(
                ("links", "public static class L { public static int Label(string s) => s.Contains(\"http\") ? 1 : -1; }"),
                ("song", "public static class S { public static int Label(string s) => s.Contains(\"song\") ? 0 : -1; }"),
                ("evil", "public static class E { public static int Label(string s) => System.Environment.ProcessorCount > 0 ? 1 : -1; } // <script>alert(1)</script>"))],
            new LabelingPipelineOptions { LabelModel = "majority" },
            ledger: new CostLedger([new("gpt-4o-mini", new ModelPrice(0.15m, 0.60m))]))
        .RunAsync(PipelineTestData.YouTubeJob()));

    [Fact]
    public async Task ToMarkdown_HasEverySection()
    {
        string md = RunReport.ToMarkdown(await Run.Value);
        Assert.StartsWith("# Alchemist run: youtube", md, StringComparison.Ordinal);
        foreach (string section in new[] { "## Results on the test split", "## Cost", "## Programs kept (2)", "## Programs dropped (1)", "## Label model", "## Labels", "## Timings" })
        {
            Assert.Contains(section, md, StringComparison.Ordinal);
        }

        Assert.Contains("| `evil` | fixed | SandboxRejected |", md, StringComparison.Ordinal);
        Assert.Contains("seed-only baseline", md, StringComparison.Ordinal);
        Assert.Contains((await Run.Value).Test!.VerdictSentence()!, md, StringComparison.Ordinal);
        Assert.Contains("- **Seed-model voter**: the end model trained on the seed labels voted", md, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ToHtml_IsSelfContainedAndEscaped()
    {
        string html = RunReport.ToHtml(await Run.Value);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Contains("Programs: coverage and dev accuracy", html, StringComparison.Ordinal);
        Assert.Contains("Label distribution", html, StringComparison.Ordinal);
        Assert.Contains("Confidence of the final labels", html, StringComparison.Ordinal);
        Assert.Contains("Cost in US dollars", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ToHtml_ProgramsKept_EachDescriptionHasARowOfItsOwnAcrossTheFigures()
    {
        LabelingRun<string> run = await Run.Value;
        string html = RunReport.ToHtml(run);

        // What a program does spans the table under its figures, so the table fits the page instead of scrolling it away.
        int start = html.IndexOf("<h2>Programs kept", StringComparison.Ordinal);
        string table = html[start..html.IndexOf("</table>", start, StringComparison.Ordinal)];
        int columns = table[..table.IndexOf("</tr>", StringComparison.Ordinal)].Split("<th>").Length - 1;
        Assert.Equal(11, columns);
        foreach (ProgramOutcome kept in run.Programs.Where(p => p.Kept))
        {
            int figures = table.IndexOf($"<tr><td><code>{kept.Program.Name}</code></td>", StringComparison.Ordinal);
            Assert.True(figures >= 0, kept.Program.Name);
            string next = table[table.IndexOf("</tr>", figures, StringComparison.Ordinal)..];
            Assert.StartsWith($"</tr><tr class=\"what\"><td colspan=\"{columns}\">", next, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(0.90, 0.80, "Weak supervision beat the seed-only baseline on the test split: accuracy 0.900 against 0.800 (+0.100).")]
    [InlineData(0.80, 0.80, "Weak supervision tied the seed-only baseline on the test split: accuracy 0.800 for both.")]
    [InlineData(0.70, 0.80, "Weak supervision did not beat the seed-only baseline on the test split: accuracy 0.700 against 0.800 (-0.100).")]
    public void VerdictSentence_ComparesByAccuracy(double end, double seedOnly, string expected)
    {
        var scores = new RunScores("test", null, new ClassificationScores(10, end, null, end), new ClassificationScores(10, seedOnly, null, seedOnly));
        Assert.StartsWith(expected, scores.VerdictSentence(), StringComparison.Ordinal);
    }

    [Fact]
    public void GainOverSeedOnly_F1Metric_UsesF1OfClass1WhenThereIsOne()
    {
        var binary = new RunScores("test", null, new ClassificationScores(10, 0.9, 0.5, 0.7), new ClassificationScores(10, 0.8, 0.6, 0.7)) { Metric = LabelModelMetric.F1 };
        Assert.Equal(-0.1, binary.GainOverSeedOnly!.Value, 12);
        Assert.Equal("F1 of class 1", binary.MetricName);

        var multiClass = new RunScores("test", null, new ClassificationScores(10, 0.9, null, 0.7), new ClassificationScores(10, 0.8, null, 0.7)) { Metric = LabelModelMetric.F1 };
        Assert.Equal(0.1, multiClass.GainOverSeedOnly!.Value, 12);
        Assert.Equal("accuracy", multiClass.MetricName);

        Assert.Null(new RunScores("test", null, new ClassificationScores(10, 0.9, null, 0.7), null).GainOverSeedOnly);
        Assert.Null(new RunScores("test", null, new ClassificationScores(10, 0.9, null, 0.7), null).VerdictSentence());
    }

    [Fact]
    public async Task Reports_ShowTheEndModelPerClass_ItsConfusionMatrix_TheCostTable_AndTheVersion()
    {
        LabelingRun<string> run = await Run.Value;
        ConfusionMatrix confusion = run.Test!.EndModel.Confusion!;
        int[] predicted = await run.TrainedEndModel.PredictAsync([.. PipelineTestData.YouTubeJob().TestSet!.Select(e => e.Item)]);
        int[] gold = [.. PipelineTestData.YouTubeJob().TestSet!.Select(e => e.Label)];
        Assert.Equal(gold.Count(g => g == 1) - gold.Where((g, i) => g == 1 && predicted[i] == 0).Count(), confusion[1, 1]);
        Assert.Equal(run.Test.EndModel.Accuracy, (confusion[0, 0] + confusion[1, 1]) / (double)gold.Length, 12);

        string md = RunReport.ToMarkdown(run);
        Assert.Contains("### The end model per class", md, StringComparison.Ordinal);
        Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"| SPAM | {confusion.Precision(1):0.0000} | {confusion.Recall(1):0.0000} | {confusion.F1(1):0.0000} | {confusion.Support(1):N0} |"), md, StringComparison.Ordinal);
        Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"| HAM | {confusion[0, 0]:N0} | {confusion[0, 1]:N0} |"), md, StringComparison.Ordinal);
        Assert.Contains("| | calls | failed | retries | input tokens | output tokens | US dollars |", md, StringComparison.Ordinal);
        Assert.Contains("- **Made by**: Alchemist.Core 0.1.0", md, StringComparison.Ordinal);
        LabelingFunctionSummary links = run.Programs.Single(p => p.Program.Name == "links").Analysis!;
        Assert.Contains("| program | from | polarity | coverage | overlaps | conflicts |", md, StringComparison.Ordinal);
        Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"| {links.Coverage:0.0000} | {links.Overlaps:0.0000} | {links.Conflicts:0.0000} |"), md, StringComparison.Ordinal);
        Assert.Contains("run started " + run.StartedAt!.Value.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), md, StringComparison.Ordinal);

        string html = RunReport.ToHtml(run);
        Assert.Contains("<h3>Confusion matrix (rows: gold class, columns: predicted)</h3>", html, StringComparison.Ordinal);
        Assert.Contains("<th>retries</th>", html, StringComparison.Ordinal);
        Assert.All(System.Text.RegularExpressions.Regex.Matches(html, "<svg [^>]*>").Select(m => m.Value), svg => Assert.Contains("viewBox=", svg, StringComparison.Ordinal));
        Assert.Contains("@media (max-width:600px)", html, StringComparison.Ordinal);
    }

    [Fact]
    public void ToMarkdown_Null_Throws() => Assert.Throws<ArgumentNullException>("run", () => RunReport.ToMarkdown(null!));
}
