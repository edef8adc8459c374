// good: the verbose style LLMs often produce: XML docs, regions, nullable annotations, comments
// sample: 1 <= Hey guys check out my new channel!!!
// sample: 0 <= This song gives me chills
// sample: -1 <= 2015?
#nullable enable
using System;
using System.Linq;

namespace LabelingFunctions
{
    /// <summary>
    /// Labels YouTube comments as spam (1) or ham (0), abstaining (-1) when unsure.
    /// </summary>
    public static class YouTubeSpamHeuristic
    {
        #region Constants
        private const int SPAM = 1;
        private const int HAM = 0;
        private const int ABSTAIN = -1;
        #endregion

        private static readonly string[] SpamPhrases = new[] { "check out", "my channel", "subscribe", "follow me" };
        private static readonly string[] HamPhrases = new[] { "song", "love this", "chills", "beautiful" };

        /// <summary>Applies the heuristic.</summary>
        /// <param name="item">The comment text.</param>
        /// <returns>The label.</returns>
        public static int Label(string item)
        {
            string? text = item?.ToLowerInvariant();
            if (text is null)
            {
                return ABSTAIN;
            }

            // Spam phrases win over ham phrases.
            var spamScore = SpamPhrases.Count(p => text.Contains(p, StringComparison.Ordinal));
            var hamScore = HamPhrases.Count(p => text.Contains(p, StringComparison.Ordinal));

            return spamScore > 0 ? SPAM : hamScore > 0 ? HAM : ABSTAIN;
        }
    }
}
