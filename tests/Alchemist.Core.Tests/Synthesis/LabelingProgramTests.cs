namespace Alchemist.Tests.Synthesis;

public class LabelingProgramTests
{
    private static readonly ProgramProvenance Handwritten = new() { Synthesizer = "hand-written" };

    [Fact]
    public void ContentHash_IgnoresLineEndingsAndTrailingWhiteSpace()
    {
        var a = new LabelingProgram("a", "class P {\n  public static int Label(string s) => -1;\n}\n", Handwritten);
        var b = new LabelingProgram("b", "class P {\r\n  public static int Label(string s) => -1;\r\n}   ", Handwritten);
        Assert.Equal(a.ContentHash, b.ContentHash);
        Assert.Equal(64, a.ContentHash.Length);
        Assert.Matches("^[0-9a-f]{64}$", a.ContentHash);
    }

    [Fact]
    public void ContentHash_DiffersForDifferentSource() =>
        Assert.NotEqual(LabelingProgram.ComputeHash("a"), LabelingProgram.ComputeHash("b"));

    [Theory]
    [InlineData("llm-007")]
    [InlineData("offline_12.v2")]
    public void Ctor_ValidNames_Accepted(string name) => Assert.Equal(name, new LabelingProgram(name, "x", Handwritten).Name);

    [Theory]
    [InlineData("../escape")]
    [InlineData("a b")]
    [InlineData(".hidden")]
    [InlineData("a/b")]
    public void Ctor_UnsafeNames_Rejected(string name) =>
        Assert.Throws<ArgumentException>("name", () => new LabelingProgram(name, "x", Handwritten));

    [Fact]
    public void Ctor_BlankSource_Throws() =>
        Assert.Throws<ArgumentException>("source", () => new LabelingProgram("a", " ", Handwritten));

    [Fact]
    public void ProgramValidation_InvalidNeedsAProblem() =>
        Assert.Throws<ArgumentException>("problems", () => ProgramValidation.Invalid());
}
