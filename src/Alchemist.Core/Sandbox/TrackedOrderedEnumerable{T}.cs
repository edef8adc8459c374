using System.Collections;
using System.Globalization;

namespace Alchemist;

/// <summary>An ordered lazy sequence whose elements are charged to the budget of the current program call.</summary>
/// <remarks>
/// Besides what <see cref="TrackedEnumerable{T}"/> does, it bounds the length of a ThenBy chain: the framework
/// compares tied keys by recursing along the chain, so a chain built in a loop could otherwise overflow the stack.
/// </remarks>
/// <typeparam name="T">The element type.</typeparam>
internal sealed class TrackedOrderedEnumerable<T>(IOrderedEnumerable<T> source, int keys) : IOrderedEnumerable<T>
{
    /// <summary>The most sort keys one ordering may have.</summary>
    internal const int MaxKeys = 64;

    public IOrderedEnumerable<T> CreateOrderedEnumerable<TKey>(Func<T, TKey> keySelector, IComparer<TKey>? comparer, bool descending)
    {
        if (keys >= MaxKeys)
        {
            throw new ProgramBudgetExceededException(ProgramBudgetKind.CallDepth, MaxKeys, string.Create(CultureInfo.InvariantCulture,
                $"The program ordered a sequence by more than {MaxKeys} keys (ThenBy); order by fewer keys."));
        }

        return new TrackedOrderedEnumerable<T>(source.CreateOrderedEnumerable(keySelector, comparer, descending), keys + 1);
    }

    public IEnumerator<T> GetEnumerator() => new TrackedEnumerable<T>.Enumerator(source.GetEnumerator());

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
