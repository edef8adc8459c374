using Alchemist.Docs.Examples;
using Alchemist.Testing;
using Alchemist.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace Alchemist.Tests.Docs;

/// <summary>The worked examples of docs/getting-started.md and docs/extending.md, run.</summary>
public class DocsExamplesTests
{
    private static readonly string[] Comments = [.. TestData.Load("youtube").Train.Texts.Take(400).Select(t => t!)];

    private static readonly LabeledExample<string>[] Seed =
        [.. TestData.Load("youtube").Valid!.Texts.Select((t, i) => new LabeledExample<string>(t!, TestData.Load("youtube").Valid!.GoldLabels[i]))];

    [Fact]
    public async Task GettingStarted_RunsWithAChatClient()
    {
        var client = new ScriptedChatClient();
        string[] rules = ["subscribe", "check out", "my channel", "http", "love", "song", "views", "free", "click", "best"];
        for (int i = 0; i < 40; i++)
        {
            string word = rules[i % rules.Length];
            int label = word is "love" or "song" or "best" ? 0 : 1;
            client.Reply($"```csharp\npublic static class P{i} {{ public static int Label(string item) => item.Contains(\"{word}\", System.StringComparison.OrdinalIgnoreCase) ? {label} : -1; }}\n```", 400, 60);
        }

        (LabelingRun<string> run, string html) = await GettingStartedExample.RunAsync(client, Comments, Seed);

        Assert.Equal(Comments.Length, run.Labels.Count);
        Assert.Equal(client.Requests.Count, run.SynthesisCost.Calls);
        Assert.Contains(run.Programs, p => p.Program.Provenance.Synthesizer == "chat" && p.Kept);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void NewLabelModel_IsConsideredByAuto_AndLabelsOnItsOwn()
    {
        WrenchDataset youtube = TestData.Load("youtube");
        LabelModelCatalog catalog = LabelModelCatalog.CreateDefault().Register("agreement", () => new AgreementLabelModel(), candidateForAuto: true);

        LabelModelFitReport report = catalog.Create("auto").Fit(youtube.Train.WeakLabels, new LabelModelFitOptions { DevMatrix = youtube.Valid!.WeakLabels, DevLabels = [.. youtube.Valid.GoldLabels] });
        Assert.Contains("agreement", report.CandidateScores!.Keys);

        LabelModel agreement = catalog.Create("agreement");
        agreement.Fit(youtube.Train.WeakLabels);
        int[] predicted = agreement.Predict(youtube.Test!.WeakLabels);
        double accuracy = predicted.Zip(youtube.Test!.GoldLabels).Count(p => p.First == p.Second) / (double)predicted.Length;
        Assert.True(accuracy > 0.75, $"agreement labels YouTube's test split at {accuracy:0.000}");
    }

    [Fact]
    public async Task Extensions_ReachTheRun_ThroughDependencyInjection()
    {
        var services = new ServiceCollection();
        ExtendingExamples.Register(services).ConfigurePipeline(o => o.FeedbackRounds = 0);
        await using ServiceProvider provider = services.BuildServiceProvider();

        LabelingRun<string> run = await ExtendingExamples.RunWithFunctionsAsync(provider.GetRequiredService<LabelingPipeline>(), Comments, Seed);

        Assert.Equal(["subscribe", "link", "short-praise"], run.Functions.Select(f => f.Name));
        Assert.Subset(run.Matrix.FunctionNames.ToHashSet(), new HashSet<string> { "subscribe", "link", "short-praise" });
        ProgramOutcome template = Assert.Single(run.Programs, p => p.Program.Provenance.Synthesizer == "keyword-templates");
        Assert.True(template.Kept, template.DropMessage);
        Assert.Contains(template.Program.Name, run.Matrix.FunctionNames);
        Assert.Contains("agreement", run.LabelModel!.CandidateScores!.Keys);
        Assert.Equal("naive-bayes", run.EndModel.ModelName);
        Assert.Equal(Comments.Length, run.Labels.Count);
        double agreementWithGold = run.Labels.Zip(TestData.Load("youtube").Train.GoldLabels).Count(p => p.First == p.Second) / (double)run.Labels.Count;
        Assert.True(agreementWithGold > 0.7, $"the run's labels agree with the gold ones on {agreementWithGold:0.000} of the items");
    }
}
