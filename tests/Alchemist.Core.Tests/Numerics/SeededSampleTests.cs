namespace Alchemist.Tests.Numerics;

public class SeededSampleTests
{
    [Theory]
    [InlineData(10, 3, 1)]
    [InlineData(1_000, 999, 7)]
    [InlineData(100_000, 5_000, 42)]
    [InlineData(758_000, 50_000, 42)]
    [InlineData(5, 5, 3)]
    [InlineData(4, 9, 3)]
    public void SparseIndices_AnyPopulation_IsTheShuffledSample(int population, int size, int seed) =>
        Assert.Equal(SeededSample.Indices(population, size, seed), SeededSample.SparseIndices(population, size, seed));
}
