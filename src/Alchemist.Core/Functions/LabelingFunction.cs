using System.Text.RegularExpressions;

namespace Alchemist;

/// <summary>Creates the labeling functions users write most often: from a delegate, from keywords, from a regular expression.</summary>
/// <example>
/// <code>
/// ILabelingFunction&lt;string&gt; link = LabelingFunction.FromRegex("has_link", @"https?://|www\.", label: 1);
/// ILabelingFunction&lt;string&gt; song = LabelingFunction.FromKeywords("mentions_song", label: 0, "song", "music");
/// ILabelingFunction&lt;Ticket&gt; refund = LabelingFunction.Create&lt;Ticket&gt;("refund", t =&gt; t.Body.Contains("refund") ? 1 : Label.Abstain);
/// </code>
/// </example>
public static class LabelingFunction
{
    /// <summary>The match timeout given to regular expressions when none is specified: 100 milliseconds.</summary>
    public static readonly TimeSpan DefaultRegexTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>Creates a labeling function from a delegate.</summary>
    /// <typeparam name="TItem">The type of item.</typeparam>
    /// <param name="name">The name of the function.</param>
    /// <param name="apply">Returns a class index or <see cref="Label.Abstain"/>; must be safe to call concurrently.</param>
    /// <returns>A labeling function that calls <paramref name="apply"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is <see langword="null"/> or blank.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="apply"/> is <see langword="null"/>.</exception>
    public static ILabelingFunction<TItem> Create<TItem>(string name, Func<TItem, int> apply)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(apply);
        return new DelegateLabelingFunction<TItem>(name, apply);
    }

    /// <summary>Creates a function that votes <paramref name="label"/> when a text contains any of the keywords, and abstains otherwise.</summary>
    /// <param name="name">The name of the function.</param>
    /// <param name="label">The class to vote for.</param>
    /// <param name="keywords">The keywords or phrases; at least one.</param>
    /// <returns>A labeling function over text, case-insensitive and matching whole words.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is blank, <paramref name="label"/> is negative, or <paramref name="keywords"/> is empty or holds a blank keyword.</exception>
    public static ILabelingFunction<string> FromKeywords(string name, int label, params string[] keywords) =>
        FromKeywords(name, label, keywords, KeywordMatchOptions.Default);

    /// <summary>Creates a function that votes <paramref name="label"/> when a text matches the keywords as <paramref name="options"/> say, and abstains otherwise.</summary>
    /// <param name="name">The name of the function.</param>
    /// <param name="label">The class to vote for.</param>
    /// <param name="keywords">The keywords or phrases; at least one.</param>
    /// <param name="options">Whether any or all keywords must occur, case sensitivity and word boundaries.</param>
    /// <returns>A labeling function over text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="keywords"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is blank, <paramref name="label"/> is negative, or <paramref name="keywords"/> is empty or holds a blank keyword.</exception>
    public static ILabelingFunction<string> FromKeywords(string name, int label, IEnumerable<string> keywords, KeywordMatchOptions options) =>
        FromKeywords<string>(name, label, static text => text, keywords, options);

    /// <summary>Creates a keyword function over a text that <paramref name="textSelector"/> takes from each item.</summary>
    /// <typeparam name="TItem">The type of item.</typeparam>
    /// <param name="name">The name of the function.</param>
    /// <param name="label">The class to vote for.</param>
    /// <param name="textSelector">Selects the text to search; a <see langword="null"/> text is an abstain.</param>
    /// <param name="keywords">The keywords or phrases; at least one.</param>
    /// <param name="options">Whether any or all keywords must occur, case sensitivity and word boundaries.</param>
    /// <returns>A labeling function over <typeparamref name="TItem"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="textSelector"/>, <paramref name="keywords"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is blank, <paramref name="label"/> is negative, or <paramref name="keywords"/> is empty or holds a blank keyword.</exception>
    public static ILabelingFunction<TItem> FromKeywords<TItem>(string name, int label, Func<TItem, string?> textSelector, IEnumerable<string> keywords, KeywordMatchOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfNegative(label);
        ArgumentNullException.ThrowIfNull(textSelector);
        ArgumentNullException.ThrowIfNull(keywords);
        ArgumentNullException.ThrowIfNull(options);

        string[] words = [.. keywords];
        if (words.Length == 0)
        {
            throw new ArgumentException("At least one keyword is required.", nameof(keywords));
        }

        if (Array.Exists(words, string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Keywords must not be null or blank.", nameof(keywords));
        }

        return new KeywordLabelingFunction<TItem>(name, label, textSelector, words, options);
    }

    /// <summary>Creates a function that votes <paramref name="label"/> when a text matches <paramref name="pattern"/>, and abstains otherwise.</summary>
    /// <param name="name">The name of the function.</param>
    /// <param name="pattern">A .NET regular expression.</param>
    /// <param name="label">The class to vote for.</param>
    /// <param name="options">Regex options; <see cref="RegexOptions.IgnoreCase"/> by default. <see cref="RegexOptions.Compiled"/> is always added.</param>
    /// <param name="matchTimeout">The match timeout; <see cref="DefaultRegexTimeout"/> when <see langword="null"/>. A timed-out match is a fault, so an abstain.</param>
    /// <returns>A labeling function over text.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is blank, <paramref name="pattern"/> is not a valid regular expression, or <paramref name="label"/> is negative.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="matchTimeout"/> is not positive.</exception>
    public static ILabelingFunction<string> FromRegex(string name, string pattern, int label, RegexOptions options = RegexOptions.IgnoreCase, TimeSpan? matchTimeout = null) =>
        FromRegex<string>(name, static text => text, pattern, label, options, matchTimeout);

    /// <summary>Creates a regular-expression function over a text that <paramref name="textSelector"/> takes from each item.</summary>
    /// <typeparam name="TItem">The type of item.</typeparam>
    /// <param name="name">The name of the function.</param>
    /// <param name="textSelector">Selects the text to search; a <see langword="null"/> text is an abstain.</param>
    /// <param name="pattern">A .NET regular expression.</param>
    /// <param name="label">The class to vote for.</param>
    /// <param name="options">Regex options. <see cref="RegexOptions.Compiled"/> is always added.</param>
    /// <param name="matchTimeout">The match timeout; <see cref="DefaultRegexTimeout"/> when <see langword="null"/>.</param>
    /// <returns>A labeling function over <typeparamref name="TItem"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="textSelector"/> or <paramref name="pattern"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is blank, <paramref name="pattern"/> is not a valid regular expression, or <paramref name="label"/> is negative.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="matchTimeout"/> is not positive.</exception>
    public static ILabelingFunction<TItem> FromRegex<TItem>(string name, Func<TItem, string?> textSelector, string pattern, int label, RegexOptions options = RegexOptions.IgnoreCase, TimeSpan? matchTimeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(textSelector);
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentOutOfRangeException.ThrowIfNegative(label);
        TimeSpan timeout = matchTimeout ?? DefaultRegexTimeout;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero, nameof(matchTimeout));

        Regex regex;
        try
        {
            regex = new Regex(pattern, options | RegexOptions.Compiled, timeout);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"The pattern of labeling function '{name}' is not a valid regular expression: {ex.Message}", nameof(pattern), ex);
        }

        return new DelegateLabelingFunction<TItem>(name, item =>
        {
            string? text = textSelector(item);
            return text is not null && regex.IsMatch(text) ? label : Label.Abstain;
        });
    }

    private sealed class DelegateLabelingFunction<TItem>(string name, Func<TItem, int> apply) : ILabelingFunction<TItem>
    {
        public string Name { get; } = name;

        public int Apply(TItem item) => apply(item);

        public override string ToString() => Name;
    }
}
