// hostile: uses the identity hash code of a new object as a random number
// family: 7
// expect: rejected nondeterminism
public static class P
{
    public static int Label(string text) => new object().GetHashCode() % 2;
}
