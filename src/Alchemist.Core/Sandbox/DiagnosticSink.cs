using Microsoft.CodeAnalysis;

namespace Alchemist;

/// <summary>Collects the diagnostics of one program, with their places in the program's source, without duplicates.</summary>
internal sealed class DiagnosticSink(SyntaxTree programTree)
{
    /// <summary>The most diagnostics reported for one program; the rest are summarized.</summary>
    private const int MaxDiagnostics = 100;

    private readonly List<SandboxDiagnostic> _diagnostics = [];
    private readonly HashSet<SandboxDiagnostic> _seen = [];

    public int Count => _diagnostics.Count;

    /// <summary>Gets or sets a value indicating whether binding the program could itself be a denial of service, so the build must stop before it.</summary>
    public bool StopBeforeBinding { get; set; }

    public bool HasRule(string rule) => _diagnostics.Exists(d => d.Rule == rule);

    public void Add(string rule, string message, Location? location)
    {
        int line = 0;
        int column = 0;
        if (location is { IsInSource: true } && location.SourceTree == programTree)
        {
            FileLinePositionSpan span = location.GetLineSpan();
            line = span.StartLinePosition.Line + 1;
            column = span.StartLinePosition.Character + 1;
        }

        Add(new SandboxDiagnostic(rule, message, line, column));
    }

    public void Add(SandboxDiagnostic diagnostic)
    {
        if (_seen.Add(diagnostic))
        {
            _diagnostics.Add(diagnostic);
        }
    }

    public IReadOnlyList<SandboxDiagnostic> ToList()
    {
        List<SandboxDiagnostic> sorted = [.. _diagnostics.OrderBy(d => d.Line).ThenBy(d => d.Column)];
        if (sorted.Count > MaxDiagnostics)
        {
            int more = sorted.Count - MaxDiagnostics;
            sorted = [.. sorted.Take(MaxDiagnostics), new SandboxDiagnostic(sorted[MaxDiagnostics].Rule, $"{more} more problems were not listed; fix the ones above first.", 0, 0)];
        }

        return sorted;
    }
}
