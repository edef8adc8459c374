using System.Security.Cryptography;

namespace Alchemist.Tests.Pipeline;

public class ShippedEndModelTests
{
    private static readonly EndModelTrainingSet<string> Set = EndModelTrainingSet.FromLabels<string>(["free money now", "meeting at noon"], [1, 0], 2);

    [Fact]
    public async Task TryShip_DefaultEndModelOverText_ShipsItsSavedBytesNamedByTheirSha256()
    {
        LogisticRegressionEndModel<string> endModel = LogisticRegressionEndModel.ForText();
        ITrainedEndModel<string> trained = await endModel.TrainAsync(Set);
        using var saved = new MemoryStream();
        await endModel.SaveAsync(trained, saved);

        ShippedEndModel shipped = Assert.IsType<ShippedEndModel>(ShippedEndModel.TryShip(trained));

        Assert.Equal(saved.ToArray(), shipped.Bytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(saved.ToArray())), shipped.Hash);
        Assert.Equal(2, shipped.ClassCount);
    }

    [Fact]
    public async Task TryShip_ModelsAnotherProcessCannotRebuild_AreNotShipped()
    {
        // A text selector of the host's cannot travel; nor can a model that is not the built-in logistic regression.
        ITrainedEndModel<string> ownSelector = await new LogisticRegressionEndModel<string>(text => text).TrainAsync(Set);
        ITrainedEndModel<string> ownModel = new ConstantModel();

        Assert.Null(ShippedEndModel.TryShip(ownSelector));
        Assert.Null(ShippedEndModel.TryShip(ownModel));
    }

    private sealed class ConstantModel : ITrainedEndModel<string>
    {
        public int ClassCount => 2;

        public EndModelTrainingReport TrainingReport { get; } = new() { ModelName = "constant", ItemCount = 0, FeatureCount = 0 };

        public ValueTask<ClassProbabilities> PredictProbabilitiesAsync(IReadOnlyList<string> items, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(new ClassProbabilities(items.Count, 2, [.. items.SelectMany(_ => new[] { 0.5, 0.5 })]));
    }
}
