using System.Reflection;
using System.Runtime.Loader;

namespace Alchemist;

/// <summary>The collectible load context of one compiled labeling program.</summary>
/// <remarks>
/// It resolves Alchemist.Core and the assemblies of the item type to the very assemblies the host loaded, so the
/// program's <c>Label</c> method takes the host's item type and the budget checks share the host's
/// <see cref="SandboxRuntime"/>; every other reference falls back to the default context (the shared framework).
/// This is not a security boundary; the sandbox checks are.
/// </remarks>
internal sealed class ProgramLoadContext : AssemblyLoadContext
{
    private readonly Dictionary<string, Assembly> _shared;

    public ProgramLoadContext(string name, IEnumerable<Assembly> shared)
        : base(name, isCollectible: true)
    {
        _shared = new Dictionary<string, Assembly>(StringComparer.OrdinalIgnoreCase);
        foreach (Assembly assembly in shared)
        {
            _shared.TryAdd(assembly.GetName().Name!, assembly);
        }
    }

    protected override Assembly? Load(AssemblyName assemblyName) =>
        assemblyName.Name is { } name && _shared.TryGetValue(name, out Assembly? assembly) ? assembly : null;
}
