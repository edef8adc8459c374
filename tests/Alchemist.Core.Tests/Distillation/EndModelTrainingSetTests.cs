namespace Alchemist.Tests.Distillation;

public class EndModelTrainingSetTests
{
    [Fact]
    public void FromLabels_ValidLabels_BuildsOneHotTargetsWithTheGivenWeight()
    {
        EndModelTrainingSet<string> set = EndModelTrainingSet.FromLabels(["a", "b"], [1, 0], classCount: 3, weight: 2);

        Assert.Equal(2, set.Count);
        Assert.Equal(3, set.ClassCount);
        Assert.Equal([0.0, 1.0, 0.0], set.GetTarget(0).ToArray());
        Assert.Equal([1.0, 0.0, 0.0], set.GetTarget(1).ToArray());
        Assert.Equal([2.0, 2.0], set.Weights);
        Assert.Null(set.ClassBalance);
    }

    [Fact]
    public void FromLabels_LabelOutOfRange_Throws()
    {
        ArgumentException error = Assert.Throws<ArgumentException>("labels", () => EndModelTrainingSet.FromLabels(["a"], [2], classCount: 2));
        Assert.StartsWith("Label 0 is 2; it must be a class index in 0..1.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromLabels_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>("items", () => EndModelTrainingSet.FromLabels<string>(null!, [0], 2));
        Assert.Throws<ArgumentNullException>("labels", () => EndModelTrainingSet.FromLabels(["a"], null!, 2));
        Assert.Throws<ArgumentOutOfRangeException>("weight", () => EndModelTrainingSet.FromLabels(["a"], [0], 2, weight: 0));
    }

    [Fact]
    public void FromLabelModel_UncoveredAndTiedRows_AreLeftOutAndTheRestWeighedByConfidence()
    {
        // Row 0: two votes for class 1; row 1: no vote; row 2: one vote each (a tie); row 3: two votes to one.
        LabelMatrix votes = LabelMatrix.FromRows([[1, 1, -1], [-1, -1, -1], [0, 1, -1], [0, 0, 1]], classCount: 2);
        var model = new MajorityVoteLabelModel();
        model.Fit(votes);
        ClassProbabilities soft = model.PredictProbabilities(votes);

        EndModelTrainingSet<string> set = EndModelTrainingSet.FromLabelModel(["r0", "r1", "r2", "r3"], votes, soft);

        Assert.Equal(["r0", "r3"], set.Items);
        Assert.Equal(1.0, set.Weights[0], precision: 12);
        Assert.Equal(((2.0 / 3) - 0.5) / 0.5, set.Weights[1], precision: 12);
        Assert.Equal([2.0 / 3, 1.0 / 3], set.GetTarget(1).ToArray());
    }

    [Fact]
    public void FromLabelModel_UniformWeighting_KeepsEveryCoveredRowWithWeightOne()
    {
        LabelMatrix votes = LabelMatrix.FromRows([[0, 1], [-1, -1], [1, 1]], classCount: 2);
        var model = new MajorityVoteLabelModel();
        model.Fit(votes);

        EndModelTrainingSet<string> set = EndModelTrainingSet.FromLabelModel(["a", "b", "c"], votes, model.PredictProbabilities(votes), SoftLabelWeighting.Uniform);

        Assert.Equal(["a", "c"], set.Items);
        Assert.Equal([1.0, 1.0], set.Weights);
    }

    [Fact]
    public void FromLabelModel_CountsDiffer_Throws()
    {
        LabelMatrix votes = LabelMatrix.FromRows([[0], [1]], classCount: 2);
        var model = new MajorityVoteLabelModel();
        model.Fit(votes);

        Assert.Throws<ArgumentException>("items", () => EndModelTrainingSet.FromLabelModel(["a"], votes, model.PredictProbabilities(votes)));
    }

    [Fact]
    public void FromSoftLabels_NegativeWeight_Throws()
    {
        var targets = new ClassProbabilities(1, 2, [0.5, 0.5]);

        Assert.Throws<ArgumentException>("weights", () => EndModelTrainingSet.FromSoftLabels(["a"], targets, [-1.0]));
    }

    [Fact]
    public void Concat_SameClasses_JoinsInOrderAndKeepsTheBalance()
    {
        EndModelTrainingSet<string> first = EndModelTrainingSet.FromLabels(["a"], [0], 2).WithClassBalance([0.25, 0.75]);
        EndModelTrainingSet<string> second = EndModelTrainingSet.FromLabels(["b"], [1], 2, weight: 3);

        EndModelTrainingSet<string> joined = first.Concat(second);

        Assert.Equal(["a", "b"], joined.Items);
        Assert.Equal([1.0, 3.0], joined.Weights);
        Assert.Equal([0.0, 1.0], joined.GetTarget(1).ToArray());
        Assert.Equal([0.25, 0.75], joined.ClassBalance);
    }

    [Fact]
    public void Concat_OtherClassCount_Throws()
    {
        EndModelTrainingSet<string> two = EndModelTrainingSet.FromLabels(["a"], [0], 2);
        EndModelTrainingSet<string> three = EndModelTrainingSet.FromLabels(["a"], [0], 3);

        Assert.Throws<ArgumentException>("other", () => two.Concat(three));
    }

    [Theory]
    [InlineData(new[] { 0.5 })]
    [InlineData(new[] { 0.0, 1.0 })]
    [InlineData(new[] { 0.6, 0.6 })]
    public void WithClassBalance_NotADistributionOverTheClasses_Throws(double[] balance)
    {
        EndModelTrainingSet<string> set = EndModelTrainingSet.FromLabels(["a"], [0], 2);

        Assert.Throws<ArgumentException>("classBalance", () => set.WithClassBalance(balance));
    }
}
