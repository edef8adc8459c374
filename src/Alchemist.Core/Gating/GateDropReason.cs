namespace Alchemist;

/// <summary>Specifies why the <see cref="ProgramGate"/> dropped a program; the names are the machine-readable reason codes reports print.</summary>
public enum GateDropReason
{
    /// <summary>Another program of the same batch already has this name.</summary>
    DuplicateName,

    /// <summary>The program does not compile (C# compiler errors).</summary>
    CompileFailed,

    /// <summary>The program compiles but the sandbox rejects it (a symbol or construct outside the allow-list, or the wrong shape).</summary>
    SandboxRejected,

    /// <summary>The program faulted (threw, overran its budget or returned an invalid class) on more of the sample than the threshold allows.</summary>
    TooManyFaults,

    /// <summary>The program abstained on every sample item.</summary>
    AllAbstain,

    /// <summary>The program voted the same class on every sample item, so it carries no information.</summary>
    Constant,

    /// <summary>The program voted on too small a fraction of the dev set.</summary>
    LowDevCoverage,

    /// <summary>The program was wrong too often on the dev items it voted on.</summary>
    LowDevAccuracy,

    /// <summary>The program's votes on the sample are identical to those of a program already kept.</summary>
    Duplicate,
}
