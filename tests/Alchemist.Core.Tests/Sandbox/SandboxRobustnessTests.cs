using System.Diagnostics;
using Xunit.Abstractions;
using static Alchemist.Tests.Sandbox.SandboxTestPrograms;

namespace Alchemist.Tests.Sandbox;

public class SandboxRobustnessTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("parentheses")]
    [InlineData("interpolations")]
    [InlineData("statements")]
    [InlineData("tuples")]
    public void Compile_DeeplyNestedSource_IsRejectedWithoutOverflowingTheStack(string shape)
    {
        // Roslyn's parser recurses on nesting and is slow on it: 40,000 nested parentheses overflow a thread-pool stack and
        // end the process, 30,000 take 44 s to parse, and 7,500 nested interpolated strings take 18 minutes.
        int depth = 20_000;
        string expression = shape switch
        {
            "parentheses" => new string('(', depth) + "1" + new string(')', depth),
            "interpolations" => string.Concat(Enumerable.Repeat("$\"{", depth / 4)) + "1" + string.Concat(Enumerable.Repeat("}\"", depth / 4)) + ".Length",
            "tuples" => string.Concat(Enumerable.Repeat("((1, ", depth / 4)) + "1" + string.Concat(Enumerable.Repeat("), 1).Item1", depth / 4)),
            _ => "1",
        };
        string body = shape == "statements"
            ? string.Concat(Enumerable.Repeat("if (t.Length > 0) { ", depth / 8)) + "return 1;" + string.Concat(Enumerable.Repeat(" }", depth / 8)) + " return 0;"
            : $"return {expression} > 0 ? 1 : 0;";

        using ProgramCompilation<string> compilation = Compile($"public static class P {{ public static int Label(string t) {{ {body} }} }}");

        SandboxDiagnostic tooDeep = Assert.Single(compilation.Diagnostics);
        Assert.Equal("syntax", tooDeep.Rule);
        Assert.Contains("more than 256 deep", tooDeep.Message, StringComparison.Ordinal);
        Assert.Equal(1, tooDeep.Line);
    }

    [Fact]
    public void Compile_LongConditionChain_IsFineUpToTheSyntaxDepthLimit()
    {
        string chain = string.Join(" || ", Enumerable.Range(0, 400).Select(i => $"t.Contains(\"w{i}\")"));
        using ProgramCompilation<string> compilation = CompileAccepted($"public static class P {{ public static int Label(string t) => {chain} ? 1 : 0; }}");
        Assert.Equal(1, compilation.Function!.Apply("xx w399 yy"));
        Assert.Equal(0, compilation.Function!.Apply("nothing"));
    }

    [Fact]
    public void Compile_ChainDeeperThanTheSyntaxDepthLimit_IsRejected()
    {
        string chain = string.Join(" + ", Enumerable.Range(0, 2000).Select(i => "t"));
        using ProgramCompilation<string> compilation = Compile($"public static class P {{ public static int Label(string t) => ({chain}).Length; }}");
        Assert.Contains(compilation.Diagnostics, d => d.Rule == "syntax" && d.Message.Contains("more than 512 deep", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("var s = \":( :( :( :(\"; var v = @\"(((( \"\"(\"; var r = \"\"\"\n    ((((\n    \"\"\"; char c = '('; char q = '\\'';")]
    [InlineData("// ((((((((\n /* [[[[[[ */ var s = $\"{t}(((({{\";")]
    public void Prescan_BracketsInStringsAndComments_AreNotCounted(string statements)
    {
        string source = $"public static class P {{ public static int Label(string t) {{ {string.Concat(Enumerable.Repeat(statements, 100))} return 1; }} }}";
        Assert.True(SourcePrescan.MaxDepth(source, out _) < 10);
    }

    [Fact]
    public void Compile_LambdasNestedFourDeep_AreRejectedBeforeOverloadResolutionExplodes()
    {
        // Binding Sum(a => Sum(b => ...)) takes time exponential in the depth: about 0.9 s at 3, 3.7 s at 4, 16 s at 5 and
        // ten minutes at 7 on the project machines, and Roslyn does not check for cancellation while it does so.
        string body = "1";
        for (int i = 0; i < 7; i++)
        {
            body = $"xs.Sum(a{i} => {body})";
        }

        var stopwatch = Stopwatch.StartNew();
        using ProgramCompilation<string> compilation = Compile($"public static class P {{ static readonly int[] xs = {{ 1 }}; public static int Label(string t) => {body} > 0 ? 1 : 0; }}");
        output.WriteLine($"{stopwatch.Elapsed.TotalMilliseconds:0} ms");
        SandboxDiagnostic nested = Assert.Single(compilation.Diagnostics);
        Assert.Equal("syntax", nested.Rule);
        Assert.Contains("nested more than 3 deep", nested.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_LambdasNestedThreeDeep_AreFine()
    {
        using ProgramCompilation<string> compilation = CompileAccepted("""
            public static class P
            {
                private static readonly string[][] Groups = { new[] { "a", "b" }, new[] { "c" } };

                public static int Label(string t) => Groups.Any(g => g.Any(w => t.Split(' ').Any(x => x == w))) ? 1 : 0;
            }
            """);
        Assert.Equal(1, compilation.Function!.Apply("x c"));
        Assert.Equal(0, compilation.Function!.Apply("x y"));
    }
}
