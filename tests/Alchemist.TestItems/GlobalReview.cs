#pragma warning disable CA1050 // Declared in the global namespace on purpose, as a host app with top-level statements does.

/// <summary>A review declared in the global namespace of another assembly.</summary>
public sealed record GlobalReview(string Text, int Stars);
