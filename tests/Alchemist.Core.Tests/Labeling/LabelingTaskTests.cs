namespace Alchemist.Tests.Labeling;

public class LabelingTaskTests
{
    [Fact]
    public void Ctor_ValidArguments_ExposesClasses()
    {
        var task = new LabelingTask("spam", "Is a comment spam?", ["ham", "spam"]);
        Assert.Equal(2, task.ClassCount);
        Assert.Equal(1, task.GetLabel("spam"));
        Assert.Equal("spam (ham, spam)", task.ToString());
    }

    [Fact]
    public void Ctor_OneClass_Throws()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>("classNames", () => new LabelingTask("t", "", ["only"]));
        Assert.StartsWith("A labeling task needs between 2 and 127 classes; 1 were given.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ctor_RepeatedClass_Throws() =>
        Assert.Throws<ArgumentException>("classNames", () => new LabelingTask("t", "", ["a", "a"]));

    [Fact]
    public void Ctor_BlankName_Throws() =>
        Assert.Throws<ArgumentException>("name", () => new LabelingTask(" ", "", ["a", "b"]));

    [Fact]
    public void GetLabel_UnknownClass_ListsTheClasses()
    {
        var task = new LabelingTask("t", "", ["a", "b"]);
        ArgumentException ex = Assert.Throws<ArgumentException>("className", () => task.GetLabel("c"));
        Assert.Contains("Its classes are: a, b.", ex.Message, StringComparison.Ordinal);
    }
}
