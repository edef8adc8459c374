// hostile: a record that contains itself; its generated ToString would recurse without a budget check
// expect: rejected stack 3
public sealed record Node(int Value, Node? Next);

public static class P
{
    public static int Label(string text)
    {
        Node? list = null;
        for (int i = 0; i < 200_000; i++)
        {
            list = new Node(i, list);
        }

        return list!.ToString().Length > 0 ? 1 : 0;
    }
}
