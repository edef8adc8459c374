namespace Alchemist.Orleans.Tests;

public sealed class ShardModelCacheTests
{
    [Fact]
    public async Task GetAsync_SameModelForManyShards_LoadsItOncePerSiloAndPredictsAsTheTrainedModel()
    {
        (ITrainedEndModel<string> trained, (byte[] Bytes, string Hash) shipped) = await ShippedAsync("free money now", "meeting at noon");
        var cache = new ShardModelCache();

        ITrainedEndModel<string>? unknown = await cache.GetAsync(shipped.Hash, null);
        ITrainedEndModel<string>? loaded = await cache.GetAsync(shipped.Hash, shipped.Bytes);
        ITrainedEndModel<string>? again = await cache.GetAsync(shipped.Hash, null);

        Assert.Null(unknown);
        Assert.NotNull(loaded);
        Assert.Same(loaded, again);
        Assert.Equal(1, cache.Loads);
        string[] items = ["free money", "see you at the meeting", "now"];
        Assert.Equal((await trained.PredictProbabilitiesAsync(items)).AsSpan().ToArray(), (await loaded.PredictProbabilitiesAsync(items)).AsSpan().ToArray());
    }

    [Fact]
    public async Task GetAsync_BytesThatDoNotMatchTheirHash_AreRefused()
    {
        (_, (byte[] Bytes, string Hash) shipped) = await ShippedAsync("free money now", "meeting at noon");
        byte[] changed = [.. shipped.Bytes];
        changed[^40] ^= 1;

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => { _ = new ShardModelCache().GetAsync(shipped.Hash, changed); });

        Assert.StartsWith("The end model's bytes do not match their hash", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_MoreModelsThanItKeeps_DropsTheLeastRecentlyUsed()
    {
        var cache = new ShardModelCache();
        var shipped = new List<(byte[] Bytes, string Hash)>();
        for (int m = 0; m <= ShardModelCache.Capacity; m++)
        {
            shipped.Add((await ShippedAsync($"spam word{m}", $"ham word{m}")).Shipped);
            Assert.NotNull(await cache.GetAsync(shipped[m].Hash, shipped[m].Bytes));
        }

        Assert.Null(await cache.GetAsync(shipped[0].Hash, null));
        Assert.NotNull(await cache.GetAsync(shipped[^1].Hash, null));
    }

    /// <summary>A model trained on two texts, saved as the coordinator ships it: its bytes and their SHA-256.</summary>
    private static async Task<(ITrainedEndModel<string> Trained, (byte[] Bytes, string Hash) Shipped)> ShippedAsync(string spam, string ham)
    {
        EndModelTrainingSet<string> set = EndModelTrainingSet.FromLabels<string>([spam, ham], [1, 0], 2);
        LogisticRegressionEndModel<string> endModel = LogisticRegressionEndModel.ForText();
        ITrainedEndModel<string> trained = await endModel.TrainAsync(set);
        using var saved = new MemoryStream();
        await endModel.SaveAsync(trained, saved);
        byte[] bytes = saved.ToArray();
        return (trained, (bytes, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))));
    }
}
