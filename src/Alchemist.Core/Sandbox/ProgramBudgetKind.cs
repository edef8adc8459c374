namespace Alchemist;

/// <summary>Specifies which limit of the sandbox a program call passed.</summary>
public enum ProgramBudgetKind
{
    /// <summary>The call took more steps than <see cref="SandboxOptions.StepBudget"/>.</summary>
    Steps,

    /// <summary>The call nested its methods deeper than <see cref="SandboxOptions.MaxCallDepth"/>, or would have run out of stack.</summary>
    CallDepth,

    /// <summary>The call allocated more than <see cref="SandboxOptions.MaxAllocatedBytes"/>.</summary>
    Memory,
}
