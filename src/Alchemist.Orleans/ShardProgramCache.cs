using System.Collections.Concurrent;

namespace Alchemist;

/// <summary>The programs a silo has compiled, keyed by content hash: each distinct program is compiled once per silo, in the sandbox, whichever shards and runs use it.</summary>
/// <remarks>Compilations are kept for the silo's lifetime and unloaded when it stops; their number is the number of distinct programs the silo has run.</remarks>
internal sealed class ShardProgramCache(ProgramCompiler compiler) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<ProgramCompilation<string>>> _compilations = new(StringComparer.Ordinal);
    private int _compiled;

    /// <summary>Gets the number of compilations made so far.</summary>
    public int Compilations => Volatile.Read(ref _compiled);

    /// <summary>Returns the compiled function of a program, compiling it on first use.</summary>
    /// <exception cref="InvalidOperationException">The source does not match its content hash, or the sandbox rejects the program.</exception>
    public ILabelingFunction<string> Get(ShardProgram program)
    {
        string hash = LabelingProgram.ComputeHash(program.Source);
        if (!string.Equals(hash, program.ContentHash, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The source of the program '{program.Name}' does not match its content hash ({program.ContentHash[..Math.Min(12, program.ContentHash.Length)]}...); the silo does not run it.");
        }

        ProgramCompilation<string> compilation = _compilations.GetOrAdd(hash, _ => new Lazy<ProgramCompilation<string>>(() => Compile(program))).Value;
        return compilation.Function ?? throw new InvalidOperationException(
            $"The sandbox rejected the program '{program.Name}' on this silo: {string.Join("; ", compilation.Diagnostics.Take(3))}");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (Lazy<ProgramCompilation<string>> compilation in _compilations.Values)
        {
            if (compilation.IsValueCreated)
            {
                compilation.Value.Dispose();
            }
        }

        _compilations.Clear();
    }

    private ProgramCompilation<string> Compile(ShardProgram program)
    {
        Interlocked.Increment(ref _compiled);
        return compiler.Compile<string>(new LabelingProgram(program.Name, program.Source, new ProgramProvenance { Synthesizer = "shard" }));
    }
}
