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

    /// <summary>
    /// Returns the same indices as <see cref="Indices"/> without an array of the population: the shuffle's first
    /// <paramref name="size"/> swaps (the positions they settle are never touched again) on a map of the positions
    /// swapped so far, so memory grows with the sample, not the population.
    /// </summary>
    /// <param name="population">The number of things to draw from.</param>
    /// <param name="size">The number to draw.</param>
    /// <param name="seed">The seed of the draw.</param>
    public static int[] SparseIndices(int population, int size, int seed)
    {
        if (population <= size)
        {
            return [.. Enumerable.Range(0, population)];
        }

        var random = new Random(seed);
        var moved = new Dictionary<int, int>(2 * size);
        var chosen = new int[size];
        for (int i = 0; i < size; i++)
        {
            int j = random.Next(i, population);
            int atI = moved.TryGetValue(i, out int a) ? a : i;
            int atJ = moved.TryGetValue(j, out int b) ? b : j;
            moved[j] = atI;
            moved[i] = atJ;
            chosen[i] = atJ;
        }

        Array.Sort(chosen);
        return chosen;
    }
}
