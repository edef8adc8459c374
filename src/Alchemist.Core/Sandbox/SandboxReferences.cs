using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace Alchemist;

/// <summary>The small set of assemblies programs are compiled against: the ones the allowed framework types live in, plus the item type's.</summary>
/// <remarks>
/// References are the implementation assemblies of the running shared framework, found through the trusted platform
/// assembly list, and are created once per process: they are immutable and safe to share between compilations.
/// An API outside this set does not even bind, so a program that names one fails to compile.
/// </remarks>
internal static class SandboxReferences
{
    private static readonly string[] FrameworkAssemblyNames =
    [
        "System.Private.CoreLib", "System.Runtime", "System.Collections", "System.Linq", "System.Text.RegularExpressions",
        "System.Collections.Immutable", "System.Memory", "netstandard",

        // System.Uri is on the allow-list; it lives here, not in CoreLib, and does not bind without it.
        "System.Private.Uri",
    ];

    private static readonly Lazy<MetadataReference[]> Framework = new(LoadFramework);
    private static readonly Lazy<MetadataReference> Core = new(() => FromAssembly(typeof(SandboxRuntime).Assembly));
    private static readonly ConcurrentDictionary<Assembly, MetadataReference> Hosts = new();

    /// <summary>Gets the references of the allowed framework assemblies.</summary>
    public static IReadOnlyList<MetadataReference> FrameworkReferences => Framework.Value;

    /// <summary>Gets the reference of Alchemist.Core, which only the rewritten program needs (for its budget checks).</summary>
    public static MetadataReference CoreReference => Core.Value;

    /// <summary>Gets the reference of a host assembly, such as the one that defines the item type.</summary>
    /// <exception cref="NotSupportedException">The assembly has no file, such as a dynamic or single-file assembly.</exception>
    public static MetadataReference ForHost(Assembly assembly) => Hosts.GetOrAdd(assembly, FromAssembly);

    private static MetadataReference[] LoadFramework()
    {
        var paths = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string list)
        {
            foreach (string path in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                paths.TryAdd(Path.GetFileNameWithoutExtension(path), path);
            }
        }

        string runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location) ?? "";
        var references = new List<MetadataReference>();
        foreach (string name in FrameworkAssemblyNames)
        {
            string? path = paths.GetValueOrDefault(name);
            if (path is null && runtimeDirectory.Length > 0 && File.Exists(Path.Combine(runtimeDirectory, name + ".dll")))
            {
                path = Path.Combine(runtimeDirectory, name + ".dll");
            }

            if (path is null)
            {
                throw new NotSupportedException($"The sandbox could not find the framework assembly '{name}' on disk; it needs the shared framework installed (single-file and trimmed hosts are not supported).");
            }

            references.Add(MetadataReference.CreateFromFile(path));
        }

        return [.. references];
    }

    private static MetadataReference FromAssembly(Assembly assembly)
    {
        if (assembly.IsDynamic || string.IsNullOrEmpty(assembly.Location))
        {
            throw new NotSupportedException($"The assembly '{assembly.GetName().Name}' has no file on disk, so programs cannot be compiled against it; define the item type in an assembly loaded from a file.");
        }

        return MetadataReference.CreateFromFile(assembly.Location);
    }
}
