namespace Alchemist;

/// <summary>The text contains at least one of some words.</summary>
internal sealed class AnyWordCondition(string[] words) : Condition
{
    public string[] Words { get; } = words;

    public override string Key => Words.Length == 1 ? $"word:{Words[0]}" : $"words:{string.Join('|', Words)}";

    public override bool Matches(TextProfile profile)
    {
        foreach (string word in Words)
        {
            if (profile.WordSet.Contains(word))
            {
                return true;
            }
        }

        return false;
    }

    public override string Describe() => Words.Length == 1
        ? $"the text contains the word \"{Words[0]}\""
        : $"the text contains any of the words {string.Join(", ", Words.Select(w => $"\"{w}\""))}";

    public override string Emit(EmitContext context)
    {
        if (Words.Length == 1)
        {
            ProgramEmitter.AddWordHelper(context, ProgramEmitter.ContainsWordHelper);
            return $"ContainsWord(text, {ProgramEmitter.Literal(Words[0])})";
        }

        string field = context.AddField("Cues", name => $"HashSet<string> {name} = new(StringComparer.Ordinal) {{ {string.Join(", ", Words.Select(ProgramEmitter.Literal))} }};");
        ProgramEmitter.AddWordHelper(context, ProgramEmitter.ContainsAnyWordHelper);
        return $"ContainsAnyWord(text, {field})";
    }
}

/// <summary>The text contains two words in a row.</summary>
internal sealed class PhraseCondition(string first, string second) : Condition
{
    public override string Key => $"phrase:{first} {second}";

    public override bool Matches(TextProfile profile)
    {
        string[] words = profile.Words;
        for (int i = 0; i + 1 < words.Length; i++)
        {
            if (words[i] == first && words[i + 1] == second)
            {
                return true;
            }
        }

        return false;
    }

    public override string Describe() => $"the text contains the phrase \"{first} {second}\"";

    public override string Emit(EmitContext context)
    {
        ProgramEmitter.AddWordHelper(context, ProgramEmitter.ContainsPhraseHelper);
        return $"ContainsPhrase(text, {ProgramEmitter.Literal(first)}, {ProgramEmitter.Literal(second)})";
    }
}

/// <summary>The text starts with one or two given words.</summary>
internal sealed class PrefixCondition(string[] words) : Condition
{
    public override string Key => $"prefix:{string.Join(' ', words)}";

    public override bool Matches(TextProfile profile)
    {
        if (profile.Words.Length < words.Length)
        {
            return false;
        }

        for (int i = 0; i < words.Length; i++)
        {
            if (profile.Words[i] != words[i])
            {
                return false;
            }
        }

        return true;
    }

    public override string Describe() => words.Length == 1
        ? $"the first word is \"{words[0]}\""
        : $"the text starts with the words \"{string.Join(' ', words)}\"";

    public override string Emit(EmitContext context)
    {
        ProgramEmitter.AddWordHelper(context, ProgramEmitter.StartsWithWordsHelper);
        return $"StartsWithWords(text, {string.Join(", ", words.Select(ProgramEmitter.Literal))})";
    }
}

/// <summary>The text matches one of the fixed patterns.</summary>
internal sealed class PatternCondition(TextPattern pattern) : Condition
{
    /// <summary>How many times a timed-out match is tried again before it counts: the sandbox's default (<c>SandboxOptions.RegexTimeoutRetries</c>), which a test keeps equal; a constant of its own so that synthesis does not reach into the later sandbox stage.</summary>
    internal const int RegexTimeoutRetries = 2;

    public override string Key => $"pattern:{pattern.Name}";

    public override bool Matches(TextProfile profile)
    {
        // Like the sandbox (SandboxOptions.RegexTimeoutRetries), a timeout is tried again before it counts: these
        // patterns are linear, so a timeout is a pause of the machine, and mining must not depend on one.
        for (int retries = 0; ; retries++)
        {
            try
            {
                return pattern.Regex.IsMatch(profile.Text);
            }
            catch (System.Text.RegularExpressions.RegexMatchTimeoutException) when (retries < RegexTimeoutRetries)
            {
            }
            catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
            {
                return false; // the emitted program throws here, which the sandbox records as an abstain: the same vote
            }
        }
    }

    public override string Describe() => $"the text contains {pattern.Description}";

    public override string Emit(EmitContext context)
    {
        string options = string.Join(" | ", pattern.Options.ToString().Split(", ").Select(o => "RegexOptions." + o));
        string field = context.AddField(
            pattern.Name + "Pattern",
            name => $"Regex {name} = new({ProgramEmitter.VerbatimLiteral(pattern.Pattern)}, {options}, TimeSpan.FromMilliseconds({OfflineProgramSynthesizer.RegexTimeout.TotalMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}));");
        return $"{field}.IsMatch(text)";
    }
}

/// <summary>A count of the text is at least, or at most, a threshold.</summary>
internal sealed class CountCondition(CountFeature feature, int threshold, bool atLeast) : Condition
{
    public override string Key => $"count:{feature}{(atLeast ? ">=" : "<=")}{threshold}";

    public override bool Matches(TextProfile profile)
    {
        int value = profile.Count(feature);
        return atLeast ? value >= threshold : value <= threshold;
    }

    public override string Describe()
    {
        string bound = atLeast ? "at least" : "at most";
        return feature switch
        {
            CountFeature.Characters => $"the text has {bound} {threshold} characters",
            CountFeature.Words => $"the text has {bound} {threshold} words",
            CountFeature.Digits => $"the text has {bound} {threshold} digits",
            CountFeature.ExclamationMarks => $"the text has {bound} {threshold} exclamation marks",
            _ => $"{bound} {threshold}% of the letters are capitals",
        };
    }

    public override string Emit(EmitContext context)
    {
        string value;
        switch (feature)
        {
            case CountFeature.Characters:
                value = "text.Length";
                break;
            case CountFeature.Words:
                ProgramEmitter.AddWordHelper(context, ProgramEmitter.WordCountHelper);
                value = "WordCount(text)";
                break;
            case CountFeature.Digits:
                value = "text.Count(char.IsDigit)";
                break;
            case CountFeature.ExclamationMarks:
                value = "text.Count(c => c == '!')";
                break;
            default:
                context.AddHelper(ProgramEmitter.UppercasePercentHelper);
                value = "UppercasePercent(text)";
                break;
        }

        return $"{value} {(atLeast ? ">=" : "<=")} {threshold}";
    }
}

/// <summary>Both of two conditions hold.</summary>
internal sealed class AndCondition(Condition left, Condition right) : Condition
{
    public Condition Left { get; } = left;

    public Condition Right { get; } = right;

    public override string Key => $"({Left.Key}) & ({Right.Key})";

    public override bool UsesConcepts => Left.UsesConcepts || Right.UsesConcepts;

    public override bool Matches(TextProfile profile) => Left.Matches(profile) && Right.Matches(profile);

    public override string Describe() => $"{Left.Describe()} and {Right.Describe()}";

    public override string Emit(EmitContext context) => $"{Parenthesize(Left.Emit(context))} && {Parenthesize(Right.Emit(context))}";

    private static string Parenthesize(string expression) => expression.Contains("&&", StringComparison.Ordinal) ? $"({expression})" : expression;
}
