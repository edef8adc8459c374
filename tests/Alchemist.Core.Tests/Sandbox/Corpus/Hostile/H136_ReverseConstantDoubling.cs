// hostile: constants doubled 22 times, declared in reverse order in another class, so that a bound computed in declaration order would lag behind
// family: 6
// expect: rejected allocation
public static class P
{
    public static int Label(string text) => Q.C22.Length % 2;
}

public static class Q
{
    public const string C22 = C21 + C21;
    public const string C21 = C20 + C20;
    public const string C20 = C19 + C19;
    public const string C19 = C18 + C18;
    public const string C18 = C17 + C17;
    public const string C17 = C16 + C16;
    public const string C16 = C15 + C15;
    public const string C15 = C14 + C14;
    public const string C14 = C13 + C13;
    public const string C13 = C12 + C12;
    public const string C12 = C11 + C11;
    public const string C11 = C10 + C10;
    public const string C10 = C9 + C9;
    public const string C9 = C8 + C8;
    public const string C8 = C7 + C7;
    public const string C7 = C6 + C6;
    public const string C6 = C5 + C5;
    public const string C5 = C4 + C4;
    public const string C4 = C3 + C3;
    public const string C3 = C2 + C2;
    public const string C2 = C1 + C1;
    public const string C1 = C0 + C0;
    public const string C0 = "0123456789abcdef";
}
