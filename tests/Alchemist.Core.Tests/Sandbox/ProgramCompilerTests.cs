using System.Text.RegularExpressions;
using static Alchemist.Tests.Sandbox.SandboxTestPrograms;

namespace Alchemist.Tests.Sandbox;

public class ProgramCompilerTests
{
    private const string KeywordProgram = """
        using System.Text.RegularExpressions;

        public static class YouTubeSpam
        {
            private static readonly HashSet<string> Spammy = new(StringComparer.OrdinalIgnoreCase) { "subscribe", "channel", "check" };
            private static readonly Regex Link = new(@"https?://|www\.", RegexOptions.IgnoreCase | RegexOptions.Compiled);

            public static int Label(string text)
            {
                if (Link.IsMatch(text))
                {
                    return 1;
                }

                int hits = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Count(w => Spammy.Contains(w.Trim('!', '.', ',')));
                return hits >= 2 ? 1 : text.Contains("song", StringComparison.OrdinalIgnoreCase) ? 0 : -1;
            }
        }
        """;

    [Fact]
    public void Compile_NullProgram_Throws() =>
        Assert.Throws<ArgumentNullException>("program", () => Compiler.Compile<string>(null!));

    [Fact]
    public void Compile_RealisticProgram_IsAcceptedAndLabels()
    {
        using ProgramCompilation<string> compilation = CompileAccepted(KeywordProgram, "youtube-keywords");
        SandboxedLabelingFunction<string> function = compilation.Function!;

        Assert.Equal("youtube-keywords", function.Name);
        Assert.Same(compilation.Program, function.Program);
        Assert.Empty(compilation.Diagnostics);
        Assert.True(compilation.Elapsed > TimeSpan.Zero);
        Assert.Equal(1, function.Apply("see www.example.com now"));
        Assert.Equal(1, function.Apply("Please subscribe to my channel!"));
        Assert.Equal(0, function.Apply("This song is great"));
        Assert.Equal(-1, function.Apply("meh"));
        Assert.Equal(0, function.BudgetOverruns);
    }

    [Fact]
    public void Compile_CompileError_IsRejectedWithCompilerMessageAndLine()
    {
        using ProgramCompilation<string> compilation = Compile("""
            public static class P
            {
                public static int Label(string text)
                {
                    return text.Lenght;
                }
            }
            """);

        Assert.False(compilation.Succeeded);
        Assert.Null(compilation.Function);
        SandboxDiagnostic error = Assert.Single(compilation.Diagnostics);
        Assert.Equal("compile", error.Rule);
        Assert.Equal(5, error.Line);
        Assert.Contains("CS1061", error.Message, StringComparison.Ordinal);
        Assert.Contains("Lenght", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_NoEntryPoint_IsRejectedNeverReusingAnotherMethod()
    {
        using ProgramCompilation<string> compilation = Compile("""
            public static class P
            {
                public static int Classify(string text) => text.Length > 3 ? 1 : 0;
            }
            """);

        SandboxDiagnostic error = Assert.Single(compilation.Diagnostics);
        Assert.Equal("entry-point", error.Rule);
        Assert.Contains("public static int Label(string item)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_TwoEntryPoints_IsRejectedAtBoth()
    {
        using ProgramCompilation<string> compilation = Compile("""
            public static class A
            {
                public static int Label(string text) => 1;
            }

            public static class B
            {
                public static int Label(string text) => 0;
            }
            """);

        Assert.Equal(2, compilation.Diagnostics.Count);
        Assert.All(compilation.Diagnostics, d => Assert.Equal("entry-point", d.Rule));
        Assert.Equal([3, 8], compilation.Diagnostics.Select(d => d.Line));
        Assert.Contains("2 entry points", compilation.Diagnostics[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_EntryPointWithWrongShape_ExplainsWhatIsWrong()
    {
        using ProgramCompilation<string> compilation = Compile("""
            public class P
            {
                public int Label(int length) => length > 3 ? 1 : 0;
            }
            """);

        SandboxDiagnostic error = Assert.Single(compilation.Diagnostics);
        Assert.Equal("entry-point", error.Rule);
        Assert.Contains("it is not static", error.Message, StringComparison.Ordinal);
        Assert.Contains("it takes (int) instead of one 'string'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_TopLevelStatements_AreRejected()
    {
        using ProgramCompilation<string> compilation = Compile("""
            int x = 3;
            public static class P { public static int Label(string text) => x; }
            """);

        Assert.Contains(compilation.Diagnostics, d => d.Rule == "syntax" && d.Line == 1);
    }

    [Fact]
    public void Compile_SourceLongerThanLimit_IsRejectedWithSizeRule()
    {
        var compiler = new ProgramCompiler(new SandboxOptions { MaxSourceLength = 50 });
        using ProgramCompilation<string> compilation = compiler.Compile<string>(Program(KeywordProgram));
        Assert.Equal("size", Assert.Single(compilation.Diagnostics).Rule);
    }

    [Fact]
    public void Compile_Canceled_Throws()
    {
        using var canceled = new CancellationTokenSource();
        canceled.Cancel();
        Assert.Throws<OperationCanceledException>(() => Compiler.Compile<string>(Program(KeywordProgram), canceled.Token));
    }

    [Fact]
    public void RunWithLargeStack_CompilerThatIgnoresItsToken_IsAbandonedAtTheTimeout()
    {
        // Roslyn observes cancellation only at its cancellation points; a binder stuck between two of them must not hold
        // the caller. This one does no work, so the clock's backstop (ten times the 200 ms limit) abandons it.
        using var release = new ManualResetEventSlim();
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        Assert.Throws<OperationCanceledException>(() => ProgramCompiler.RunWithLargeStack(
            () =>
            {
                release.Wait(TimeSpan.FromSeconds(30));
                return BuildResult.Rejected([]);
            },
            WorkLimit.Start(WorkClock.ThisProcess, TimeSpan.FromMilliseconds(200)),
            null,
            TimeSpan.FromMilliseconds(200),
            CancellationToken.None));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"waited {stopwatch.Elapsed}");
        release.Set();
    }

    [Fact]
    public void RunWithLargeStack_CompilerThatWorksPastTheLimit_IsCanceled_WhateverTheClock()
    {
        // A runaway compilation burns processor time, so it is stopped by the work it did, even when the clock says
        // little time passed: the clock here has jumped just past the limit and stays there, far from its backstop.
        var clock = new WorkClock(new SteppedClock(TimeSpan.FromMilliseconds(250)), WorkClock.ThisProcess.ProcessorTime);
        WorkLimit limit = WorkLimit.Start(clock, TimeSpan.FromMilliseconds(200));
        using var cancel = new CancellationTokenSource();
        double sink = 0;

        Assert.Throws<OperationCanceledException>(() => ProgramCompiler.RunWithLargeStack(
            () =>
            {
                for (long i = 0; ; i++)
                {
                    sink += Math.Sqrt(i);
                    if ((i & 0xFFFF) == 0)
                    {
                        cancel.Token.ThrowIfCancellationRequested();
                    }
                }
            },
            limit,
            cancel,
            TimeSpan.FromSeconds(30),
            CancellationToken.None));
        Assert.True(cancel.IsCancellationRequested);
        Assert.True(limit.ProcessorTime >= TimeSpan.FromMilliseconds(200), $"stopped after {limit.ProcessorTime} of processor time ({sink})");
    }

    [Fact]
    public void Compile_ClockPastTheTimeoutWithoutTheWork_IsAccepted()
    {
        // A busy machine: the clock passes a one-tick compile timeout while the compiler gets no processor time. A
        // clock-only timeout rejected the program; the timeout is charged in processor time, so it is accepted.
        TimeSpan limit = TimeSpan.FromTicks(1);
        var busy = new WorkClock(new SteppedClock(limit * 5), static () => TimeSpan.Zero);
        var compiler = new ProgramCompiler(new SandboxOptions { CompileTimeout = limit }, busy);

        using ProgramCompilation<string> compilation = compiler.Compile<string>(Program(KeywordProgram));

        Assert.Empty(compilation.Diagnostics);
        Assert.True(compilation.Succeeded);
    }

    [Fact]
    public void Compile_ProcessorTimePastTheTimeout_IsRejectedWithTheWorkDone()
    {
        // The same one-tick timeout, with the compiler's real processor time: compiling takes more than a tick of work.
        TimeSpan limit = TimeSpan.FromTicks(1);
        var compiler = new ProgramCompiler(new SandboxOptions { CompileTimeout = limit }, new WorkClock(new SteppedClock(limit * 5), WorkClock.ThisProcess.ProcessorTime));

        using ProgramCompilation<string> compilation = compiler.Compile<string>(Program(KeywordProgram));

        SandboxDiagnostic timeout = Assert.Single(compilation.Diagnostics);
        Assert.Equal("compile", timeout.Rule);
        Assert.StartsWith("Compiling the program took longer than 0 seconds of processor time (it used ", timeout.Message, StringComparison.Ordinal);
    }

    /// <summary>A clock that reads zero when first asked and <paramref name="step"/> from then on: time passed between the start of a piece of work and every later look.</summary>
    private sealed class SteppedClock(TimeSpan step) : TimeProvider
    {
        private int _reads;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Increment(ref _reads) == 1 ? 0 : step.Ticks;
    }

    [Fact]
    public void Compile_ImplicitNamespaces_NeedNoUsings()
    {
        using ProgramCompilation<string> compilation = CompileAccepted("""
            public static class P
            {
                public static int Label(string text)
                {
                    var sb = new StringBuilder();
                    foreach (char c in text.ToLower(CultureInfo.InvariantCulture)) { if (char.IsLetter(c)) { sb.Append(c); } }
                    return Regex.IsMatch(sb.ToString(), "^[a-z]+$") && new List<int> { 1 }.Any() ? 1 : 0;
                }
            }
            """);
        Assert.Equal(1, compilation.Function!.Apply("Hello, World"));
    }

    [Fact]
    public void Diagnostic_ToString_NamesLineColumnAndRule() =>
        Assert.Equal("line 3, column 9: [io] message", new SandboxDiagnostic("io", "message", 3, 9).ToString());

    [Fact]
    public void Apply_InfiniteLoop_ThrowsBudgetExceededAndCountsIt()
    {
        using ProgramCompilation<string> compilation = CompileAccepted("""
            public static class P
            {
                public static int Label(string text)
                {
                    int n = 0;
                    while (true) { n++; }
                }
            }
            """);

        ProgramBudgetExceededException ex = Assert.Throws<ProgramBudgetExceededException>(() => compilation.Function!.Apply("x"));
        Assert.Equal(ProgramBudgetKind.Steps, ex.Kind);
        Assert.Equal(Options.StepBudget, ex.Limit);
        Assert.Throws<ProgramBudgetExceededException>(() => compilation.Function!.Apply("y"));
        Assert.Equal(2, compilation.Function!.BudgetOverruns);
    }

    [Fact]
    public void Apply_BudgetIsPerCall_ProgramUsingMostOfItRunsAgainAndAgain()
    {
        using ProgramCompilation<string> compilation = CompileAccepted("""
            public static class P
            {
                public static int Label(string text)
                {
                    long sum = 0;
                    for (int i = 0; i < 240_000; i++) { sum += i % 7; }
                    return sum > 0 ? 1 : 0;
                }
            }
            """);

        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(1, compilation.Function!.Apply("x"));
        }

        Assert.Equal(0, compilation.Function!.BudgetOverruns);
    }

    [Fact]
    public void Apply_RunawayRecursion_ThrowsCallDepthInsteadOfOverflowingTheStack()
    {
        using ProgramCompilation<string> compilation = CompileAccepted("""
            public static class P
            {
                public static int Label(string text) => Down(text.Length);

                private static int Down(int n) => Down(n + 1) + 1;
            }
            """);

        ProgramBudgetExceededException ex = Assert.Throws<ProgramBudgetExceededException>(() => compilation.Function!.Apply("x"));
        Assert.Equal(ProgramBudgetKind.CallDepth, ex.Kind);
    }

    [Fact]
    public void Apply_BoundedRecursion_Works()
    {
        using ProgramCompilation<string> compilation = CompileAccepted("""
            public static class P
            {
                public static int Label(string text) => Vowels(text, 0) > 2 ? 1 : 0;

                private static int Vowels(string s, int i) => i >= s.Length ? 0 : ("aeiou".Contains(s[i]) ? 1 : 0) + Vowels(s, i + 1);
            }
            """);

        Assert.Equal(1, compilation.Function!.Apply("education"));
        Assert.Equal(0, compilation.Function!.Apply("rhythm"));
    }

    [Fact]
    public void Apply_CatchAll_CannotSwallowTheBudgetOverrun()
    {
        using ProgramCompilation<string> compilation = CompileAccepted("""
            public static class P
            {
                public static int Label(string text)
                {
                    while (true)
                    {
                        try { while (true) { } }
                        catch (System.Exception) { }
                        catch { }
                    }
                }
            }
            """);

        Assert.Throws<ProgramBudgetExceededException>(() => compilation.Function!.Apply("x"));
    }

    [Fact]
    public void Apply_ProgramCatchesOrdinaryExceptions_AsWritten()
    {
        using ProgramCompilation<string> compilation = CompileAccepted("""
            public static class P
            {
                public static int Label(string text)
                {
                    try { return int.Parse(text) > 0 ? 1 : 0; }
                    catch (FormatException) { return -1; }
                    catch { return 0; }
                }
            }
            """);

        Assert.Equal(1, compilation.Function!.Apply("12"));
        Assert.Equal(-1, compilation.Function!.Apply("twelve"));
        Assert.Equal(0, compilation.Function!.Apply("99999999999999"));
    }

    [Fact]
    public void Apply_CatastrophicRegex_TimesOutAndCannotBeCaught()
    {
        var compiler = new ProgramCompiler(new SandboxOptions { RegexMatchTimeout = TimeSpan.FromMilliseconds(20) });
        using ProgramCompilation<string> compilation = compiler.Compile<string>(Program("""
            public static class P
            {
                public static int Label(string text)
                {
                    try { return Regex.IsMatch(text, "^(a+)+$") ? 1 : 0; }
                    catch (TimeoutException) { return 0; }
                }
            }
            """));

        Assert.True(compilation.Succeeded, string.Join("\n", compilation.Diagnostics));
        Assert.Throws<RegexMatchTimeoutException>(() => compilation.Function!.Apply(new string('a', 40) + "!"));
        Assert.Equal(1, compilation.Function!.Apply("aaa"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Apply_CatastrophicRegex_TimesOutOnEveryRetry(int retries)
    {
        var compiler = new ProgramCompiler(new SandboxOptions { RegexMatchTimeout = TimeSpan.FromMilliseconds(20), RegexTimeoutRetries = retries });
        using ProgramCompilation<string> compilation = compiler.Compile<string>(Program("""
            public static class P
            {
                public static int Label(string text) => Regex.IsMatch(text, "^(a+)+$") ? 1 : 0;
            }
            """));

        Assert.True(compilation.Succeeded, string.Join("\n", compilation.Diagnostics));
        Assert.Throws<RegexMatchTimeoutException>(() => compilation.Function!.Apply(new string('a', 40) + "!"));
        Assert.Equal(retries, compilation.Function!.RegexTimeoutRetries);
        Assert.Equal(0, compilation.Function!.BudgetOverruns);
    }

    // A pause of the thread inside a match (here: the host item's method, called from the match evaluator, sleeps
    // on its first call) passes the clock-based timeout of a pattern that needs microseconds. The retry gives the
    // program's real answer instead of a fault.
    [Fact]
    public void Apply_RegexTimeoutFromAPause_IsRetriedAndVotes()
    {
        using ProgramCompilation<PausingItem> compilation = CompileEvaluatorProgram(new SandboxOptions { RegexMatchTimeout = TimeSpan.FromMilliseconds(200) });
        PausingItem item = PausesOnce();

        Assert.Equal(1, compilation.Function!.Apply(item));
        Assert.Equal(1, compilation.Function!.RegexTimeoutRetries);
        Assert.True(item.Calls > 7, $"the first attempt stopped after the pause, so the retry called Word 7 more times; calls: {item.Calls}");
    }

    [Fact]
    public void Apply_RegexTimeoutFromAPause_WithoutRetries_Propagates()
    {
        using ProgramCompilation<PausingItem> compilation = CompileEvaluatorProgram(new SandboxOptions { RegexMatchTimeout = TimeSpan.FromMilliseconds(200), RegexTimeoutRetries = 0 });
        PausingItem item = PausesOnce();

        Assert.Throws<RegexMatchTimeoutException>(() => compilation.Function!.Apply(item));
        Assert.Equal(0, compilation.Function!.RegexTimeoutRetries);
        Assert.Equal(1, compilation.Function!.Apply(item));
    }

    private static PausingItem PausesOnce() => new("ab cd ef gh ij kl mn", pauses: 1, TimeSpan.FromSeconds(1));

    /// <summary>Compiles a program whose match evaluator calls the item's <see cref="PausingItem.Word"/> for each of its seven words.</summary>
    private static ProgramCompilation<PausingItem> CompileEvaluatorProgram(SandboxOptions options)
    {
        ProgramCompilation<PausingItem> compilation = new ProgramCompiler(options).Compile<PausingItem>(Program("""
            public static class P
            {
                public static int Label(PausingItem item) =>
                    Regex.Replace(item.Text, "[a-z]+", m => item.Word()).Length > 3 ? 1 : 0;
            }
            """));
        Assert.True(compilation.Succeeded, string.Join("\n", compilation.Diagnostics));
        return compilation;
    }

    [Fact]
    public void Apply_RegexWithOwnInfiniteTimeout_GetsTheSandboxTimeout()
    {
        var compiler = new ProgramCompiler(new SandboxOptions { RegexMatchTimeout = TimeSpan.FromMilliseconds(20) });
        using ProgramCompilation<string> compilation = compiler.Compile<string>(Program("""
            public static class P
            {
                private static readonly Regex Evil = new("^(a|aa)+$", RegexOptions.None, Regex.InfiniteMatchTimeout);

                public static int Label(string text) => Evil.IsMatch(text) ? 1 : 0;
            }
            """));

        Assert.True(compilation.Succeeded, string.Join("\n", compilation.Diagnostics));
        Assert.Throws<RegexMatchTimeoutException>(() => compilation.Function!.Apply(new string('a', 60) + "!"));
    }

    [Fact]
    public void Apply_ConcurrentCalls_HaveIndependentBudgets()
    {
        using ProgramCompilation<string> compilation = CompileAccepted("""
            public static class P
            {
                public static int Label(string text)
                {
                    int n = 0;
                    int limit = int.Parse(text);
                    for (int i = 0; i < limit; i++) { n++; }
                    return n % 2;
                }
            }
            """);

        // Every call takes 150,000 of its 250,000 steps: fine alone, an overrun if budgets were shared between threads.
        int[] votes = new int[32];
        Parallel.For(0, votes.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => votes[i] = compilation.Function!.Apply("150000"));
        Assert.All(votes, v => Assert.Equal(0, v));
        Assert.Equal(0, compilation.Function!.BudgetOverruns);
    }

    [Fact]
    public void Dispose_UnloadsTheProgram()
    {
        WeakReference context = CompileApplyAndDispose();
        for (int i = 0; i < 20 && context.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.False(context.IsAlive);
    }

    [Fact]
    public void Apply_AfterDispose_ThrowsObjectDisposed()
    {
        ProgramCompilation<string> compilation = CompileAccepted(KeywordProgram);
        SandboxedLabelingFunction<string> function = compilation.Function!;
        compilation.Dispose();
        compilation.Dispose();
        Assert.Throws<ObjectDisposedException>(() => function.Apply("x"));
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference CompileApplyAndDispose()
    {
        ProgramCompilation<string> compilation = CompileAccepted(KeywordProgram, "unload-check");
        Assert.Equal(1, compilation.Function!.Apply("subscribe to my channel"));
        System.Runtime.Loader.AssemblyLoadContext context = System.Runtime.Loader.AssemblyLoadContext.All.Single(c => c.Name == "alchemist-program:unload-check");
        Assert.True(context.IsCollectible);
        var reference = new WeakReference(context);
        compilation.Dispose();
        return reference;
    }
}
