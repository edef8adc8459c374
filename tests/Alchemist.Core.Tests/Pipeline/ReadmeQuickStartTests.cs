using Alchemist.Testing;
using Alchemist.Tests.Shared;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Alchemist.Tests.Pipeline;

/// <summary>The README's quick start, compiled and run, so that it stays true.</summary>
public class ReadmeQuickStartTests
{
    [Fact]
    public async Task QuickStart_DependencyInjection_RunsThePipeline()
    {
        using IChatClient myChatClient = new ScriptedChatClient()
            .Reply("```csharp\npublic static class P { public static int Label(string item) => item.Contains(\"check out\", System.StringComparison.OrdinalIgnoreCase) ? 1 : -1; }\n```", 500, 80);
        string[] comments = [.. TestData.Load("youtube").Train.Texts.Take(300).Select(t => t!)];
        LabeledExample<string>[] seed = [.. TestData.Load("youtube").Valid!.Texts.Select((t, i) => new LabeledExample<string>(t!, TestData.Load("youtube").Valid!.GoldLabels[i]))];

        var services = new ServiceCollection();
        services.AddAlchemist(options => options.Seed = 42)
                .UseChatClient(_ => myChatClient)
                .ConfigurePipeline(o => { o.ProgramsPerSynthesizer = 1; o.FeedbackRounds = 0; });
        await using ServiceProvider provider = services.BuildServiceProvider();

        var task = new LabelingTask("youtube-spam", "Is a YouTube comment spam?", ["ham", "spam"]);
        var job = new LabelingJob<string>(task, comments) { SeedSet = seed };

        LabelingRun<string> run = await provider.GetRequiredService<LabelingPipeline>().RunAsync(job);
        ClassProbabilities fresh = await run.TrainedEndModel.PredictProbabilitiesAsync(["Subscribe to my channel!"]);

        Assert.Equal(300, run.Labels.Count);
        Assert.Equal(1, fresh.ItemCount);
        Assert.Contains(run.Programs, p => p.Program.Provenance.Synthesizer == "chat");
        Assert.Equal(1, run.SynthesisCost.Calls);
        Assert.StartsWith("<!DOCTYPE html>", RunReport.ToHtml(run), StringComparison.Ordinal);
    }

    [Fact]
    public void QuickStart_HandWrittenFunctions_Work()
    {
        string[] comments = ["Check out my channel http://x.y", "I love this song", "subscribe plz", "great"];
        ILabelingFunction<string>[] functions =
        [
            LabelingFunction.FromKeywords("subscribe", label: 1, "subscribe", "check out my channel"),
            LabelingFunction.FromRegex("link", @"https?://|www\.", label: 1),
            LabelingFunction.Create<string>("short", text => text.Split(' ').Length < 5 ? 0 : Label.Abstain),
        ];
        Assert.Equal(1, functions[1].Apply("visit www.example.com"));

        LabelingResult applied = new LabelingFunctionApplier().Apply(comments, functions, classCount: 2);
        LabelModel model = LabelModelCatalog.CreateDefault().Create("dawid-skene");
        model.Fit(applied.Matrix);
        int[] labels = model.Predict(applied.Matrix, TieBreak.Random(seed: 0));

        Assert.Equal(4, labels.Length);
        Assert.Equal(1, labels[0]);
    }
}
