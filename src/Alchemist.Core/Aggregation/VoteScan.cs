using System.Numerics;
using System.Runtime.Intrinsics;

namespace Alchemist;

/// <summary>
/// Vectorized scans of a row of votes: which functions voted a given class, as bitmasks 32 functions at a time, and
/// how many did. Replaces a branch per vote, which mispredicts on every third vote of a real matrix, with a compare
/// per 32 votes.
/// </summary>
internal static class VoteScan
{
    /// <summary>Calls <paramref name="visit"/> for each function of the row that voted <paramref name="label"/>, in column order.</summary>
    public static void ForEach<TVisitor>(ReadOnlySpan<sbyte> row, sbyte label, ref TVisitor visit)
        where TVisitor : struct, IVoteVisitor
    {
        int j0 = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<sbyte> target = Vector256.Create(label);
            for (; j0 + 32 <= row.Length; j0 += 32)
            {
                uint mask = Vector256.Equals(Vector256.Create(row.Slice(j0, 32)), target).ExtractMostSignificantBits();
                while (mask != 0)
                {
                    visit.Visit(j0 + BitOperations.TrailingZeroCount(mask));
                    mask &= mask - 1;
                }
            }
        }

        for (int j = j0; j < row.Length; j++)
        {
            if (row[j] == label)
            {
                visit.Visit(j);
            }
        }
    }

    /// <summary>Counts the votes of the row for <paramref name="label"/>.</summary>
    public static int Count(ReadOnlySpan<sbyte> row, sbyte label)
    {
        int count = 0;
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<sbyte> target = Vector256.Create(label);
            for (; j + 32 <= row.Length; j += 32)
            {
                count += BitOperations.PopCount(Vector256.Equals(Vector256.Create(row.Slice(j, 32)), target).ExtractMostSignificantBits());
            }
        }

        for (; j < row.Length; j++)
        {
            count += row[j] == label ? 1 : 0;
        }

        return count;
    }

    /// <summary>Determines whether any function of the row voted.</summary>
    public static bool Any(ReadOnlySpan<sbyte> row)
    {
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<sbyte> abstain = Vector256.Create((sbyte)Label.Abstain);
            for (; j + 32 <= row.Length; j += 32)
            {
                if (Vector256.GreaterThanAny(Vector256.Create(row.Slice(j, 32)), abstain))
                {
                    return true;
                }
            }
        }

        for (; j < row.Length; j++)
        {
            if (row[j] >= 0)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>What <see cref="VoteScan.ForEach"/> calls for each matching function; a struct, so the call inlines.</summary>
internal interface IVoteVisitor
{
    void Visit(int function);
}
