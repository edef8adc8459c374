using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.ExceptionServices;

namespace Alchemist;

/// <summary>The workers of a <see cref="WorkerProgramHost"/> for one item type: one that compiles, several that label.</summary>
/// <typeparam name="TItem">The item type.</typeparam>
/// <remarks>
/// <para>
/// A batch is cut into contiguous slices, one per labeling worker (at most one per <see cref="MinSliceItems"/> items);
/// each worker runs every program of the batch on its slice, one program after the other, and sends each program's
/// result as soon as it has it. When a worker dies, the programs whose results arrived are done, the first program
/// without a result was running: it is run again alone on the slice in a fresh worker. If it kills that worker too, it
/// is quarantined with the reason; if not, its result stands (the first death was the worker's, not the program's).
/// Either way the programs after it run in the fresh worker. A program is quarantined for the whole batch, whichever
/// slice it killed, so the outcome does not depend on how the batch was cut.
/// </para>
/// </remarks>
internal sealed class WorkerPool<TItem> : IProgramBatcher<TItem>, IWorkerPool
{
    /// <summary>The fewest items worth a worker of their own in a batch.</summary>
    public const int MinSliceItems = 128;

    private readonly WorkerProgramHost _host;
    private readonly WorkerHostOptions _options;
    private readonly ItemCodec<TItem> _codec;
    private readonly WorkerSlot _compiler = new();
    private readonly WorkerSlot[] _labelers;

    public WorkerPool(WorkerProgramHost host)
    {
        _host = host;
        _options = host.Options;
        _codec = ItemCodec<TItem>.Create();
        _labelers = [.. Enumerable.Range(0, _options.WorkerCount).Select(_ => new WorkerSlot())];
    }

    /// <summary>Gets or sets the run's concept scores, whose rows travel beside the items to concept programs; <see langword="null"/> when the run has none.</summary>
    public ConceptScores<TItem>? Concepts { get; set; }

    /// <summary>Compiles a program in the compiler worker; a compilation that kills the worker is tried once more in a fresh one (unless it ran out of time).</summary>
    public WorkerCompilation<TItem> Compile(LabelingProgram program, CancellationToken cancellationToken)
    {
        var request = new PayloadWriter(program.Source.Length * 2 + 256);
        request.WriteString(program.Name);
        request.WriteString(program.Source);
        lock (_compiler.Lock)
        {
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    WorkerProcess worker = Ensure(_compiler, cancellationToken);
                    worker.Send(WorkerProtocol.Compile, request);
                    (byte kind, PayloadReader reply) = worker.Receive(_options.CompileDeadline, cancellationToken);
                    return kind switch
                    {
                        WorkerProtocol.Compiled => ReadCompiled(program, reply, worker),
                        WorkerProtocol.Error => Rejected(program, $"The compiler failed on it in its worker process: {ReadError(reply)}."),
                        _ => throw worker.Violation($"it answered a compile request with message {kind}"),
                    };
                }
                catch (WorkerDiedException death)
                {
                    _compiler.Reset();
                    if (attempt == 2 || death.Death.Kind == WorkerDeathKind.Stopped)
                    {
                        return Rejected(program, $"Compiling it stopped the compiler's worker process ({DescribeCompileDeath(death.Death)}); write a simpler program.");
                    }
                }
                catch (OperationCanceledException)
                {
                    _compiler.Reset();
                    throw;
                }
            }
        }
    }

    /// <summary>
    /// Starts the workers before the run needs them: the compiler worker, made to compile a fixed, trivial program (which
    /// loads and JIT-compiles Roslyn, seconds in a fresh process), and the labeling workers. A run calls it while it
    /// reads its items, so that this start-up uses a processor the read leaves idle instead of delaying the first
    /// compilation. Best effort: a worker that fails to start or dies here is dropped, and the first real request
    /// starts it again and reports the failure.
    /// </summary>
    /// <param name="cancellationToken">Stops the warm-up; the workers it started are then dropped.</param>
    public void WarmUp(CancellationToken cancellationToken)
    {
        var labelers = Task.Run(() =>
        {
            foreach (WorkerSlot slot in _labelers)
            {
                lock (slot.Lock)
                {
                    StartForWarmUp(slot, cancellationToken);
                }
            }
        }, CancellationToken.None);

        lock (_compiler.Lock)
        {
            if (_compiler.Process is null && StartForWarmUp(_compiler, cancellationToken) is { } worker)
            {
                try
                {
                    worker.Send(WorkerProtocol.Compile, WarmUpRequest());
                    (byte kind, _) = worker.Receive(_options.CompileDeadline, cancellationToken);
                    if (kind is not (WorkerProtocol.Compiled or WorkerProtocol.Error))
                    {
                        _compiler.Reset();
                    }
                }
                catch (Exception)
                {
                    // Whatever went wrong, a reply may be left unread: the next request starts a fresh worker.
                    _compiler.Reset();
                }
            }
        }

        labelers.Wait(CancellationToken.None);
    }

    /// <inheritdoc />
    public BatchVotes[] LabelBatch(IReadOnlyList<TItem> items, int start, int count, long firstItem, IReadOnlyList<IBatchLabelingFunction<TItem>> functions, int faultDetails, CancellationToken cancellationToken)
    {
        var programs = new WorkerProgramImage[functions.Count];
        var owners = new WorkerLabelingFunction<TItem>[functions.Count];
        for (int f = 0; f < functions.Count; f++)
        {
            owners[f] = functions[f] as WorkerLabelingFunction<TItem> is { } function && function.Batcher == this
                ? function
                : throw new ArgumentException($"The function '{functions[f].Name}' does not run in this pool.", nameof(functions));
            programs[f] = owners[f].Image;
        }

        int slices = count == 0 ? 0 : Math.Clamp((count + MinSliceItems - 1) / MinSliceItems, 1, _labelers.Length);
        var partial = new SliceResult?[slices, programs.Length];
        if (slices == 1)
        {
            RunSlice(0, items, start, 0, count, firstItem, programs, faultDetails, partial, cancellationToken);
        }
        else if (slices > 1)
        {
            var tasks = new Task[slices];
            for (int s = 0; s < slices; s++)
            {
                int slice = s;
                int from = (int)((long)count * slice / slices);
                int to = (int)((long)count * (slice + 1) / slices);
                tasks[s] = Task.Factory.StartNew(
                    () => RunSlice(slice, items, start, from, to - from, firstItem, programs, faultDetails, partial, cancellationToken),
                    cancellationToken,
                    TaskCreationOptions.LongRunning,
                    TaskScheduler.Default);
            }

            try
            {
                Task.WaitAll(tasks, CancellationToken.None);
            }
            catch (AggregateException ex)
            {
                Exception first = ex.InnerExceptions.FirstOrDefault(e => e is not OperationCanceledException) ?? ex.InnerExceptions[0];
                ExceptionDispatchInfo.Capture(first).Throw();
            }
        }

        var results = new BatchVotes[programs.Length];
        for (int f = 0; f < programs.Length; f++)
        {
            results[f] = Merge(programs[f], owners[f], partial, f, count, slices, faultDetails);
        }

        return results;
    }

    /// <summary>Gets the processor time the running workers have used so far (for the benchmarks).</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            TimeSpan total = TimeSpan.Zero;
            foreach (WorkerSlot slot in _labelers.Append(_compiler))
            {
                if (slot.Process is { } process)
                {
                    total += process.ProcessorTime;
                }
            }

            return total;
        }
    }

    /// <summary>Unloads a program from the workers that have it, now or before their next request.</summary>
    public void Release(WorkerProgramImage program)
    {
        foreach (WorkerSlot slot in _labelers)
        {
            slot.PendingUnloads.Enqueue(program.Slot);
        }
    }

    public void Dispose()
    {
        lock (_compiler.Lock)
        {
            _compiler.Reset();
        }

        foreach (WorkerSlot slot in _labelers)
        {
            lock (slot.Lock)
            {
                slot.Reset();
            }
        }
    }

    private static BatchVotes Merge(WorkerProgramImage program, WorkerLabelingFunction<TItem> owner, SliceResult?[,] partial, int f, int count, int slices, int faultDetails)
    {
        if (program.QuarantineReason is { } reason)
        {
            int[] abstains = new int[count];
            Array.Fill(abstains, Label.Abstain);
            return new BatchVotes(abstains) { Exceptions = count, QuarantineReason = reason };
        }

        var votes = new int[count];
        var faults = new List<FaultDetail>();
        int exceptions = 0;
        long overruns = 0;
        long retries = 0;
        for (int s = 0; s < slices; s++)
        {
            SliceResult result = partial[s, f] ?? throw new InvalidOperationException($"Slice {s} of the batch has no result for '{program.Program.Name}'; this is a sandbox bug.");
            result.Votes.CopyTo(votes, result.Offset);
            exceptions += result.Exceptions;
            overruns += result.Overruns;
            retries += result.Retries;
            foreach (FaultDetail fault in result.Faults)
            {
                if (faults.Count < faultDetails)
                {
                    faults.Add(fault with { Index = fault.Index + result.Offset });
                }
            }
        }

        owner.Count(overruns, retries);
        return new BatchVotes(votes) { Exceptions = exceptions, Faults = faults };
    }

    /// <summary>Runs the batch's programs on one slice in one worker, handling its deaths.</summary>
    /// <param name="slice">The slice, which is also the labeling worker's index.</param>
    /// <param name="items">The items.</param>
    /// <param name="start">The first item of the batch in <paramref name="items"/>.</param>
    /// <param name="offset">The first item of the slice within the batch.</param>
    /// <param name="count">The items of the slice.</param>
    /// <param name="firstItem">The index of the batch's first item in the whole application.</param>
    /// <param name="programs">The batch's programs.</param>
    /// <param name="faultDetails">How many faults per program to describe.</param>
    /// <param name="partial">Where each program's result on each slice goes.</param>
    /// <param name="cancellationToken">Cancels the slice; the worker is killed.</param>
    private void RunSlice(
        int slice, IReadOnlyList<TItem> items, int start, int offset, int count, long firstItem, WorkerProgramImage[] programs, int faultDetails, SliceResult?[,] partial, CancellationToken cancellationToken)
    {
        WorkerSlot slot = _labelers[slice];
        PayloadWriter? concepts = programs.Any(p => p.ConceptPhrases is not null) ? WorkerConcepts.WriteRows(Concepts, items, start + offset, count) : null;
        var pending = new List<int>();
        for (int f = 0; f < programs.Length; f++)
        {
            if (programs[f].QuarantineReason is null)
            {
                pending.Add(f);
            }
        }

        lock (slot.Lock)
        {
            // The slot's buffers are reused from batch to batch (under its lock): a slice's items are hundreds of
            // kilobytes, and new arrays for each would be large-object allocations, collected only by full collections
            // of a heap that holds every item of the run.
            PayloadWriter encoded = slot.Items;
            encoded.Clear();
            _codec.Write(encoded, items, start + offset, count, firstItem + offset);
            var run = new SliceRun(slice, offset, count, firstItem + offset, encoded, faultDetails, partial) { Concepts = concepts };
            while (pending.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int done = 0;
                int loading = -1;
                try
                {
                    WorkerProcess worker = Ensure(slot, cancellationToken);
                    foreach (int f in pending)
                    {
                        loading = f;
                        Load(slot, worker, programs[f], cancellationToken);
                    }

                    loading = -1;

                    // A program that could not be loaded (the worker said why; it did not die) is quarantined and left out.
                    if (pending.RemoveAll(f => programs[f].QuarantineReason is not null) > 0)
                    {
                        continue;
                    }

                    worker.Send(WorkerProtocol.Apply, ApplyRequest(slot.Request, programs, pending, run));
                    for (; done < pending.Count; done++)
                    {
                        (byte kind, PayloadReader reply) = worker.Receive(null, cancellationToken);
                        partial[slice, pending[done]] = ReadResult(worker, kind, reply, programs[pending[done]].Slot, run);
                    }

                    pending.Clear();
                }
                catch (WorkerDiedException death)
                {
                    slot.Reset();

                    // The programs with a result are done; the first without one was running. A death while loading ran nothing.
                    int suspectAt = loading >= 0 ? pending.IndexOf(loading) : done;
                    int suspect = pending[suspectAt];
                    List<int> rest = loading >= 0 ? [.. pending.Where(f => f != suspect)] : pending[(suspectAt + 1)..];
                    Confirm(slot, programs[suspect], suspect, death.Death, run, cancellationToken);
                    pending = rest;
                }
                catch (OperationCanceledException)
                {
                    slot.Reset();
                    throw;
                }
            }
        }
    }

    /// <summary>Runs the program that was running when its worker died alone on the slice in a fresh worker: a second death quarantines it, a result clears it.</summary>
    private void Confirm(WorkerSlot slot, WorkerProgramImage program, int index, WorkerDeath first, SliceRun run, CancellationToken cancellationToken)
    {
        // Several slices may lose their workers to the same program at once; one confirmation is enough.
        lock (program.ConfirmLock)
        {
            if (program.QuarantineReason is not null)
            {
                return;
            }

            try
            {
                WorkerProcess worker = Ensure(slot, cancellationToken);
                Load(slot, worker, program, cancellationToken);
                if (program.QuarantineReason is not null)
                {
                    return;
                }

                worker.Send(WorkerProtocol.Apply, ApplyRequest(slot.Request, [program], [0], run));
                (byte kind, PayloadReader reply) = worker.Receive(null, cancellationToken);
                run.Partial[run.Slice, index] = ReadResult(worker, kind, reply, program.Slot, run);
            }
            catch (WorkerDiedException second)
            {
                slot.Reset();
                string again = Describe(second.Death, run);
                string before = Describe(first, run);
                Quarantine(program, again == before
                    ? $"{again}; it did the same alone in a fresh worker process."
                    : $"{again}, alone in a fresh worker process; the first time, with other programs: {char.ToLowerInvariant(before[0])}{before[1..]}.");
            }
            catch (OperationCanceledException)
            {
                slot.Reset();
                throw;
            }
        }
    }

    private void Quarantine(WorkerProgramImage program, string reason)
    {
        if (program.Quarantine(reason))
        {
            _host.AddQuarantine(new WorkerQuarantine(program.Program.Name, program.Program.ContentHash, reason));
        }
    }

    /// <summary>Describes a death in a sentence fragment that starts with a capital.</summary>
    private string Describe(WorkerDeath death, SliceRun run)
    {
        string item = death.Item >= 0 ? (run.FirstItem + death.Item).ToString(CultureInfo.InvariantCulture) : "?";
        string items = string.Create(CultureInfo.InvariantCulture, $"items {run.FirstItem} to {run.FirstItem + run.Count - 1}");
        return death.Kind switch
        {
            WorkerDeathKind.Hung => string.Create(CultureInfo.InvariantCulture,
                $"It ran longer than the call timeout ({_options.CallTimeout.TotalSeconds:0.#} s) on item {item}, so its worker process was stopped"),
            WorkerDeathKind.OutOfMemory => string.Create(CultureInfo.InvariantCulture,
                $"It exhausted its worker process's memory limit ({DescribeMemoryLimit()}) on item {item} ({death.Message})"),
            WorkerDeathKind.Stopped => $"Its worker process was stopped while it labeled {items}: {death.Message}",
            WorkerDeathKind.ProtocolViolation => $"Its worker process broke the protocol while it labeled {items}: {death.Message}",
            _ => $"Its worker process died while it labeled {items}: {death.Message} ({death.DescribeExit()})",
        };
    }

    private string DescribeMemoryLimit() => ResourceLimits.Supported
        ? string.Create(CultureInfo.InvariantCulture, $"{_options.MemoryLimitBytes / (1024 * 1024):N0} MiB GC heap, {_options.DataLimitBytes / (1024 * 1024):N0} MiB in all")
        : string.Create(CultureInfo.InvariantCulture, $"{_options.MemoryLimitBytes / (1024 * 1024):N0} MiB GC heap");

    private string DescribeCompileDeath(WorkerDeath death) => death.Kind switch
    {
        WorkerDeathKind.OutOfMemory => $"it exhausted the worker's memory limit ({DescribeMemoryLimit()}): {death.Message}",
        WorkerDeathKind.Stopped => death.Message,
        _ => $"{death.Message}, {death.DescribeExit()}",
    };

    private WorkerProcess Ensure(WorkerSlot slot, CancellationToken cancellationToken)
    {
        if (slot.Process is { } running)
        {
            while (slot.PendingUnloads.TryDequeue(out int unloaded))
            {
                if (slot.Loaded.Remove(unloaded))
                {
                    var request = new PayloadWriter(16);
                    request.WriteInt32(unloaded);
                    running.Send(WorkerProtocol.Unload, request);
                }
            }

            return running;
        }

        slot.PendingUnloads.Clear();
        try
        {
            slot.Process = WorkerProcess.Start(_host.Launcher, InitRequest(), _options.SilenceTimeout, _options.StartDeadline, cancellationToken);
            return slot.Process;
        }
        catch (WorkerDiedException death)
        {
            string errors = death.Death.StandardError.Length > 0 ? " Its standard error: " + death.Death.StandardError : "";
            throw new InvalidOperationException($"A sandbox worker process failed to start: {death.Death.Message} ({death.Death.DescribeExit()}).{errors}", death);
        }
    }

    /// <summary>Starts a slot's worker for <see cref="WarmUp"/> unless it runs; <see langword="null"/> when it could not start (the slot stays empty).</summary>
    private WorkerProcess? StartForWarmUp(WorkerSlot slot, CancellationToken cancellationToken)
    {
        try
        {
            return Ensure(slot, cancellationToken);
        }
        catch (Exception)
        {
            slot.Reset();
            return null;
        }
    }

    /// <summary>The compile request of <see cref="WarmUp"/>: a fixed, trivial program for this item type.</summary>
    private static PayloadWriter WarmUpRequest()
    {
        string item = typeof(TItem) == typeof(string) ? "string" : "object";
        string source = $"public static class WarmUp {{ public static int Label({item} item) => item is null ? -1 : 0; }}";
        var request = new PayloadWriter(source.Length * 2 + 64);
        request.WriteString("warm-up");
        request.WriteString(source);
        return request;
    }

    private PayloadWriter InitRequest()
    {
        ItemTypeContext item = ItemTypeContext.For(typeof(TItem));
        var init = new PayloadWriter(1024);
        init.WriteInt32(WorkerProtocol.Version);
        WorkerPayloads.WriteOptions(init, _options.Sandbox);
        init.WriteBool(_options.UncheckedProgramsForTests);
        init.WriteInt64(_options.CallTimeout.Ticks);
        init.WriteInt64(_options.DataLimitBytes);
        init.WriteString(CultureInfo.CurrentCulture.Name);
        init.WriteString(CultureInfo.CurrentUICulture.Name);
        init.WriteInt32(_codec.Kind);
        init.WriteString(typeof(TItem).AssemblyQualifiedName);
        init.WriteInt32(item.Assemblies.Count);
        foreach (System.Reflection.Assembly assembly in item.Assemblies)
        {
            init.WriteString(assembly.Location);
        }

        return init;
    }

    /// <summary>Loads a program into a worker unless it is there; a program the worker cannot load is quarantined.</summary>
    private void Load(WorkerSlot slot, WorkerProcess worker, WorkerProgramImage program, CancellationToken cancellationToken)
    {
        if (slot.Loaded.Contains(program.Slot))
        {
            return;
        }

        var request = new PayloadWriter(program.Image.Length + 1024);
        request.WriteInt32(program.Slot);
        request.WriteString(program.Program.Name);
        request.WriteString(program.Program.Source);
        request.WriteBytes(program.Image);
        request.WriteString(program.EntryTypeName);
        WorkerConcepts.WritePhrases(request, program.ConceptPhrases);
        worker.Send(WorkerProtocol.Load, request);
        (byte kind, PayloadReader reply) = worker.Receive(_options.StartDeadline, cancellationToken);
        if (kind == WorkerProtocol.Error)
        {
            Quarantine(program, $"Its worker process could not load it: {ReadError(reply)}");
            return;
        }

        if (kind != WorkerProtocol.Loaded || reply.ReadInt32() != program.Slot)
        {
            throw worker.Violation($"it answered a load request with message {kind}");
        }

        slot.Loaded.Add(program.Slot);
    }

    private static PayloadWriter ApplyRequest(PayloadWriter request, WorkerProgramImage[] programs, List<int> which, SliceRun run)
    {
        request.Clear();
        request.WriteInt32(which.Count);
        foreach (int f in which)
        {
            request.WriteInt32(programs[f].Slot);
        }

        request.WriteInt32(run.FaultDetails);
        request.WriteInt32(run.Count);
        run.Items.WrittenSpan.CopyTo(request.Take(run.Items.WrittenSpan.Length));
        PayloadWriter? concepts = which.Any(f => programs[f].ConceptPhrases is not null) ? run.Concepts : null;
        if (concepts is null)
        {
            request.WriteInt32(-1);
        }
        else
        {
            concepts.WrittenSpan.CopyTo(request.Take(concepts.WrittenSpan.Length));
        }

        return request;
    }

    private static SliceResult ReadResult(WorkerProcess worker, byte kind, PayloadReader reply, int slot, SliceRun run)
    {
        if (kind == WorkerProtocol.Error)
        {
            throw new InvalidOperationException($"A sandbox worker process could not label the items: {ReadError(reply)}.");
        }

        if (kind != WorkerProtocol.Result)
        {
            throw worker.Violation($"it answered an apply request with message {kind}");
        }

        try
        {
            int answered = reply.ReadInt32();
            int count = reply.ReadInt32();
            if (answered != slot || count != run.Count)
            {
                throw new WorkerProtocolException($"a result named program {answered} and {count} items, not {slot} and {run.Count}");
            }

            var votes = new int[count];
            reply.ReadInt32s(votes);
            int exceptions = reply.ReadCount(count);
            int overruns = reply.ReadCount(exceptions);
            long retries = reply.ReadInt64();
            int detailCount = reply.ReadCount(Math.Min(exceptions, run.FaultDetails));
            var faults = new FaultDetail[detailCount];
            for (int d = 0; d < detailCount; d++)
            {
                int index = reply.ReadInt32();
                if (index < 0 || index >= count)
                {
                    throw new WorkerProtocolException($"a fault named item {index} of {count}");
                }

                faults[d] = new FaultDetail(index, reply.ReadRequiredString(), reply.ReadRequiredString(), reply.ReadInt32(), reply.ReadInt64());
            }

            reply.End();
            return new SliceResult(run.Offset, votes, exceptions, overruns, Math.Max(0, retries), faults);
        }
        catch (WorkerProtocolException ex)
        {
            throw worker.Violation(ex.Message);
        }
    }

    private WorkerCompilation<TItem> ReadCompiled(LabelingProgram program, PayloadReader reply, WorkerProcess worker)
    {
        try
        {
            var elapsed = TimeSpan.FromTicks(reply.ReadInt64());
            int count = reply.ReadCount(100_000);
            var diagnostics = new SandboxDiagnostic[count];
            for (int d = 0; d < count; d++)
            {
                diagnostics[d] = new SandboxDiagnostic(reply.ReadRequiredString(), reply.ReadRequiredString(), reply.ReadInt32(), reply.ReadInt32());
            }

            if (!reply.ReadBool())
            {
                reply.End();
                return new WorkerCompilation<TItem>(program, null, diagnostics.Length > 0 ? diagnostics : [new SandboxDiagnostic(SandboxRules.Compile, "The sandbox rejected the program without a diagnostic.", 0, 0)], elapsed, null);
            }

            byte[] image = reply.ReadBytes().ToArray();
            string entryTypeName = reply.ReadRequiredString();
            IReadOnlyList<string>? phrases = WorkerConcepts.ReadPhrases(reply);
            reply.End();
            var compiled = new WorkerProgramImage(_host.NextSlot(), program, image, entryTypeName, phrases);
            return new WorkerCompilation<TItem>(program, new WorkerLabelingFunction<TItem>(this, compiled), [], elapsed, this);
        }
        catch (WorkerProtocolException ex)
        {
            throw worker.Violation(ex.Message);
        }
    }

    private static WorkerCompilation<TItem> Rejected(LabelingProgram program, string message) =>
        new(program, null, [new SandboxDiagnostic(SandboxRules.Compile, message, 0, 0)], TimeSpan.Zero, null);

    private static string ReadError(PayloadReader reply)
    {
        string type = reply.ReadString() ?? "Exception";
        string message = reply.ReadString() ?? "";
        return $"{type}: {message}";
    }

    /// <summary>A worker position: its process (started on demand), the programs loaded in it, and the unloads it owes.</summary>
    private sealed class WorkerSlot
    {
        public Lock Lock { get; } = new();

        public WorkerProcess? Process { get; set; }

        public HashSet<int> Loaded { get; } = [];

        public ConcurrentQueue<int> PendingUnloads { get; } = new();

        /// <summary>Gets the buffer a batch's slice of items is encoded into, reused under <see cref="Lock"/>.</summary>
        public PayloadWriter Items { get; } = new(64 * 1024);

        /// <summary>Gets the buffer apply requests are built in, reused under <see cref="Lock"/>.</summary>
        public PayloadWriter Request { get; } = new(64 * 1024);

        public void Reset()
        {
            Process?.Dispose();
            Process = null;
            Loaded.Clear();
        }
    }

    /// <summary>One slice of a batch: where it sits, its encoded items, where its results go.</summary>
    private sealed record SliceRun(int Slice, int Offset, int Count, long FirstItem, PayloadWriter Items, int FaultDetails, SliceResult?[,] Partial)
    {
        /// <summary>Gets the slice's rows of concept scores, encoded, when a program of the batch takes them.</summary>
        public PayloadWriter? Concepts { get; init; }
    }

    /// <summary>One program's result on one slice.</summary>
    private sealed record SliceResult(int Offset, int[] Votes, int Exceptions, int Overruns, long Retries, IReadOnlyList<FaultDetail> Faults);
}
