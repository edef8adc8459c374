namespace Alchemist;

/// <summary>Experimental rules of the automatic choice that read the matrix being labeled (its votes, never its gold).</summary>
internal enum AutoTargetRule
{
    /// <summary>The shipped rule: the target is not read.</summary>
    None,

    /// <summary>When the target's firing rates differ from the dev split's (chi-square, 0.999), the hyper label model labels it.</summary>
    HyperWhenShifted,

    /// <summary>Dev items weighted by their vote row's frequency in the target over that in the dev split, in every score of the choice.</summary>
    ImportanceWeighted,
}
