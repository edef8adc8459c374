namespace Alchemist.Orleans.Tests;

/// <summary>Streamed runs whose end model predicts the items on the silos (<see cref="OrleansLabelingOptions.PredictOnSilos"/>, the default): the labels of the plain run.</summary>
public sealed class PredictOnSilosTests(ThreeSiloCluster silos) : IClassFixture<ThreeSiloCluster>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunAsync_StreamedJobPredictingOnThreeSilos_GivesTheLabelsOfThePlainRun(bool keepVotesOnSilos)
    {
        var backend = new OrleansLabelingBackend(silos.Cluster.Client, new OrleansLabelingOptions { ShardSize = 128, MaxShardsInFlight = 3, KeepVotesOnSilos = keepVotesOnSilos });

        LabelingRun<string> plain = await YouTubeRuns.PlainAsync();
        (LabelingRun<string> run, CollectingSink sink) = await YouTubeRuns.StreamedAsync(backend);

        // 1,686 items in shards of 128: 14 shards predicted on the silos; the model's bytes went only with the first
        // calls each silo answered without it (at most the shards in flight, per silo). Keeping the votes, the seed-only
        // model is shipped too, and predicts the seed model's column on the silos in pass one.
        Assert.Equal(14, backend.ShardsPredicted);
        Assert.InRange(backend.ModelSends, keepVotesOnSilos ? 2 : 1, (keepVotesOnSilos ? 2 : 1) * 3 * 3);
        Assert.Equal(plain.Labels, sink.Labels);
        Assert.Equal(plain.Probabilities.AsSpan().ToArray(), sink.Probabilities);
        Assert.Equal(plain.LabelModel!.Selected, run.LabelModel!.Selected);
        Assert.Equal((plain.Test!.EndModel.Accuracy, plain.Test.EndModel.F1), (run.Test!.EndModel.Accuracy, run.Test.EndModel.F1));
    }

    [Fact]
    public async Task RunAsync_EndModelThatCannotBeShipped_PredictsAtTheCoordinatorWithTheSameLabels()
    {
        // A logistic regression with a text selector of the host's: another process could not rebuild it, so it predicts here.
        var backend = new OrleansLabelingBackend(silos.Cluster.Client, new OrleansLabelingOptions { ShardSize = 128, MaxShardsInFlight = 3 });
        var ownEndModel = new LogisticRegressionEndModel<string>(text => text);

        LabelingRun<string> plain = await YouTubeRuns.PlainAsync();
        (_, CollectingSink sink) = await YouTubeRuns.StreamedAsync(backend, endModel: ownEndModel);

        Assert.Equal(0, backend.ShardsPredicted);
        Assert.Equal(0, backend.ModelSends);
        Assert.Equal(14, backend.ShardsLabeled);
        Assert.Equal(plain.Labels, sink.Labels);
        Assert.Equal(plain.Probabilities.AsSpan().ToArray(), sink.Probabilities);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunAsync_PredictOnSilosOff_PredictsAtTheCoordinatorWithTheSameLabels(bool keepVotesOnSilos)
    {
        var backend = new OrleansLabelingBackend(silos.Cluster.Client, new OrleansLabelingOptions { ShardSize = 128, MaxShardsInFlight = 3, PredictOnSilos = false, KeepVotesOnSilos = keepVotesOnSilos });

        LabelingRun<string> plain = await YouTubeRuns.PlainAsync();
        (_, CollectingSink sink) = await YouTubeRuns.StreamedAsync(backend);

        Assert.Equal(0, backend.ShardsPredicted);
        Assert.Equal(0, backend.ModelSends);
        Assert.Equal(plain.Labels, sink.Labels);
        Assert.Equal(plain.Probabilities.AsSpan().ToArray(), sink.Probabilities);
    }
}
