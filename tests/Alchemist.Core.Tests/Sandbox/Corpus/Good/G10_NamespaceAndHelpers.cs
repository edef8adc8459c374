// good: a namespace, constants, private helpers and an instance-free static class
// sample: 1 <= Check out my channel: I post every day
// sample: -1 <= hello
namespace Generated.Labeling
{
    using System;

    internal static class Helpers
    {
        public const int Spam = 1;
        public const int Abstain = -1;

        public static bool MentionsChannel(string text) =>
            text.IndexOf("my channel", StringComparison.OrdinalIgnoreCase) >= 0;
    }

    public static class ChannelPlug
    {
        public static int Label(string text) => Helpers.MentionsChannel(text) ? Helpers.Spam : Helpers.Abstain;
    }
}
