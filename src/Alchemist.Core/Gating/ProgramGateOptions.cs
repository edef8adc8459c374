namespace Alchemist;

/// <summary>Represents the thresholds of a <see cref="ProgramGate"/>.</summary>
public sealed class ProgramGateOptions
{
    /// <summary>Gets or sets the largest fraction of sample items a program may fault on (throw, overrun its budget, return an invalid class) and be kept.</summary>
    /// <value>The default is 0.05. Allowed: 0 to 1.</value>
    public double MaxFaultRate { get; set; } = 0.05;

    /// <summary>Gets or sets the smallest accuracy on the dev items a program votes on for it to be kept, when a dev set is given.</summary>
    /// <value>The default is 0.5. Allowed: 0 to 1; 0 turns the floor off.</value>
    public double MinDevAccuracy { get; set; } = 0.5;

    /// <summary>Gets or sets the smallest fraction of the dev set a program must vote on to be kept, when a dev set is given.</summary>
    /// <value>The default is 0.01. Allowed: 0 to 1; 0 turns the floor off.</value>
    public double MinDevCoverage { get; set; } = 0.01;

    /// <summary>Checks the options.</summary>
    /// <returns>One full sentence per problem; empty when the options are valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        Check(problems, nameof(MaxFaultRate), MaxFaultRate);
        Check(problems, nameof(MinDevAccuracy), MinDevAccuracy);
        Check(problems, nameof(MinDevCoverage), MinDevCoverage);
        return problems;
    }

    internal ProgramGateOptions Clone() => new()
    {
        MaxFaultRate = MaxFaultRate,
        MinDevAccuracy = MinDevAccuracy,
        MinDevCoverage = MinDevCoverage,
    };

    private static void Check(List<string> problems, string name, double value)
    {
        if (double.IsNaN(value) || value < 0 || value > 1)
        {
            problems.Add($"ProgramGateOptions.{name} is {value}; it must be between 0 and 1.");
        }
    }
}
