using System.Diagnostics;
using System.Reflection;

namespace Alchemist;

/// <summary>Compiles labeling programs in the sandbox: checks them, rewrites them to run under a budget, and loads them in collectible load contexts.</summary>
/// <remarks>
/// <para>
/// .NET has no in-process security boundary, so the sandbox is layered (see docs/sandbox.md): a program is compiled
/// against a small set of assemblies, every symbol it touches must be on an allow-list, static state and the item
/// may only be read, and the accepted program is rewritten so that loops, calls, LINQ elements and sized allocations
/// charge a per-call budget, regular expressions time out, and budget overruns cannot be caught.
/// </para>
/// <para>Instances are immutable and thread-safe; compile several programs concurrently if you like.</para>
/// </remarks>
/// <example>
/// <code>
/// var compiler = new ProgramCompiler();
/// using ProgramCompilation&lt;string&gt; compilation = compiler.Compile&lt;string&gt;(program);
/// if (compilation.Function is { } function)
/// {
///     int vote = function.Apply("Check out my channel!");
/// }
/// else
/// {
///     foreach (SandboxDiagnostic reason in compilation.Diagnostics) Console.WriteLine(reason);
/// }
/// </code>
/// </example>
public sealed class ProgramCompiler
{
    /// <summary>The stack of the compiler thread: 256 MiB, enough for Roslyn to parse any source within the length limit.</summary>
    private const int CompilerStackSize = 256 * 1024 * 1024;

    /// <summary>How long past <see cref="SandboxOptions.CompileTimeout"/> the caller waits for the compiler to reach a cancellation point before abandoning it.</summary>
    private static readonly TimeSpan CompileTimeoutGrace = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Compiles a fixed, trivial program once per process before the first timed compilation, so that loading and
    /// JIT-compiling Roslyn (seconds in a fresh worker process, tens of seconds on a loaded machine) is not charged to
    /// the first program's <see cref="SandboxOptions.CompileTimeout"/>. Every program is still held to the timeout.
    /// </summary>
    private static readonly Lazy<bool> CompilerWarmedUp = new(static () =>
    {
        try
        {
            var program = new LabelingProgram("warm-up", "public static class WarmUp { public static int Label(string item) => item.Length > 0 ? 0 : -1; }", new ProgramProvenance { Synthesizer = "sandbox" });
            return ProgramBuilder.Build(program, ItemTypeContext.For(typeof(string)), new SandboxOptions(), CancellationToken.None).Image is not null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return false; // best effort: the first real compilation then pays the start-up itself
        }
    });

    private readonly SandboxOptions _options;
    private readonly WorkClock _clock;

    /// <summary>Initializes a new instance of the <see cref="ProgramCompiler"/> class.</summary>
    /// <param name="options">The limits; the defaults when <see langword="null"/>. Validated here, and read when a program is compiled and run.</param>
    /// <exception cref="ArgumentException">An option is out of range; the message lists every problem.</exception>
    public ProgramCompiler(SandboxOptions? options = null)
        : this(options, WorkClock.ThisProcess)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ProgramCompiler"/> class that reads the compile timeout's clocks from <paramref name="clock"/> (tests script them).</summary>
    internal ProgramCompiler(SandboxOptions? options, WorkClock clock)
    {
        _options = OptionsValidation.ThrowIfInvalid(new SandboxOptionsValidator(), options ?? new SandboxOptions(), nameof(options));
        _clock = clock;
    }

    /// <summary>Gets the options the compiler uses.</summary>
    public SandboxOptions Options => _options;

    /// <summary>Compiles a labeling program for items of type <typeparamref name="TItem"/>.</summary>
    /// <typeparam name="TItem">The item type: <see cref="string"/>, or a type of the host whose public members the program reads.</typeparam>
    /// <param name="program">The program.</param>
    /// <param name="cancellationToken">Cancels the compilation.</param>
    /// <returns>The compilation: a function when the program was accepted, the reasons otherwise. Dispose it to unload the program.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="program"/> is <see langword="null"/>.</exception>
    /// <exception cref="NotSupportedException">The item type's assembly or the shared framework is not on disk.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public ProgramCompilation<TItem> Compile<TItem>(LabelingProgram program, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(program);
        cancellationToken.ThrowIfCancellationRequested();
        var stopwatch = Stopwatch.StartNew();
        ItemTypeContext item = ItemTypeContext.For(typeof(TItem));
        BuildResult build = BuildImage(program, item, cancellationToken);
        if (build.Image is not { } image || build.EntryTypeName is not { } entryTypeName)
        {
            return new ProgramCompilation<TItem>(program, null, build.Diagnostics, stopwatch.Elapsed, null, build.RewrittenSource);
        }

        return Load<TItem>(program, item, image, entryTypeName, build, stopwatch, _options);
    }

    /// <summary>Takes a program through the sandbox layers up to the emitted image, without loading it: <see cref="Compile"/> loads it here, a sandbox worker process loads it there.</summary>
    internal BuildResult BuildImage(LabelingProgram program, ItemTypeContext item, CancellationToken cancellationToken)
    {
        _ = CompilerWarmedUp.Value;
        BuildResult build;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            // The timeout bounds the compiler's work, so it is charged in processor time (WorkLimit): a compilation
            // that only waited for a processor on a busy machine is not rejected for it.
            WorkLimit limit = WorkLimit.Start(_clock, _options.CompileTimeout);
            try
            {
                build = RunWithLargeStack(() => ProgramBuilder.Build(program, item, _options, timeout.Token), limit, timeout, CompileTimeoutGrace, cancellationToken);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                build = BuildResult.Rejected(new SandboxDiagnostic(SandboxRules.Compile,
                    $"Compiling the program took longer than {_options.CompileTimeout.TotalSeconds:0.#} seconds of processor time (it {limit.Describe()}); write a simpler program.", 0, 0));
            }
            catch (InsufficientExecutionStackException)
            {
                build = BuildResult.Rejected(new SandboxDiagnostic(SandboxRules.Compile,
                    "The program is nested too deeply to compile; write flatter expressions and statements.", 0, 0));
            }
        }

        return build;
    }

    /// <summary>
    /// Runs the compiler on a thread with a large stack. Roslyn's parser and lexer recurse on nesting without always
    /// checking the stack, so hostile source (tens of thousands of nested parentheses or interpolated strings) could
    /// otherwise overflow the caller's stack, which would end the process. The stack is reserved, not committed.
    /// </summary>
    /// <remarks>
    /// The compiler is given a token that <paramref name="cancelAtLimit"/> cancels once <paramref name="limit"/> has
    /// passed, but Roslyn observes it only at its cancellation points, and a binder busy between two of them (overload
    /// resolution over nested lambdas and queries) can run for minutes. So the caller waits at most
    /// <paramref name="grace"/> more: past it the compilation is abandoned (its thread is a background thread whose token
    /// is already canceled, and it stops at its next cancellation point) and the caller sees an
    /// <see cref="OperationCanceledException"/>, which it reports as a compile timeout.
    /// </remarks>
    internal static BuildResult RunWithLargeStack(Func<BuildResult> build, WorkLimit limit, CancellationTokenSource? cancelAtLimit, TimeSpan grace, CancellationToken cancellationToken)
    {
        BuildResult? result = null;
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? failure = null;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(
            () =>
            {
                try
                {
                    result = build();
                }
#pragma warning disable CA1031 // Every failure is rethrown on the caller's thread below.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    failure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex);
                }
                finally
                {
                    done.TrySetResult();
                }
            },
            CompilerStackSize)
        {
            Name = "Alchemist sandbox compiler",
            IsBackground = true,
        };
        thread.Start();
        while (!done.Task.IsCompleted)
        {
            TimeSpan remaining = limit.Remaining;
            if (remaining <= TimeSpan.Zero)
            {
                break;
            }

            // Processor time of several threads can outrun the clock, so look again at least once a second.
            _ = done.Task.Wait((int)Math.Clamp(Math.Ceiling(remaining.TotalMilliseconds), 1, 1000), cancellationToken);
        }

        if (!done.Task.IsCompleted)
        {
            cancelAtLimit?.Cancel();
            if (!done.Task.Wait((int)Math.Min(grace.TotalMilliseconds, int.MaxValue), cancellationToken))
            {
                throw new OperationCanceledException("The compilation passed its timeout between two of the compiler's cancellation points and was abandoned.");
            }
        }

        failure?.Throw();
        return result!;
    }

    private static ProgramCompilation<TItem> Load<TItem>(
        LabelingProgram program, ItemTypeContext item, byte[] image, string entryTypeName, BuildResult build, Stopwatch stopwatch, SandboxOptions options)
    {
        var context = new ProgramLoadContext("alchemist-program:" + program.Name, [typeof(SandboxRuntime).Assembly, .. item.Assemblies]);
        try
        {
            Assembly assembly;
            using (var stream = new MemoryStream(image, writable: false))
            {
                assembly = context.LoadFromStream(stream);
            }

            var function = SandboxedLabelingFunction<TItem>.FromAssembly(program, assembly, entryTypeName, build.ConceptPhrases, options);
            return new ProgramCompilation<TItem>(program, function, [], stopwatch.Elapsed, context, build.RewrittenSource);
        }
        catch
        {
            context.Unload();
            throw;
        }
    }
}
