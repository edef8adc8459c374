using Alchemist.Tests.Shared;

namespace Alchemist.Tests.Pipeline;

/// <summary>The YouTube dataset as a labeling job: train texts to label, the dev split as seed labels, the test split to score on.</summary>
internal static class PipelineTestData
{
    public static LabelingJob<string> YouTubeJob(IReadOnlyList<LabelingProgram>? programs = null)
    {
        WrenchDataset youtube = TestData.Load("youtube");
        return new LabelingJob<string>(youtube.Task, [.. youtube.Train.Texts.Select(t => t!)])
        {
            ItemIds = youtube.Train.Ids,
            DatasetName = "youtube",
            SeedSet = Examples(youtube.Valid!),
            TestSet = Examples(youtube.Test!),
            Programs = programs,
        };
    }

    public static LabeledExample<string>[] Examples(WrenchSplit split) =>
        [.. split.Texts.Select((t, i) => new LabeledExample<string>(t!, split.GoldLabels[i]))];

    /// <summary>A synthesizer that must not be called: reusing a program library makes no synthesizer call.</summary>
    public sealed class ForbiddenSynthesizer : IProgramSynthesizer
    {
        public string Name => "forbidden";

        public IAsyncEnumerable<LabelingProgram> SynthesizeAsync<TItem>(SynthesisRequest<TItem> request, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("The pipeline called a synthesizer although the job brought its programs.");
    }

    /// <summary>A synthesizer that emits fixed programs, as written.</summary>
    public sealed class FixedSynthesizer(params (string Name, string Source)[] programs) : IProgramSynthesizer
    {
        public string Name => "fixed";

        public async IAsyncEnumerable<LabelingProgram> SynthesizeAsync<TItem>(SynthesisRequest<TItem> request, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach ((string name, string source) in programs)
            {
                await Task.Yield();
                yield return new LabelingProgram(name, source, new ProgramProvenance { Synthesizer = Name, Description = "fixed test program " + name });
            }
        }
    }
}
