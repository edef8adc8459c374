namespace Alchemist.Tests.Distillation;

public class EndModelTrainingSetSampleTests
{
    [Fact]
    public void Sample_NoLargerThanTheSet_ReturnsTheSetItself()
    {
        EndModelTrainingSet<string> set = Set(10);

        Assert.Same(set, set.Sample(10, seed: 1));
        Assert.Same(set, set.Sample(11, seed: 1));
    }

    [Fact]
    public void Sample_SmallerThanTheSet_KeepsThatManyDistinctItemsInOrderWithTheirTargetsAndScaledWeights()
    {
        EndModelTrainingSet<string> set = Set(1_000);

        EndModelTrainingSet<string> sample = set.Sample(100, seed: 7);

        Assert.Equal(100, sample.Count);
        Assert.Equal(2, sample.ClassCount);
        int[] picked = [.. sample.Items.Select(item => int.Parse(item, System.Globalization.CultureInfo.InvariantCulture))];
        Assert.Equal(picked.Order(), picked);
        Assert.Equal(100, picked.Distinct().Count());
        for (int s = 0; s < sample.Count; s++)
        {
            int i = picked[s];
            Assert.Equal(set.GetTarget(i).ToArray(), sample.GetTarget(s).ToArray());
            Assert.Equal(set.Weights[i] * 10, sample.Weights[s], precision: 12);
        }

        // Scaled by Count / count, the sample's total weight estimates the whole set's.
        Assert.InRange(sample.TotalWeight / set.TotalWeight, 0.8, 1.2);
    }

    [Fact]
    public void Sample_SameSeed_SameItems_OtherSeed_OtherItems()
    {
        EndModelTrainingSet<string> set = Set(1_000);

        Assert.Equal(set.Sample(50, seed: 3).Items, set.Sample(50, seed: 3).Items);
        Assert.NotEqual(set.Sample(50, seed: 3).Items, set.Sample(50, seed: 4).Items);
    }

    [Fact]
    public void Sample_ClassBalance_IsKept()
    {
        EndModelTrainingSet<string> set = Set(100).WithClassBalance([0.25, 0.75]);

        Assert.Equal([0.25, 0.75], set.Sample(10, seed: 0).ClassBalance);
    }

    private static EndModelTrainingSet<string> Set(int count)
    {
        string[] items = [.. Enumerable.Range(0, count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        double[] p = [.. Enumerable.Range(0, count).SelectMany(i => new[] { (i % 7) / 10.0, 1 - ((i % 7) / 10.0) })];
        double[] weights = [.. Enumerable.Range(0, count).Select(i => 0.1 + ((i % 5) / 10.0))];
        return EndModelTrainingSet.FromSoftLabels(items, new ClassProbabilities(count, 2, p), weights);
    }
}
