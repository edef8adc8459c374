using BenchmarkDotNet.Attributes;

namespace Alchemist.Benchmarks;

/// <summary>
/// The fixed cost of one sandboxed call (issue 15, item 2), on programs that do almost nothing, so that what is
/// measured is <see cref="SandboxedLabelingFunction{TItem}.Apply"/> and the budget checks, not the program: a length
/// test (an offline-mined program) and one keyword search (the shape of the plain keyword functions), each plain and
/// sandboxed, and the two runtime calls every budget check makes.
/// </summary>
public class SandboxCallBenchmarks
{
    private const string Text = "Check out my channel, I post new covers every week! subscribe please";

    private ProgramCompilation<string> _length = null!;
    private ProgramCompilation<string> _keyword = null!;
    private ProgramCompilation<string> _loop = null!;
    private ProgramCompilation<string> _loopWithoutSteps = null!;
    private Func<string, int> _plainLength = null!;
    private Func<string, int> _plainKeyword = null!;
    private Func<string, int> _plainLoop = null!;

    private static LabelingProgram LengthProgram() => new("length", """
        public static class Short
        {
            public static int Label(string text) => text.Length <= 15 ? 0 : -1;
        }
        """, new ProgramProvenance { Synthesizer = "benchmark" });

    private static LabelingProgram KeywordProgram() => new("keyword", """
        using System;

        public static class Keyword
        {
            public static int Label(string text) => text.Contains("subscribe", StringComparison.OrdinalIgnoreCase) ? 1 : -1;
        }
        """, new ProgramProvenance { Synthesizer = "benchmark" });

    private static LabelingProgram LoopProgram() => new("loop", """
        public static class Shouting
        {
            public static int Label(string text)
            {
                int letters = 0, upper = 0;
                foreach (char c in text)
                {
                    if (char.IsLetter(c)) { letters++; if (char.IsUpper(c)) { upper++; } }
                }

                return letters > 12 && upper * 2 > letters ? 1 : -1;
            }
        }
        """, new ProgramProvenance { Synthesizer = "benchmark" });

    [GlobalSetup]
    public void Setup()
    {
        var compiler = new ProgramCompiler();
        _length = Check(compiler.Compile<string>(LengthProgram()));
        _keyword = Check(compiler.Compile<string>(KeywordProgram()));
        _loop = Check(compiler.Compile<string>(LoopProgram()));
        _loopWithoutSteps = Check(new ProgramCompiler(new SandboxOptions { ChargeSteps = false }).Compile<string>(LoopProgram()));
        _plainLength = static text => text.Length <= 15 ? 0 : -1;
        _plainKeyword = static text => text.Contains("subscribe", StringComparison.OrdinalIgnoreCase) ? 1 : -1;
        _plainLoop = static text =>
        {
            int letters = 0, upper = 0;
            foreach (char c in text)
            {
                if (char.IsLetter(c)) { letters++; if (char.IsUpper(c)) { upper++; } }
            }

            return letters > 12 && upper * 2 > letters ? 1 : -1;
        };
    }

    private static ProgramCompilation<string> Check(ProgramCompilation<string> compilation) =>
        compilation.Succeeded ? compilation : throw new InvalidOperationException("Rejected: " + string.Join("; ", compilation.Diagnostics));

    [GlobalCleanup]
    public void Cleanup()
    {
        _length.Dispose();
        _keyword.Dispose();
        _loop.Dispose();
        _loopWithoutSteps.Dispose();
    }

    /// <summary>The runtime call that every step, entry and call start makes to check the memory budget.</summary>
    [Benchmark]
    public long AllocatedBytes() => GC.GetAllocatedBytesForCurrentThread();

    [Benchmark]
    public int LengthPlain() => _plainLength(Text);

    [Benchmark]
    public int LengthSandboxed() => _length.Function!.Apply(Text);

    [Benchmark]
    public int KeywordPlain() => _plainKeyword(Text);

    [Benchmark]
    public int KeywordSandboxed() => _keyword.Function!.Apply(Text);

    /// <summary>A loop over the 68 characters: one step each.</summary>
    [Benchmark]
    public int LoopPlain() => _plainLoop(Text);

    [Benchmark]
    public int LoopSandboxedWithoutSteps() => _loopWithoutSteps.Function!.Apply(Text);

    [Benchmark]
    public int LoopSandboxed() => _loop.Function!.Apply(Text);
}
