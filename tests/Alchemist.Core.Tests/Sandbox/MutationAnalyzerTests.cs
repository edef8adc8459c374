using static Alchemist.Tests.Sandbox.SandboxTestPrograms;

namespace Alchemist.Tests.Sandbox;

/// <summary>Ways of reaching a static table to change it; each must be refused with the static-state rule.</summary>
public class MutationAnalyzerTests
{
    private const string Prelude = """
        using System.Collections.Generic;
        using System.Linq;

        public sealed class Holder
        {
            public List<string> List { get; set; } = new();
        }

        public static class P
        {
            private static readonly List<string> Seen = new();
            private static readonly Dictionary<string, List<string>> Map = new() { ["a"] = new() };
            private static readonly List<List<string>> Nested = new() { new() };

            private static T Id<T>(T value) => value;

            private static void Get(out List<string> list) => list = Seen;

            private static IEnumerable<List<string>> Each() { yield return Seen; }

            public static int Label(string text)
            {
                BODY
                return 0;
            }
        }
        """;

    [Theory]
    [InlineData("var t = (Seen, 1); t.Item1.Add(text);")]
    [InlineData("var h = new Holder { List = Seen }; h.List.Add(text);")]
    [InlineData("Func<List<string>> get = () => Seen; get().Add(text);")]
    [InlineData("Get(out var mine); mine.Add(text);")]
    [InlineData("foreach (var list in Each()) { list.Add(text); }")]
    [InlineData("List<string> l = new(); Action a = () => l = Seen; a(); l.Add(text);")]
    [InlineData("if (Seen is List<string> l) { l.Add(text); }")]
    [InlineData("var l = text.Length > 3 ? Seen : new List<string>(); l.Clear();")]
    [InlineData("var all = new[] { Seen }; all[0].Add(text);")]
    [InlineData("var nested = new List<List<string>> { Seen }; nested[0].Add(text);")]
    [InlineData("Map.Values.First().Add(text);")]
    [InlineData("Id(Seen).Add(text);")]
    [InlineData("Map.TryGetValue(\"a\", out var list); list!.Add(text);")]
    [InlineData("foreach (var (key, value) in Map) { value.Add(key); }")]
    [InlineData("Map.Select(kv => kv.Value).First().Add(text);")]
    [InlineData("var copy = Nested.ToList(); copy[0].Add(text);")]
    [InlineData("Seen.ForEach(s => Seen.Remove(s));")]
    [InlineData("var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(Seen);")]
    public void Label_ReachingAStaticTableToChangeIt_IsRejected(string body)
    {
        using ProgramCompilation<string> compilation = Compile(Prelude.Replace("BODY", body, StringComparison.Ordinal));
        Assert.False(compilation.Succeeded);
        Assert.Contains(compilation.Diagnostics, d => d.Rule is "static-state" or "unsafe");
    }

    [Theory]
    [InlineData("var copy = Seen.ToList(); copy.Add(text);")]
    [InlineData("var set = new HashSet<string>(Seen); set.Add(text);")]
    [InlineData("var h = new Holder(); h.List.Add(text);")]
    [InlineData("if (Map.TryGetValue(text, out var list) && list.Contains(text)) { return 1; }")]
    [InlineData("foreach (var (key, value) in Map) { if (value.Count > 0 && key == text) { return 1; } }")]
    [InlineData("var words = Seen.Where(s => s.Length > 2).Select(s => s.ToUpperInvariant()).ToList(); words.Sort();")]
    [InlineData("int count = 0; Seen.ForEach(s => count++); void Bump() => count += 2; Bump(); if (count > 100) { return 1; }")]
    public void Label_ReadingStaticTablesAndChangingCopies_IsAccepted(string body)
    {
        using ProgramCompilation<string> compilation = CompileAccepted(Prelude.Replace("BODY", body, StringComparison.Ordinal));
        Assert.Equal(0, compilation.Function!.Apply("b"));
    }
}
