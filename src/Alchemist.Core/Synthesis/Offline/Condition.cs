namespace Alchemist;

/// <summary>Represents a test on a text that an offline heuristic votes on: it runs in memory, describes itself in words and emits itself as a C# expression.</summary>
internal abstract class Condition
{
    /// <summary>Gets a key that identifies the condition, for ordering and de-duplication.</summary>
    public abstract string Key { get; }

    /// <summary>Gets a value indicating whether the emitted expression reads the <c>concepts</c> parameter, so the program takes concept scores.</summary>
    public virtual bool UsesConcepts => false;

    /// <summary>Tests a text.</summary>
    public abstract bool Matches(TextProfile profile);

    /// <summary>Describes the condition in words, after "when": <c>the text contains the word "free"</c>.</summary>
    public abstract string Describe();

    /// <summary>Emits the condition as a C# boolean expression over <c>text</c>, registering fields and helpers in the context.</summary>
    public abstract string Emit(EmitContext context);

    /// <inheritdoc />
    public override string ToString() => Key;
}
