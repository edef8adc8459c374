using System.Numerics;

namespace Alchemist;

/// <summary>Helpers over fixed-length bit sets stored as <see cref="ulong"/> arrays.</summary>
internal static class BitSet
{
    public static ulong[] Create(int length) => new ulong[(length + 63) >> 6];

    public static void Set(ulong[] bits, int index) => bits[index >> 6] |= 1UL << (index & 63);

    public static int Count(ulong[] bits)
    {
        int count = 0;
        foreach (ulong word in bits)
        {
            count += BitOperations.PopCount(word);
        }

        return count;
    }

    public static int CountAnd(ulong[] left, ulong[] right)
    {
        int count = 0;
        for (int i = 0; i < left.Length; i++)
        {
            count += BitOperations.PopCount(left[i] & right[i]);
        }

        return count;
    }

    public static int CountAndNot(ulong[] left, ulong[] right)
    {
        int count = 0;
        for (int i = 0; i < left.Length; i++)
        {
            count += BitOperations.PopCount(left[i] & ~right[i]);
        }

        return count;
    }

    public static int CountOr(ulong[] left, ulong[] right)
    {
        int count = 0;
        for (int i = 0; i < left.Length; i++)
        {
            count += BitOperations.PopCount(left[i] | right[i]);
        }

        return count;
    }

    public static ulong[] And(ulong[] left, ulong[] right)
    {
        var result = new ulong[left.Length];
        for (int i = 0; i < left.Length; i++)
        {
            result[i] = left[i] & right[i];
        }

        return result;
    }

    public static ulong[] Or(ulong[] left, ulong[] right)
    {
        var result = new ulong[left.Length];
        for (int i = 0; i < left.Length; i++)
        {
            result[i] = left[i] | right[i];
        }

        return result;
    }

    public static void OrInto(ulong[] target, ulong[] source)
    {
        for (int i = 0; i < target.Length; i++)
        {
            target[i] |= source[i];
        }
    }
}
