using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;

namespace Alchemist;

/// <summary>The code of a sandbox worker process: Alchemist.Sandbox.Worker.dll loads Alchemist.Core and calls <see cref="Run"/>.</summary>
/// <remarks>
/// <para>
/// A worker serves one host over its standard input and output (<see cref="WorkerProtocol"/>): it is told the item
/// type, the sandbox options and its limits once, then compiles programs to images, loads images, and labels batches
/// of items with the loaded programs, one program after the other on one thread.
/// </para>
/// <para>
/// Its own watchdog thread sends a heartbeat every second and, when one call of a program has run longer than the call
/// timeout, tells the host which program and item and ends the process: .NET cannot stop a running thread, so the
/// process is the unit that can be stopped. An <see cref="OutOfMemoryException"/> (the GC heap's hard limit) also ends
/// the process after telling the host, since code interrupted by it may have left shared state half-changed.
/// </para>
/// </remarks>
internal static class SandboxWorkerMain
{
    /// <summary>The exit code after a normal shutdown or the end of the input.</summary>
    public const int ExitNormal = 0;

    /// <summary>The exit code after the watchdog found a call running past the call timeout.</summary>
    public const int ExitHung = 3;

    /// <summary>The exit code after an <see cref="OutOfMemoryException"/>.</summary>
    public const int ExitOutOfMemory = 4;

    /// <summary>The exit code after a request broke the protocol.</summary>
    public const int ExitProtocol = 5;

    /// <summary>Runs the worker until its input ends or the host asks it to stop.</summary>
    /// <param name="args">The command line (the path of Alchemist.Core.dll, already used by the entry assembly).</param>
    /// <returns>The exit code.</returns>
    internal static int Run(string[] args)
    {
        _ = args;
        Stream input = Console.OpenStandardInput();
        Stream output = Console.OpenStandardOutput();

        // Standard output is the protocol's; anything written to the console goes to standard error instead.
        Console.SetOut(Console.Error);
        var server = new WorkerServer(input, output);
        int exitCode = ExitNormal;

        // A thread of the default size, as the host's thread-pool threads have, so that stack checks trip at the same depth.
        var thread = new Thread(() => exitCode = server.Serve()) { Name = "Alchemist sandbox worker" };
        thread.Start();
        thread.Join();
        return exitCode;
    }
}

/// <summary>The request loop of a worker, and its watchdog.</summary>
internal sealed class WorkerServer(Stream input, Stream output)
{
    private static readonly long HeartbeatTicks = Stopwatch.Frequency;

    private readonly Lock _writeLock = new();
    private readonly PayloadWriter _reply = new(64 * 1024);
    private IWorkerSession? _session;
    private TimeSpan? _callTimeout;
    private long _callStarted;
    private long _callNumber;
    private int _currentSlot = -1;
    private int _currentItem = -1;

    /// <summary>Serves requests until the input ends or a shutdown request.</summary>
    public int Serve()
    {
        var watchdog = new Thread(Watch) { Name = "Alchemist sandbox worker watchdog", IsBackground = true };
        watchdog.Start();
        try
        {
            // One buffer for every request: nothing keeps a request's bytes once it is handled (images and strings are copied out).
            byte[] buffer = new byte[64 * 1024];
            while (WorkerProtocol.ReadFrame(input, WorkerProtocol.MaxRequestLength, ref buffer) is (byte kind, int length))
            {
                if (kind == WorkerProtocol.Shutdown)
                {
                    return SandboxWorkerMain.ExitNormal;
                }

                Handle(kind, new PayloadReader(buffer, length));
            }

            return SandboxWorkerMain.ExitNormal;
        }
        catch (OutOfMemoryException ex)
        {
            return Die(SandboxWorkerMain.ExitOutOfMemory, WorkerFatalKind.OutOfMemory, ex.Message);
        }
        catch (WorkerProtocolException ex)
        {
            return Die(SandboxWorkerMain.ExitProtocol, WorkerFatalKind.Protocol, ex.Message);
        }
    }

    /// <summary>Marks the start of one call of a program, which the watchdog times.</summary>
    public void BeginCall(int slot, int item)
    {
        _currentSlot = slot;
        _currentItem = item;
        Volatile.Write(ref _callNumber, _callNumber + 1);
        Volatile.Write(ref _callStarted, Stopwatch.GetTimestamp());
    }

    /// <summary>Marks the end of the current call.</summary>
    public void EndCall()
    {
        Volatile.Write(ref _callStarted, 0);
        _currentSlot = -1;
        _currentItem = -1;
    }

    /// <summary>Tells the host that a program exhausted the worker's memory, and ends the process.</summary>
    public int OutOfMemory(int slot, int item, string message)
    {
        _currentSlot = slot;
        _currentItem = item;
        return Die(SandboxWorkerMain.ExitOutOfMemory, WorkerFatalKind.OutOfMemory, message);
    }

    /// <summary>Sends a reply built by <paramref name="build"/>.</summary>
    public void Send(byte kind, Action<PayloadWriter> build)
    {
        lock (_writeLock)
        {
            _reply.Clear();
            build(_reply);
            WorkerProtocol.WriteFrame(output, kind, _reply);
        }
    }

    private void Handle(byte kind, PayloadReader request)
    {
        if (kind == WorkerProtocol.Init)
        {
            Init(request);
            return;
        }

        IWorkerSession session = _session ?? throw new WorkerProtocolException("A request came before the init.");
        try
        {
            switch (kind)
            {
                case WorkerProtocol.Compile:
                    session.Compile(request);
                    break;
                case WorkerProtocol.Load:
                    session.Load(request);
                    break;
                case WorkerProtocol.Unload:
                    session.Unload(request);
                    break;
                case WorkerProtocol.Apply:
                    session.Apply(request);
                    break;
                default:
                    throw new WorkerProtocolException($"Unknown request {kind}.");
            }
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or WorkerProtocolException))
        {
            Send(WorkerProtocol.Error, w =>
            {
                w.WriteString(ex.GetType().Name);
                w.WriteString(LabelingFunctionApplier.ShortenFault(ex.Message));
            });
        }
    }

    private void Init(PayloadReader request)
    {
        int version = request.ReadInt32();
        if (version != WorkerProtocol.Version)
        {
            throw new WorkerProtocolException($"The host speaks protocol {version}, this worker {WorkerProtocol.Version}.");
        }

        SandboxOptions options = WorkerPayloads.ReadOptions(request);
        bool uncheckedPrograms = request.ReadBool();
        long callTimeoutTicks = request.ReadInt64();
        long dataLimit = request.ReadInt64();
        string culture = request.ReadRequiredString();
        string uiCulture = request.ReadRequiredString();
        int itemKind = request.ReadInt32();
        string itemTypeName = request.ReadRequiredString();
        int assemblyCount = request.ReadCount(1024);
        var assemblies = new List<Assembly>();
        var directories = new List<string>();
        for (int i = 0; i < assemblyCount; i++)
        {
            string path = request.ReadRequiredString();
            directories.Add(Path.GetDirectoryName(path)!);
            assemblies.Add(LoadHostAssembly(path));
        }

        request.End();
        ResourceLimits.LimitData(dataLimit);
        AssemblyLoadContext.Default.Resolving += (context, name) =>
        {
            foreach (string directory in directories)
            {
                string candidate = Path.Combine(directory, name.Name + ".dll");
                if (File.Exists(candidate))
                {
                    return context.LoadFromAssemblyPath(candidate);
                }
            }

            return null;
        };

        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(culture);
        CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(uiCulture);
        Type itemType = Type.GetType(itemTypeName, name => assemblies.Find(a => AssemblyName.ReferenceMatchesDefinition(name, a.GetName())) ?? Assembly.Load(name), null, throwOnError: true)!;
        _session = (IWorkerSession)Activator.CreateInstance(
            typeof(WorkerSession<>).MakeGenericType(itemType),
            [this, options, uncheckedPrograms, itemKind, assemblies])!;
        _callTimeout = callTimeoutTicks <= 0 ? null : TimeSpan.FromTicks(callTimeoutTicks);
        Send(WorkerProtocol.Ready, w =>
        {
            w.WriteInt32(Environment.ProcessId);
            w.WriteString(System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription);
        });
    }

    private static Assembly LoadHostAssembly(string path)
    {
        string name = Path.GetFileNameWithoutExtension(path);
        foreach (Assembly loaded in AssemblyLoadContext.Default.Assemblies)
        {
            if (string.Equals(loaded.GetName().Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return loaded;
            }
        }

        return AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
    }

    /// <summary>
    /// Sends a heartbeat every second, and stops a call that runs past the call timeout. The timeout bounds a call's
    /// work, so it is charged in the worker's processor time, with the clock as a backstop (<see cref="WorkLimit"/>):
    /// a call that only waited for a processor on a busy machine is not stopped for it. The watchdog starts timing a
    /// call when it first sees it (within 0.1 s of its start), so no call pays a clock read for it.
    /// </summary>
    private void Watch()
    {
        long lastHeartbeat = 0;
        long watchedCall = 0;
        WorkLimit? limit = null;
        while (true)
        {
            Thread.Sleep(100);
            long now = Stopwatch.GetTimestamp();
            long started = Volatile.Read(ref _callStarted);
            long call = Volatile.Read(ref _callNumber);
            if (started == 0 || _callTimeout is not { } timeout)
            {
                limit = null;
            }
            else if (limit is null || call != watchedCall)
            {
                watchedCall = call;
                limit = WorkLimit.Start(WorkClock.ThisProcess, timeout);
            }
            else if (limit.HasPassed)
            {
                double seconds = (now - started) / (double)Stopwatch.Frequency;
                Die(SandboxWorkerMain.ExitHung, WorkerFatalKind.Hung, string.Create(CultureInfo.InvariantCulture, $"One call ran for {seconds:0.0} s; it {limit.Describe()}."));
            }

            if (now - lastHeartbeat >= HeartbeatTicks)
            {
                lastHeartbeat = now;
                Send(WorkerProtocol.Heartbeat, static _ => { });
            }
        }
    }

    /// <summary>Tells the host why the worker ends, then ends it.</summary>
    private int Die(int exitCode, WorkerFatalKind kind, string message)
    {
        try
        {
            Send(WorkerProtocol.Fatal, w =>
            {
                w.WriteInt32((int)kind);
                w.WriteInt32(_currentSlot);
                w.WriteInt32(_currentItem);
                w.WriteString(LabelingFunctionApplier.ShortenFault(message));
            });
        }
#pragma warning disable CA1031 // The worker is ending; the host learns of it from the exit either way.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        Environment.Exit(exitCode);
        return exitCode;
    }
}

/// <summary>Why a worker ended itself.</summary>
internal enum WorkerFatalKind
{
    /// <summary>A call ran past the call timeout.</summary>
    Hung = 1,

    /// <summary>The GC heap reached its hard limit.</summary>
    OutOfMemory = 2,

    /// <summary>A request broke the protocol.</summary>
    Protocol = 3,
}

/// <summary>The requests that depend on the item type, served by <see cref="WorkerSession{TItem}"/>.</summary>
internal interface IWorkerSession
{
    void Compile(PayloadReader request);

    void Load(PayloadReader request);

    void Unload(PayloadReader request);

    void Apply(PayloadReader request);
}
