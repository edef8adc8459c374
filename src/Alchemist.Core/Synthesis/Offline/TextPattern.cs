using System.Text.RegularExpressions;

namespace Alchemist;

/// <summary>Represents one of the fixed regular expressions the offline synthesizer tries: URLs, e-mail addresses, phone numbers, money, casing, punctuation.</summary>
internal sealed class TextPattern
{
    private TextPattern(string name, string description, string pattern, RegexOptions options)
    {
        Name = name;
        Description = description;
        Pattern = pattern;
        Options = options;
        Regex = new Regex(pattern, options, OfflineProgramSynthesizer.RegexTimeout);
    }

    /// <summary>Gets all the patterns, in a fixed order.</summary>
    /// <remarks>
    /// The web-address and e-mail patterns look behind for the name before the dot or the <c>@</c>: they find exactly
    /// what <c>\b[a-z0-9-]+\.(com|...)\b</c> and <c>[a-z0-9._%+-]+@...</c> find (the programs only ask whether there is
    /// a match), but the engine starts a match only at a dot or an <c>@</c>, not at every letter; the forward forms made a
    /// mined web-address program half of a YouTube run's labeling time (docs/experiments/sandbox-speed.md).
    /// </remarks>
    public static IReadOnlyList<TextPattern> All { get; } =
    [
        new("Url", "a web address", @"https?://|www\.|(?<=\b[a-z0-9-]+)\.(com|net|org|co\.uk|biz|info|ly)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant),
        new("Email", "an e-mail address", @"(?<=[a-z0-9._%+-])@[a-z0-9.-]+\.[a-z]{2,}", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant),
        new("PhoneNumber", "a phone number", @"(\+\d{1,3}[ -]?)?\(?\d{3,5}\)?[ -]?\d{3,4}[ -]?\d{3,4}", RegexOptions.CultureInvariant),
        new("LongNumber", "a number of five digits or more", @"\d{5,}", RegexOptions.CultureInvariant),
        new("Money", "an amount of money", @"[£$€]\s?\d|\d\s?(p|pence|pounds?|gbp|usd|dollars?|euros?)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant),
        new("Percentage", "a percentage", @"\d\s?%", RegexOptions.CultureInvariant),
        new("ClockTime", "a time of day", @"\b\d{1,2}(:\d{2})?\s?(am|pm)\b|\b\d{1,2}:\d{2}\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant),
        new("Year", "a year", @"\b(1[5-9]|20)\d{2}\b", RegexOptions.CultureInvariant),
        new("ShoutedWord", "a word of three or more capital letters", @"\b[A-Z]{3,}\b", RegexOptions.CultureInvariant),
        new("MixedLettersAndDigits", "a word mixing letters and digits, such as 2nite or txt80", @"\b[a-z]+\d+[a-z\d]*\b|\b\d+[a-z]+[a-z\d]*\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant),
        new("RepeatedPunctuation", "repeated ! or ?", @"[!?]{2,}", RegexOptions.CultureInvariant),
        new("QuestionMark", "a question mark", @"\?", RegexOptions.CultureInvariant),
        new("Emoticon", "an emoticon such as :) or ;-P", @"[:;=]-?[)(dpo]", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant),
        new("Ellipsis", "an ellipsis", @"\.\.", RegexOptions.CultureInvariant),
        new("Quotation", "a quotation mark", "[\"“”]", RegexOptions.CultureInvariant),
    ];

    /// <summary>Gets the name, used for the field of the emitted program (<c>UrlPattern</c>).</summary>
    public string Name { get; }

    /// <summary>Gets what the pattern finds, in words.</summary>
    public string Description { get; }

    /// <summary>Gets the regular expression.</summary>
    public string Pattern { get; }

    /// <summary>Gets the options of the regular expression.</summary>
    public RegexOptions Options { get; }

    /// <summary>Gets the compiled expression, with the same match timeout as the emitted program.</summary>
    public Regex Regex { get; }
}
