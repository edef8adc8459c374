// hostile: local constants doubled through constant interpolated strings
// family: 6
// expect: rejected allocation
public static class P
{
    public static int Label(string text)
    {
        const string b0 = "0123456789abcdef";
        const string b1 = $"{b0}{b0}";
        const string b2 = $"{b1}{b1}";
        const string b3 = $"{b2}{b2}";
        const string b4 = $"{b3}{b3}";
        const string b5 = $"{b4}{b4}";
        const string b6 = $"{b5}{b5}";
        const string b7 = $"{b6}{b6}";
        const string b8 = $"{b7}{b7}";
        const string b9 = $"{b8}{b8}";
        const string b10 = $"{b9}{b9}";
        const string b11 = $"{b10}{b10}";
        const string b12 = $"{b11}{b11}";
        const string b13 = $"{b12}{b12}";
        const string b14 = $"{b13}{b13}";
        const string b15 = $"{b14}{b14}";
        const string b16 = $"{b15}{b15}";
        const string b17 = $"{b16}{b16}";
        const string b18 = $"{b17}{b17}";
        const string b19 = $"{b18}{b18}";
        const string b20 = $"{b19}{b19}";
        const string b21 = $"{b20}{b20}";
        const string b22 = $"{b21}{b21}";
        return b22.Length % 2;
    }
}
