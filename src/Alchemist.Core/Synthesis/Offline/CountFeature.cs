namespace Alchemist;

/// <summary>Specifies a count an offline heuristic can threshold.</summary>
internal enum CountFeature
{
    /// <summary>The number of characters of the text.</summary>
    Characters,

    /// <summary>The number of words.</summary>
    Words,

    /// <summary>The number of decimal digits.</summary>
    Digits,

    /// <summary>The number of exclamation marks.</summary>
    ExclamationMarks,

    /// <summary>The percentage (0..100, rounded down) of letters that are upper case; 0 without letters.</summary>
    UppercasePercent,
}
