using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Alchemist.Docs.Examples;

/// <summary>The example of docs/getting-started.md.</summary>
public static class GettingStartedExample
{
    /// <summary>Labels comments with programs a chat model writes, through dependency injection.</summary>
    /// <param name="myChatClient">Any chat client (OpenAI, Azure, Ollama, ...).</param>
    /// <param name="comments">The unlabeled items.</param>
    /// <param name="seed">A few labeled items.</param>
    /// <returns>The run and the HTML report.</returns>
    public static async Task<(LabelingRun<string> Run, string Html)> RunAsync(IChatClient myChatClient, IReadOnlyList<string> comments, IReadOnlyList<LabeledExample<string>> seed)
    {
        // <snippet:getting-started>
        var services = new ServiceCollection();
        services.AddAlchemist(options => options.Seed = 42)      // one seed: the same programs, labels and model each run
                .UseChatClient(_ => myChatClient)                // the model that writes the programs
                .ConfigurePipeline(o => o.ProgramsPerSynthesizer = 8);
        await using ServiceProvider provider = services.BuildServiceProvider();
        LabelingPipeline pipeline = provider.GetRequiredService<LabelingPipeline>(); // a singleton: share it

        var task = new LabelingTask("youtube-spam", "Is a YouTube comment spam?", ["ham", "spam"]);
        var job = new LabelingJob<string>(task, comments) { SeedSet = seed };
        LabelingRun<string> run = await pipeline.RunAsync(job);

        Console.WriteLine($"{run.KeptCount} programs kept, {run.SynthesisCost.Calls} model calls, ${run.SynthesisCost.CostUsd:0.0000}");
        IReadOnlyList<int> labels = run.Labels;                 // one class per item (or -1)
        ClassProbabilities probabilities = run.Probabilities;   // the end model's, per item and class
        ClassProbabilities fresh = await run.TrainedEndModel.PredictProbabilitiesAsync(["Subscribe to my channel!"]);
        string html = RunReport.ToHtml(run);                    // programs, votes, cost, figures
        // </snippet>
        GC.KeepAlive((labels, probabilities, fresh));
        return (run, html);
    }
}
