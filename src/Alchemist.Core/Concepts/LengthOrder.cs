namespace Alchemist;

/// <summary>
/// The order in which texts go to an embedding generator: shortest first. A transformer pads a batch to its longest text,
/// so batches of texts of about the same length waste less work on padding; the vectors do not depend on a text's batch.
/// </summary>
internal static class LengthOrder
{
    /// <summary>Returns the positions of <paramref name="texts"/> (or of those in <paramref name="indices"/>) ordered by length, equal lengths in their given order.</summary>
    /// <param name="texts">The texts.</param>
    /// <param name="indices">Positions into <paramref name="texts"/>, or <see langword="null"/> for all of them.</param>
    public static int[] Of(IReadOnlyList<string> texts, IReadOnlyList<int>? indices = null)
    {
        int count = indices?.Count ?? texts.Count;
        var order = new int[count];
        var lengths = new long[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = indices is null ? i : indices[i];

            // Length first, then the position, so that the sort is stable and the order is the same on every run.
            lengths[i] = ((long)texts[order[i]].Length << 32) | (uint)i;
        }

        Array.Sort(lengths, order);
        return order;
    }
}
