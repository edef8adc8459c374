using System.Text.RegularExpressions;
using static Alchemist.Tests.Sandbox.SandboxTestPrograms;

namespace Alchemist.Tests.Sandbox;

/// <summary>The rewrite compiles to IL the regexes a program builds once (static initializers, short constant patterns), and no other.</summary>
public class RegexCompiledRewriteTests
{
    private const string Compiled = "RegexOptions.Compiled";

    [Fact]
    public void Rewrite_StaticFieldRegexWithConstantPattern_IsCompiledAndVotesAsBefore()
    {
        using ProgramCompilation<string> compilation = CompileAccepted("""
            using System.Text.RegularExpressions;

            public static class P
            {
                private static readonly Regex Url = new(@"https?://|www\.|\b[a-z0-9-]+\.(com|net)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, System.TimeSpan.FromMilliseconds(100));
                private static readonly Regex Shout = new Regex(@"\b[A-Z]{3,}\b");
                private static Regex Digits { get; } = new("[0-9]+", RegexOptions.None);

                public static int Label(string text) => Url.IsMatch(text) ? 1 : Shout.IsMatch(text) ? 0 : Digits.IsMatch(text) ? 0 : -1;
            }
            """);

        Assert.Equal(3, Occurrences(compilation.RewrittenSource!, Compiled));
        Assert.Equal(1, compilation.Function!.Apply("see www.example.com"));
        Assert.Equal(1, compilation.Function!.Apply("Visit Shop.NET today"));
        Assert.Equal(0, compilation.Function!.Apply("I LOVE it"));
        Assert.Equal(0, compilation.Function!.Apply("track 12"));
        Assert.Equal(-1, compilation.Function!.Apply("nice song"));
    }

    [Fact]
    public void Rewrite_RegexBuiltInCallsOrPerInstanceOrPerType_StaysInterpreted()
    {
        string longPattern = new('a', 1_001);
        using ProgramCompilation<string> compilation = CompileAccepted($$"""
            using System;
            using System.Text.RegularExpressions;

            public static class P
            {
                private static readonly Func<string, bool> Lazy = s => new Regex("b+").IsMatch(s);
                private static readonly Regex Long = new("{{longPattern}}");
                private static readonly RegexOptions Options = RegexOptions.IgnoreCase;
                private static readonly Regex NotConstantOptions = new("c+", Options);

                public static int Label(string text)
                {
                    var local = new Regex("d+");
                    return Lazy(text) || local.IsMatch(text) || Long.IsMatch(text) || NotConstantOptions.IsMatch(text) || new Holder().E.IsMatch(text) || Generic<int>.F.IsMatch(text) ? 1 : -1;
                }
            }

            public sealed class Holder
            {
                public readonly Regex E = new("e+");
            }

            public static class Generic<T>
            {
                public static readonly Regex F = new("f+");
            }
            """);

        Assert.DoesNotContain(Compiled, compilation.RewrittenSource!, StringComparison.Ordinal);
        Assert.Equal(1, compilation.Function!.Apply("bb"));
        Assert.Equal(1, compilation.Function!.Apply("ff"));
        Assert.Equal(-1, compilation.Function!.Apply("xyz"));
    }

    [Fact]
    public void Apply_CompiledStaticRegex_StillTimesOut()
    {
        var compiler = new ProgramCompiler(new SandboxOptions { RegexMatchTimeout = TimeSpan.FromMilliseconds(20) });
        using ProgramCompilation<string> compilation = compiler.Compile<string>(Program("""
            using System.Text.RegularExpressions;

            public static class P
            {
                private static readonly Regex Catastrophic = new("^(a+)+$", RegexOptions.None, Regex.InfiniteMatchTimeout);

                public static int Label(string text) => Catastrophic.IsMatch(text) ? 1 : 0;
            }
            """));

        Assert.True(compilation.Succeeded, string.Join("\n", compilation.Diagnostics));
        Assert.Contains(Compiled, compilation.RewrittenSource!, StringComparison.Ordinal);
        Assert.Equal(1, compilation.Function!.Apply("aaa"));
        Assert.Throws<RegexMatchTimeoutException>(() => compilation.Function!.Apply(new string('a', 40) + "!"));
    }

    private static int Occurrences(string text, string value)
    {
        int count = 0;
        for (int at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
