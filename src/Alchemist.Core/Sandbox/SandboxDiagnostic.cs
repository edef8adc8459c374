namespace Alchemist;

/// <summary>Represents one reason the sandbox rejected a program: a compiler error or a broken sandbox rule, with its place in the source.</summary>
/// <param name="Rule">
/// The rule, such as <c>compile</c> (a compiler error), <c>entry-point</c>, <c>io</c>, <c>network</c>, <c>process</c>,
/// <c>environment</c>, <c>reflection</c>, <c>threading</c>, <c>unsafe</c>, <c>interop</c>, <c>runtime</c>,
/// <c>dynamic</c>, <c>nondeterminism</c>, <c>static-state</c>, <c>item-mutation</c>, <c>allocation</c>, <c>stack</c>,
/// <c>attribute</c>, <c>finalizer</c>, <c>namespace</c>, <c>syntax</c>, <c>size</c> or <c>api</c>; docs/sandbox.md lists them.
/// </param>
/// <param name="Message">A full sentence that names the problem and says what to do instead.</param>
/// <param name="Line">The 1-based source line, or 0 when the problem has no place in the source.</param>
/// <param name="Column">The 1-based source column, or 0 when the problem has no place in the source.</param>
public sealed record SandboxDiagnostic(string Rule, string Message, int Line, int Column)
{
    /// <summary>Returns the diagnostic as <c>line L, column C: [rule] message</c>.</summary>
    /// <returns>The diagnostic in the form shown to a program's author.</returns>
    public override string ToString() => $"line {Line}, column {Column}: [{Rule}] {Message}";
}
