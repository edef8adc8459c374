// hostile: grows a StringBuilder through Length forms the rewrite cannot charge (a multiplication, an object initializer) and splits through '?.'
// family: 4
// expect: rejected allocation 13
// expect: rejected allocation 14
// expect: rejected api 15
using System.Text;

public static class P
{
    public static int Label(string text)
    {
        var sb = new StringBuilder(text);
        sb.Length *= 1_000_000;
        var other = new StringBuilder { Length = 60_000_000 };
        string[]? parts = text?.Split(new[] { "a", "b" }, StringSplitOptions.None);
        return (sb.Length + other.Length + parts!.Length) % 2;
    }
}
