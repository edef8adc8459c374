using System.Text.RegularExpressions;
using Alchemist;

namespace Alchemist.Tests.Shared;

/// <summary>
/// The ten YouTube spam labeling functions of the applier benchmark (issue #2), each on the lower-cased text:
/// "my", "subscribe", "http", "please"/"plz", "check out"/"check it", "channel", the URL regex -> SPAM (1);
/// "song", "love", fewer than five words -> HAM (0); otherwise abstain.
/// </summary>
/// <remarks>
/// "Contains on the lower-cased text" is implemented as an ordinal case-insensitive search, which gives the same
/// answers for these ASCII keywords without allocating a lower-cased copy per call; the word count stops at five.
/// </remarks>
internal static class YouTubeSpamFunctions
{
    private static readonly Regex Url = new(@"https?://|www\.", RegexOptions.IgnoreCase | RegexOptions.Compiled, TimeSpan.FromMilliseconds(100));

    public static IReadOnlyList<ILabelingFunction<string>> All { get; } =
    [
        Contains("contains_my", 1, "my"),
        Contains("contains_subscribe", 1, "subscribe"),
        Contains("contains_http", 1, "http"),
        Contains("contains_please", 1, "please", "plz"),
        Contains("contains_song", 0, "song"),
        Contains("contains_love", 0, "love"),
        Contains("contains_check_out", 1, "check out", "check it"),
        Contains("contains_channel", 1, "channel"),
        LabelingFunction.Create<string>("short_comment", text => CountWords(text, stopAt: 5) < 5 ? 0 : Label.Abstain),
        LabelingFunction.Create<string>("regex_url", text => Url.IsMatch(text) ? 1 : Label.Abstain),
    ];

    private static ILabelingFunction<string> Contains(string name, int label, params string[] keywords) =>
        LabelingFunction.Create<string>(name, text =>
        {
            foreach (string keyword in keywords)
            {
                if (text.Contains(keyword, StringComparison.OrdinalIgnoreCase))
                {
                    return label;
                }
            }

            return Label.Abstain;
        });

    private static int CountWords(string text, int stopAt)
    {
        int words = 0;
        bool inWord = false;
        foreach (char c in text)
        {
            bool space = char.IsWhiteSpace(c);
            if (!space && !inWord && ++words == stopAt)
            {
                break;
            }

            inWord = !space;
        }

        return words;
    }
}
