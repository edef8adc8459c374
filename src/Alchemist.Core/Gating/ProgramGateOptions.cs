using System.ComponentModel.DataAnnotations;

namespace Alchemist;

/// <summary>Represents the thresholds of a <see cref="ProgramGate"/>.</summary>
public sealed class ProgramGateOptions
{
    /// <summary>Gets or sets the largest fraction of sample items a program may fault on (throw, overrun its budget, return an invalid class) and be kept.</summary>
    /// <value>The default is 0.05. Allowed: 0 to 1.</value>
    [Range(0.0, 1.0)]
    public double MaxFaultRate { get; set; } = 0.05;

    /// <summary>Gets or sets the smallest accuracy on the dev items a program votes on for it to be kept, when a dev set is given.</summary>
    /// <value>The default is 0.5. Allowed: 0 to 1; 0 turns the floor off.</value>
    [Range(0.0, 1.0)]
    public double MinDevAccuracy { get; set; } = 0.5;

    /// <summary>Gets or sets the smallest fraction of the dev set a program must vote on to be kept, when a dev set is given.</summary>
    /// <value>The default is 0.01. Allowed: 0 to 1; 0 turns the floor off.</value>
    [Range(0.0, 1.0)]
    public double MinDevCoverage { get; set; } = 0.01;
}

/// <summary>Validates <see cref="ProgramGateOptions"/>: generated at compile time from the data annotations (and <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/>, where implemented); run at start-up by dependency injection and by the constructors of the components that take the options.</summary>
[Microsoft.Extensions.Options.OptionsValidator]
internal sealed partial class ProgramGateOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<ProgramGateOptions>;
