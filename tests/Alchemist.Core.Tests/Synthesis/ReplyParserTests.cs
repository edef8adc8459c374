namespace Alchemist.Tests.Synthesis;

public class ReplyParserTests
{
    [Theory]
    [InlineData("csharp")]
    [InlineData("cs")]
    [InlineData("c#")]
    [InlineData("C#")]
    [InlineData("CSharp")]
    [InlineData("")]
    public void TryGetFirstCodeBlock_CSharpOrPlainFence_ReturnsBody(string language)
    {
        string reply = $"Here it is:\n```{language}\nclass P {{ }}\n```\nDone.";
        Assert.True(ReplyParser.TryGetFirstCodeBlock(reply, out string? code, out string? reason));
        Assert.Equal("class P { }\n", code);
        Assert.Null(reason);
    }

    [Fact]
    public void TryGetFirstCodeBlock_TwoBlocks_TakesTheFirst()
    {
        string reply = "```csharp\nclass First { }\n```\ntext\n```csharp\nclass Second { }\n```";
        Assert.True(ReplyParser.TryGetFirstCodeBlock(reply, out string? code, out _));
        Assert.Equal("class First { }\n", code);
    }

    [Fact]
    public void TryGetFirstCodeBlock_OtherLanguageFirst_SkipsIt()
    {
        string reply = "```python\ndef label(x): return 1\n```\n```cs\nclass P { }\n```";
        Assert.True(ReplyParser.TryGetFirstCodeBlock(reply, out string? code, out _));
        Assert.Equal("class P { }\n", code);
    }

    [Fact]
    public void TryGetFirstCodeBlock_OnlyOtherLanguages_RejectsWithReason()
    {
        Assert.False(ReplyParser.TryGetFirstCodeBlock("```python\nx = 1\n```", out string? code, out string? reason));
        Assert.Null(code);
        Assert.Equal("The reply has code blocks, but none in C# (```csharp).", reason);
    }

    [Fact]
    public void TryGetFirstCodeBlock_NoFence_RejectsWithReason()
    {
        Assert.False(ReplyParser.TryGetFirstCodeBlock("I cannot write that program, sorry. public static int Label(string s) => 1;", out _, out string? reason));
        Assert.Equal("The reply has no code block; a program must come in a ```csharp fenced block.", reason);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   \n ")]
    public void TryGetFirstCodeBlock_EmptyReply_Rejects(string? reply)
    {
        Assert.False(ReplyParser.TryGetFirstCodeBlock(reply, out _, out string? reason));
        Assert.Equal("The reply is empty.", reason);
    }

    [Fact]
    public void TryGetFirstCodeBlock_EmptyBlock_Rejects()
    {
        Assert.False(ReplyParser.TryGetFirstCodeBlock("```csharp\n\n```", out _, out string? reason));
        Assert.Equal("The reply's C# code block is empty.", reason);
    }

    [Fact]
    public void TryGetFirstCodeBlock_CrLfAndIndentedFenceAndTildes_Parsed()
    {
        Assert.True(ReplyParser.TryGetFirstCodeBlock("x\r\n  ~~~csharp\r\nclass P { }\r\n  ~~~\r\n", out string? code, out _));
        Assert.Equal("class P { }\n", code);
    }

    [Fact]
    public void TryGetFirstCodeBlock_LongerOpeningFence_NeedsAsLongAClosingFence()
    {
        string reply = "````csharp\nvar s = \"```\";\n```\nclass P { }\n````";
        Assert.True(ReplyParser.TryGetFirstCodeBlock(reply, out string? code, out _));
        Assert.Equal("var s = \"```\";\n```\nclass P { }\n", code);
    }

    [Fact]
    public void TryGetFirstCodeBlock_Unterminated_RunsToTheEnd()
    {
        Assert.True(ReplyParser.TryGetFirstCodeBlock("```csharp\nclass P {\n  public static int Label(string s) {", out string? code, out _));
        Assert.Equal("class P {\n  public static int Label(string s) {\n", code);
    }

    [Fact]
    public void TryGetFirstCodeBlock_InfoStringWithFileName_IsCSharp()
    {
        Assert.True(ReplyParser.TryGetFirstCodeBlock("```csharp Program.cs\nclass P { }\n```", out string? code, out _));
        Assert.Equal("class P { }\n", code);
    }

    [Fact]
    public void TryGetFirstCodeBlock_InlineTripleBackticks_AreNotAFence()
    {
        Assert.False(ReplyParser.TryGetFirstCodeBlock("Use ```csharp``` blocks, like ```this```.", out _, out _));
    }
}
