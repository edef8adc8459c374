using System.Collections.Concurrent;

namespace Alchemist;

/// <summary>
/// The compiled programs of one run: each distinct program (by content hash and item type) is compiled once, by the
/// run's compiler (in this process, or in the run's sandbox worker processes), and the compilation is shared by
/// self-repair validation, every gating round and the labeling of all items; everything is unloaded together when the
/// run ends.
/// </summary>
/// <remarks>
/// Thread-safe: chat slots validate concurrently. Two requests for the same program wait for one compilation; requests
/// for different programs compile in parallel. A canceled compilation is not cached, so a later request compiles
/// again. The compilations it returns have no owner: the cache owns them.
/// </remarks>
internal sealed class ProgramCache(GateCompiler compiler) : GateCompiler, IDisposable
{
    private readonly ConcurrentDictionary<(Type Item, string Hash), Lazy<object>> _compilations = new();
    private readonly ConcurrentBag<IDisposable> _owners = [];
    private int _compiled;
    private bool _disposed;

    /// <summary>Gets the number of compilations made so far: one per distinct program and item type.</summary>
    public int Compilations => Volatile.Read(ref _compiled);

    /// <summary>Returns the compilation of a program, compiling it on first request.</summary>
    /// <exception cref="ObjectDisposedException">The run has ended.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public override GateCompilation<TItem> Compile<TItem>(LabelingProgram program, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(program);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        (Type, string) key = (typeof(TItem), program.ContentHash);
        Lazy<object> entry = _compilations.GetOrAdd(key, _ => new Lazy<object>(
            () =>
            {
                GateCompilation<TItem> compilation = compiler.Compile<TItem>(program, cancellationToken);
                Interlocked.Increment(ref _compiled);
                if (compilation.Owner is { } owner)
                {
                    _owners.Add(owner);
                }

                return compilation with { Owner = null };
            },
            LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return (GateCompilation<TItem>)entry.Value;
        }
        catch (OperationCanceledException)
        {
            // Forget the canceled attempt, so the program is not reported as canceled forever.
            _compilations.TryRemove(new KeyValuePair<(Type, string), Lazy<object>>(key, entry));
            throw;
        }
    }

    /// <summary>Unloads every compiled program.</summary>
    public void Dispose()
    {
        Volatile.Write(ref _disposed, true);
        while (_owners.TryTake(out IDisposable? owner))
        {
            owner.Dispose();
        }

        _compilations.Clear();
    }
}
