using System.Collections;
using System.Runtime.CompilerServices;

namespace Alchemist;

/// <summary>A lazy sequence whose elements are charged to the budget of the current program call.</summary>
/// <remarks>
/// The sandbox wraps the result of every lazy LINQ operator a program calls. Each element costs a step, and each
/// <see cref="IEnumerator.MoveNext"/> checks that enough stack is left, so a chain of operators built in a loop can
/// neither run unbounded work inside the framework nor overflow the stack. Wrapping also stops LINQ from fusing
/// operators (such as two Select calls) into nested delegates that would recurse without passing a check.
/// </remarks>
/// <typeparam name="T">The element type.</typeparam>
internal sealed class TrackedEnumerable<T>(IEnumerable<T> source) : IEnumerable<T>
{
    public IEnumerator<T> GetEnumerator() => new Enumerator(source.GetEnumerator());

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal sealed class Enumerator(IEnumerator<T> inner) : IEnumerator<T>
    {
        public T Current => inner.Current;

        object? IEnumerator.Current => inner.Current;

        public bool MoveNext()
        {
            SandboxRuntime.StepElement();
            return inner.MoveNext();
        }

        public void Reset() => inner.Reset();

        public void Dispose()
        {
            // Disposing a long chain recurses down it; past the safe depth the framework iterators below are left to the
            // garbage collector, which is all their Dispose would have done.
            if (RuntimeHelpers.TryEnsureSufficientExecutionStack())
            {
                inner.Dispose();
            }
        }
    }
}
