namespace Alchemist;

/// <summary>Draws seeded uniform samples without replacement: the same seed and population give the same sample.</summary>
internal static class SeededSample
{
    /// <summary>Returns <paramref name="size"/> distinct indices of <c>0..population-1</c> in increasing order, or every index when the population is no larger.</summary>
    /// <param name="population">The number of things to draw from.</param>
    /// <param name="size">The number to draw.</param>
    /// <param name="seed">The seed of the draw.</param>
    public static int[] Indices(int population, int size, int seed)
    {
        int[] indices = [.. Enumerable.Range(0, population)];
        if (population <= size)
        {
            return indices;
        }

        new Random(seed).Shuffle(indices);
        Array.Sort(indices, 0, size);
        return indices[..size];
    }
}
