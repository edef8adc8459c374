using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Alchemist;

/// <summary>The host's end of one worker process: requests out, replies in, and the watchdog that stops a worker that falls silent or overruns a deadline.</summary>
/// <remarks>
/// A reader thread takes every frame the worker writes: heartbeats and the last fatal notice are kept, replies are
/// queued. <see cref="Receive"/> waits for the next reply while checking that the worker is alive, has been heard from
/// within the silence timeout, is within the request's deadline, and that the caller has not canceled; otherwise it
/// kills the process and throws <see cref="WorkerDiedException"/> describing why. Not thread-safe: one request at a
/// time, which <see cref="WorkerProgramHost"/> ensures.
/// </remarks>
internal sealed class WorkerProcess : IDisposable
{
    private const int MaxErrorCharacters = 4_000;
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly Stream _input;
    private readonly BlockingCollection<(byte Kind, byte[] Payload)> _replies = new();
    private readonly StringBuilder _errors = new();
    private readonly TimeSpan _silenceTimeout;
    private readonly Thread _reader;
    private long _lastHeard;
    private WorkerDeath? _fatal;
    private string? _killedBecause;
    private string? _protocolError;

    private WorkerProcess(Process process, TimeSpan silenceTimeout)
    {
        _process = process;
        _input = process.StandardInput.BaseStream;
        _silenceTimeout = silenceTimeout;
        _lastHeard = Stopwatch.GetTimestamp();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (_errors)
                {
                    if (_errors.Length < MaxErrorCharacters)
                    {
                        _errors.AppendLine(line.Length > MaxErrorCharacters ? line[..MaxErrorCharacters] : line);
                    }
                }
            }
        };
        process.BeginErrorReadLine();
        _reader = new Thread(Read) { Name = "Alchemist worker reader " + process.Id, IsBackground = true };
        _reader.Start();
    }

    /// <summary>Gets the worker's process id.</summary>
    public int Id => _process.Id;

    /// <summary>Gets the processor time the worker has used so far, or zero once it has exited.</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            try
            {
                _process.Refresh();
                return _process.HasExited ? TimeSpan.Zero : _process.TotalProcessorTime;
            }
            catch (InvalidOperationException)
            {
                return TimeSpan.Zero;
            }
        }
    }

    /// <summary>Starts a worker and sends it its init request; returns once it is ready.</summary>
    /// <exception cref="WorkerDiedException">The worker died or did not answer in time.</exception>
    public static WorkerProcess Start(WorkerLauncher launcher, PayloadWriter init, TimeSpan silenceTimeout, TimeSpan startDeadline, CancellationToken cancellationToken)
    {
        var worker = new WorkerProcess(launcher.Start(), silenceTimeout);
        try
        {
            worker.Send(WorkerProtocol.Init, init);
            (byte kind, PayloadReader reply) = worker.Receive(startDeadline, cancellationToken);
            if (kind != WorkerProtocol.Ready)
            {
                throw worker.Violation($"it answered its init with message {kind}");
            }

            return worker;
        }
        catch
        {
            worker.Dispose();
            throw;
        }
    }

    /// <summary>Sends a request.</summary>
    /// <exception cref="WorkerDiedException">The worker is gone.</exception>
    public void Send(byte kind, PayloadWriter payload)
    {
        try
        {
            WorkerProtocol.WriteFrame(_input, kind, payload);
        }
        catch (IOException)
        {
            throw Died();
        }
        catch (ObjectDisposedException)
        {
            throw Died();
        }
    }

    /// <summary>Waits for the next reply, watching the worker.</summary>
    /// <param name="deadline">
    /// How long the request may take in all, or <see langword="null"/> for as long as the worker keeps sending
    /// heartbeats. It bounds the worker's work, so it is charged in the worker's processor time, with the clock as a
    /// backstop (<see cref="WorkLimit"/>): a worker that only waited for a processor on a busy machine is not stopped for it.
    /// </param>
    /// <param name="cancellationToken">Cancels the wait; the worker is killed, since it is in the middle of the request.</param>
    /// <exception cref="WorkerDiedException">The worker died, broke the protocol, fell silent or passed the deadline.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public (byte Kind, PayloadReader Reply) Receive(TimeSpan? deadline, CancellationToken cancellationToken)
    {
        WorkLimit? limit = deadline is { } work ? WorkLimit.Start(new WorkClock(TimeProvider.System, () => ProcessorTime), work) : null;
        while (true)
        {
            bool taken;
            (byte Kind, byte[] Payload) frame;
            try
            {
                taken = _replies.TryTake(out frame, 100, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // The worker is in the middle of the request; it cannot be left to finish it.
                Kill("the run was canceled");
                throw;
            }

            if (taken)
            {
                return (frame.Kind, new PayloadReader(frame.Payload));
            }

            if (_replies.IsCompleted)
            {
                throw Died();
            }

            TimeSpan silent = Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastHeard));
            if (silent > _silenceTimeout)
            {
                Kill(string.Create(CultureInfo.InvariantCulture, $"it sent no sign of life for {silent.TotalSeconds:0} s"));
                throw Died();
            }

            if (limit is not null && limit.HasPassed)
            {
                Kill(string.Create(CultureInfo.InvariantCulture, $"the request took longer than {limit.Limit.TotalSeconds:0} s (it {limit.Describe()})"));
                throw Died();
            }
        }
    }

    /// <summary>Builds the exception for a reply that breaks the protocol, after killing the worker.</summary>
    public WorkerDiedException Violation(string what)
    {
        _protocolError ??= what;
        Kill("it broke the protocol: " + what);
        return Died();
    }

    /// <summary>Asks the worker to stop, and kills it if it does not within a moment.</summary>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                Send(WorkerProtocol.Shutdown, new PayloadWriter(16));
                if (!_process.WaitForExit(TimeSpan.FromSeconds(2)))
                {
                    Kill("the host stopped it");
                }
            }
        }
        catch (WorkerDiedException)
        {
        }
        catch (InvalidOperationException)
        {
        }

        // The reader ends at the end of the worker's output; the collection is left to the GC if it has not.
        if (_process.HasExited && _reader.Join(ExitWait))
        {
            _replies.Dispose();
        }

        _process.Dispose();
    }

    private void Kill(string why)
    {
        _killedBecause ??= why;
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
    }

    /// <summary>Describes why the worker ended, once it has.</summary>
    private WorkerDiedException Died()
    {
        if (!_process.WaitForExit(ExitWait))
        {
            Kill("it did not exit after its output ended");
            _process.WaitForExit(ExitWait);
        }

        if (_process.HasExited)
        {
            _process.WaitForExit(); // Drains standard error.
        }
        string errors;
        lock (_errors)
        {
            errors = _errors.ToString().Trim();
        }

        int? exitCode = _process.HasExited ? _process.ExitCode : null;
        WorkerDeath death = _fatal ?? new WorkerDeath(
            _killedBecause is not null ? WorkerDeathKind.Stopped : _protocolError is not null ? WorkerDeathKind.ProtocolViolation : WorkerDeathKind.Crashed,
            -1,
            -1,
            _killedBecause ?? _protocolError ?? FirstLine(errors));
        return new WorkerDiedException(death with { ExitCode = exitCode, StandardError = errors });
    }

    private static string FirstLine(string text)
    {
        int end = text.IndexOf('\n', StringComparison.Ordinal);
        string line = (end < 0 ? text : text[..end]).Trim();
        return line.Length == 0 ? "it exited without a message" : line;
    }

    private void Read()
    {
        Stream output = _process.StandardOutput.BaseStream;
        try
        {
            while (WorkerProtocol.ReadFrame(output, WorkerProtocol.MaxReplyLength) is (byte kind, byte[] payload))
            {
                Interlocked.Exchange(ref _lastHeard, Stopwatch.GetTimestamp());
                switch (kind)
                {
                    case WorkerProtocol.Heartbeat:
                        break;
                    case WorkerProtocol.Fatal:
                        var reader = new PayloadReader(payload);
                        var kindOfDeath = (WorkerFatalKind)reader.ReadInt32();
                        int slot = reader.ReadInt32();
                        int item = reader.ReadInt32();
                        string message = reader.ReadString() ?? "";
                        _fatal = new WorkerDeath(
                            kindOfDeath switch
                            {
                                WorkerFatalKind.Hung => WorkerDeathKind.Hung,
                                WorkerFatalKind.OutOfMemory => WorkerDeathKind.OutOfMemory,
                                _ => WorkerDeathKind.ProtocolViolation,
                            },
                            slot,
                            item,
                            message);
                        break;
                    default:
                        _replies.Add((kind, payload));
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The worker's output ended or was closed: it died or is being stopped.
        }
#pragma warning disable CA1031 // Nothing a worker writes may end the host, which an exception on this thread would.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            string what = ex is WorkerProtocolException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
            _protocolError ??= what;
            Kill("it broke the protocol: " + what);
        }
        finally
        {
            _replies.CompleteAdding();
        }
    }
}

/// <summary>How a worker ended.</summary>
internal enum WorkerDeathKind
{
    /// <summary>The process ended on its own: a crash, a stack overflow, a signal.</summary>
    Crashed,

    /// <summary>The worker's watchdog found a call running past the call timeout.</summary>
    Hung,

    /// <summary>The GC heap reached its hard limit.</summary>
    OutOfMemory,

    /// <summary>The host killed it: silent too long, past a deadline, or canceled.</summary>
    Stopped,

    /// <summary>It wrote something the protocol does not allow.</summary>
    ProtocolViolation,
}

/// <summary>What the host knows about a worker's end.</summary>
/// <param name="Kind">How it ended.</param>
/// <param name="Slot">The program slot it named in its last notice, or -1.</param>
/// <param name="Item">The item (within the batch) it named in its last notice, or -1.</param>
/// <param name="Message">The notice, the host's reason, or the first line of its standard error.</param>
internal sealed record WorkerDeath(WorkerDeathKind Kind, int Slot, int Item, string Message)
{
    /// <summary>Gets the exit code, when the process has exited.</summary>
    public int? ExitCode { get; init; }

    /// <summary>Gets the start of what the worker wrote to standard error.</summary>
    public string StandardError { get; init; } = "";

    /// <summary>Gets the exit code with the signal or status it stands for, such as <c>134 (SIGABRT)</c>.</summary>
    public string DescribeExit() => ExitCode switch
    {
        null => "still running",
        int code when !OperatingSystem.IsWindows() && code > 128 && code < 160 => string.Create(CultureInfo.InvariantCulture, $"exit code {code} ({Signal(code - 128)})"),
        unchecked((int)0xC00000FD) => "exit code 0xC00000FD (stack overflow)",
        int code => string.Create(CultureInfo.InvariantCulture, $"exit code {code}"),
    };

    private static string Signal(int signal) => signal switch
    {
        6 => "SIGABRT",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        15 => "SIGTERM",
        _ => "signal " + signal.ToString(CultureInfo.InvariantCulture),
    };
}

/// <summary>The exception thrown when a worker process ended or was stopped during a request.</summary>
internal sealed class WorkerDiedException(WorkerDeath death) : Exception(death.Message)
{
    /// <summary>Gets how the worker ended.</summary>
    public WorkerDeath Death { get; } = death;
}
