namespace Alchemist;

/// <summary>Specifies what came of one chat call of a synthesizer.</summary>
public enum SynthesisOutcome
{
    /// <summary>The reply held a program that passed the request's validator (or there was none); the program was emitted.</summary>
    Accepted,

    /// <summary>The reply held no C# code block; it is not a program. The slot asks once for the block; a second reply without one ends the slot.</summary>
    RejectedReply,

    /// <summary>The reply held a program that failed the validator; it is sent back for repair while repairs are left.</summary>
    FailedValidation,

    /// <summary>The call failed (after the pipeline's retries), or the synthesis deadline passed; its slot ends, other slots are unaffected.</summary>
    CallFailed,

    /// <summary>The call wrote background knowledge about the task, shared by the prompts of every slot.</summary>
    PriorKnowledge,

    /// <summary>The call listed concepts (short phrases that tell the classes apart) for concept programs, shared by the prompts of every slot; the attempt's message says how many were kept and its problems why others were not.</summary>
    Concepts,
}
