namespace Alchemist;

/// <summary>Represents a labeling function: a named heuristic that votes for a class or abstains.</summary>
/// <typeparam name="TItem">The type of item the function labels, such as <see cref="string"/> or a record of the host's.</typeparam>
/// <remarks>
/// Hand-written functions (a lambda, a class, the keyword and regex helpers of <see cref="LabelingFunction"/>) and
/// programs synthesized by an LLM and compiled in the sandbox are the same type, so either can be unit-tested with
/// plain assertions. <see cref="Apply"/> is the hot path, called once per item and function, and must be safe to
/// call concurrently from several threads.
/// </remarks>
public interface ILabelingFunction<in TItem>
{
    /// <summary>Gets the name of the function, unique among the functions applied together.</summary>
    string Name { get; }

    /// <summary>Votes on one item.</summary>
    /// <param name="item">The item to label.</param>
    /// <returns>A class index in <c>0..K-1</c>, or <see cref="Label.Abstain"/> (<c>-1</c>) for no opinion.</returns>
    /// <remarks>
    /// When a function throws or returns any other value, <see cref="LabelingFunctionApplier"/> records an abstain
    /// and counts a fault against the function; the other functions and items are unaffected.
    /// </remarks>
    int Apply(TItem item);
}
