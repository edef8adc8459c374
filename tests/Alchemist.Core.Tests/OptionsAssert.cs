namespace Alchemist.Tests;

/// <summary>Asserts the one way every component rejects invalid options: an <see cref="ArgumentException"/> for the options parameter whose message names each member at fault.</summary>
internal static class OptionsAssert
{
    public static ArgumentException Rejects(Func<object> create, params string[] members)
    {
        ArgumentException ex = Assert.Throws<ArgumentException>(create);
        Assert.Equal("options", ex.ParamName);
        foreach (string member in members)
        {
            Assert.Contains(member, ex.Message, StringComparison.Ordinal);
        }

        return ex;
    }
}
