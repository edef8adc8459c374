using System.Diagnostics;
using System.Reflection;

namespace Alchemist;

/// <summary>What a worker does for items of type <typeparamref name="TItem"/>: compile programs to images, load images, label batches.</summary>
/// <typeparam name="TItem">The item type the host announced.</typeparam>
internal sealed class WorkerSession<TItem> : IWorkerSession
{
    private const int MaxSlotsPerRequest = 1 << 16;
    private const int MaxItemsPerRequest = 1 << 24;
    private const int MaxDetails = 1024;

    private readonly WorkerServer _server;
    private readonly SandboxOptions _options;
    private readonly bool _uncheckedPrograms;
    private readonly ItemCodec<TItem> _codec;
    private readonly Assembly[] _shared;
    private readonly Dictionary<int, Loaded> _loaded = [];
    private ProgramCompiler? _compiler;

    public WorkerSession(WorkerServer server, SandboxOptions options, bool uncheckedPrograms, int itemKind, List<Assembly> itemAssemblies)
    {
        _server = server;
        _options = options;
        _uncheckedPrograms = uncheckedPrograms;
        _codec = ItemCodec<TItem>.ForWorker(itemKind);
        _shared = [typeof(SandboxRuntime).Assembly, .. itemAssemblies];
    }

    public void Compile(PayloadReader request)
    {
        string name = request.ReadRequiredString();
        string source = request.ReadRequiredString();
        request.End();
        var program = new LabelingProgram(name, source, new ProgramProvenance { Synthesizer = "worker" });
        var stopwatch = Stopwatch.StartNew();
        BuildResult build = _uncheckedPrograms
            ? UncheckedProgramBuilder.Build(program, typeof(TItem))
            : (_compiler ??= new ProgramCompiler(_options)).BuildImage(program, ItemTypeContext.For(typeof(TItem)), CancellationToken.None);
        _server.Send(WorkerProtocol.Compiled, w =>
        {
            w.WriteInt64(stopwatch.Elapsed.Ticks);
            w.WriteInt32(build.Diagnostics.Count);
            foreach (SandboxDiagnostic diagnostic in build.Diagnostics)
            {
                w.WriteString(diagnostic.Rule);
                w.WriteString(diagnostic.Message);
                w.WriteInt32(diagnostic.Line);
                w.WriteInt32(diagnostic.Column);
            }

            w.WriteBool(build.Image is not null && build.EntryTypeName is not null);
            if (build.Image is { } image && build.EntryTypeName is { } entry)
            {
                w.WriteBytes(image);
                w.WriteString(entry);
                WorkerConcepts.WritePhrases(w, build.ConceptPhrases);
            }
        });
    }

    public void Load(PayloadReader request)
    {
        int slot = request.ReadInt32();
        string name = request.ReadRequiredString();
        string source = request.ReadRequiredString();
        byte[] image = request.ReadBytes().ToArray();
        string entryTypeName = request.ReadRequiredString();
        IReadOnlyList<string>? phrases = WorkerConcepts.ReadPhrases(request);
        request.End();
        Unload(slot);

        var context = new ProgramLoadContext("alchemist-program:" + name, _shared);
        try
        {
            Assembly assembly;
            using (var stream = new MemoryStream(image, writable: false))
            {
                assembly = context.LoadFromStream(stream);
            }

            var program = new LabelingProgram(name, source, new ProgramProvenance { Synthesizer = "worker" });
            _loaded[slot] = new Loaded(SandboxedLabelingFunction<TItem>.FromAssembly(program, assembly, entryTypeName, phrases, _options), context);
        }
        catch
        {
            context.Unload();
            throw;
        }

        _server.Send(WorkerProtocol.Loaded, w => w.WriteInt32(slot));
    }

    public void Unload(PayloadReader request)
    {
        int slot = request.ReadInt32();
        request.End();
        Unload(slot);
    }

    public void Apply(PayloadReader request)
    {
        int slotCount = request.ReadCount(MaxSlotsPerRequest);
        var slots = new int[slotCount];
        request.ReadInt32s(slots);
        int maxDetails = request.ReadCount(MaxDetails);
        int count = request.ReadCount(MaxItemsPerRequest);
        TItem[] items = _codec.Read(request, count);
        ConceptRows? concepts = WorkerConcepts.ReadTable(request, count);
        request.End();

        var votes = new int[count];
        var details = new List<FaultDetail>();
        foreach (int slot in slots)
        {
            if (!_loaded.TryGetValue(slot, out Loaded? loaded))
            {
                throw new WorkerProtocolException($"Program slot {slot} is not loaded.");
            }

            details.Clear();
            int faults = 0;
            int overruns = 0;
            long retriesBefore = loaded.Function.RegexTimeoutRetries;
            for (int i = 0; i < count; i++)
            {
                _server.BeginCall(slot, i);
                try
                {
                    votes[i] = loaded.Function.TakesConcepts ? loaded.Function.Apply(items[i], WorkerConcepts.Row(concepts, i)) : loaded.Function.Apply(items[i]);
                }
                catch (Exception ex) when (IsOutOfMemory(ex))
                {
                    _server.OutOfMemory(slot, i, $"{ex.GetType().Name}: {ex.Message}");
                    throw;
                }
#pragma warning disable CA1031 // A program's failure of any kind is a fault of that call, as in the applier.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    votes[i] = Label.Abstain;
                    faults++;
                    var budget = ex as ProgramBudgetExceededException;
                    if (budget is not null)
                    {
                        overruns++;
                    }

                    if (details.Count < maxDetails)
                    {
                        details.Add(new FaultDetail(i, ex.GetType().Name, LabelingFunctionApplier.ShortenFault(ex.Message), budget is null ? -1 : (int)budget.Kind, budget?.Limit ?? 0));
                    }
                }
                finally
                {
                    _server.EndCall();
                }
            }

            long retries = loaded.Function.RegexTimeoutRetries - retriesBefore;
            _server.Send(WorkerProtocol.Result, w =>
            {
                w.WriteInt32(slot);
                w.WriteInt32(count);
                w.WriteInt32s(votes);
                w.WriteInt32(faults);
                w.WriteInt32(overruns);
                w.WriteInt64(retries);
                w.WriteInt32(details.Count);
                foreach (FaultDetail detail in details)
                {
                    w.WriteInt32(detail.Index);
                    w.WriteString(detail.TypeName);
                    w.WriteString(detail.Message);
                    w.WriteInt32(detail.BudgetKind);
                    w.WriteInt64(detail.BudgetLimit);
                }
            });
        }
    }

    private static bool IsOutOfMemory(Exception ex) => ex is OutOfMemoryException || ex.InnerException is OutOfMemoryException;

    private void Unload(int slot)
    {
        if (_loaded.Remove(slot, out Loaded? loaded))
        {
            loaded.Function.Detach();
            loaded.Context.Unload();
        }
    }

    private sealed record Loaded(SandboxedLabelingFunction<TItem> Function, ProgramLoadContext Context);
}
