using System.Collections.Concurrent;
using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;

namespace Alchemist;

/// <summary>What the sandbox knows about an item type: the host types a program may read, their assemblies, and the implicit usings.</summary>
/// <remarks>
/// The host types are the item type and, transitively, the types of its public instance properties and fields that are
/// not framework types (such as an enum or a nested record of the host). A program may read their public instance
/// members and call their public instance methods, but not assign them: items are shared by every labeling function.
/// </remarks>
internal sealed class ItemTypeContext
{
    /// <summary>The namespaces every program imports without writing a using directive.</summary>
    public static readonly string[] ImplicitNamespaces =
    [
        "System", "System.Collections.Generic", "System.Globalization", "System.Linq", "System.Text", "System.Text.RegularExpressions",
    ];

    private const int MaxHostTypes = 64;
    private static readonly ConcurrentDictionary<Type, ItemTypeContext> Cache = new();

    private ItemTypeContext(Type itemType, IReadOnlyList<Type> hostTypes)
    {
        ItemType = itemType;
        HostTypes = hostTypes;
        Assemblies = [.. hostTypes.Select(t => t.Assembly).Distinct()];
        References = [.. Assemblies.Select(SandboxReferences.ForHost)];
        ImplicitSource = BuildImplicitSource(hostTypes);
    }

    /// <summary>Gets the item type.</summary>
    public Type ItemType { get; }

    /// <summary>Gets the host types, the item type first when it is one.</summary>
    public IReadOnlyList<Type> HostTypes { get; }

    /// <summary>Gets the assemblies of the host types, which the program is compiled against and shares with the host.</summary>
    public IReadOnlyList<Assembly> Assemblies { get; }

    /// <summary>Gets the references of <see cref="Assemblies"/>.</summary>
    public IReadOnlyList<MetadataReference> References { get; }

    /// <summary>Gets the source of the generated file that imports the implicit namespaces and names the host types by their simple names.</summary>
    public string ImplicitSource { get; }

    /// <summary>Gets the context of an item type, computed once per type.</summary>
    public static ItemTypeContext For(Type itemType) => Cache.GetOrAdd(itemType, static t => new ItemTypeContext(t, FindHostTypes(t)));

    /// <summary>Determines whether a type comes from the shared framework rather than from the host.</summary>
    public static bool IsFrameworkType(Type type)
    {
        string name = type.Assembly.GetName().Name ?? "";
        return name is "System.Private.CoreLib" or "netstandard" or "mscorlib" ||
            name.StartsWith("System.", StringComparison.Ordinal) || name.StartsWith("Microsoft.", StringComparison.Ordinal);
    }

    /// <summary>Finds the symbol of a runtime type in a compilation that references the framework and the host assemblies.</summary>
    public static ITypeSymbol? Resolve(Compilation compilation, IReadOnlyList<MetadataReference> hostReferences, IReadOnlyList<Assembly> hostAssemblies, Type type)
    {
        if (type.IsArray)
        {
            return type.GetArrayRank() == 1 && Resolve(compilation, hostReferences, hostAssemblies, type.GetElementType()!) is { } element
                ? compilation.CreateArrayTypeSymbol(element)
                : null;
        }

        if (type.IsGenericType && !type.IsGenericTypeDefinition)
        {
            if (Resolve(compilation, hostReferences, hostAssemblies, type.GetGenericTypeDefinition()) is not INamedTypeSymbol definition)
            {
                return null;
            }

            var arguments = new List<ITypeSymbol>();
            foreach (Type argument in type.GetGenericArguments())
            {
                if (Resolve(compilation, hostReferences, hostAssemblies, argument) is not { } resolved)
                {
                    return null;
                }

                arguments.Add(resolved);
            }

            return definition.Construct([.. arguments]);
        }

        string metadataName = type.FullName ?? type.Name;
        int index = -1;
        for (int i = 0; i < hostAssemblies.Count; i++)
        {
            if (hostAssemblies[i] == type.Assembly)
            {
                index = i;
            }
        }

        if (index >= 0)
        {
            return compilation.GetAssemblyOrModuleSymbol(hostReferences[index]) is IAssemblySymbol assembly ? assembly.GetTypeByMetadataName(metadataName) : null;
        }

        return compilation.GetTypeByMetadataName(metadataName);
    }

    private static List<Type> FindHostTypes(Type itemType)
    {
        var found = new List<Type>();
        var queue = new Queue<Type>();
        Enqueue(itemType);
        while (queue.Count > 0 && found.Count < MaxHostTypes)
        {
            Type type = queue.Dequeue();
            found.Add(type);
            foreach (PropertyInfo property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                Enqueue(property.PropertyType);
            }

            foreach (FieldInfo field in type.GetFields(BindingFlags.Public | BindingFlags.Instance))
            {
                Enqueue(field.FieldType);
            }
        }

        return found;

        void Enqueue(Type type)
        {
            if (type.IsArray || type.IsByRef || type.IsPointer)
            {
                Enqueue(type.GetElementType()!);
                return;
            }

            if (type.IsGenericType)
            {
                foreach (Type argument in type.GetGenericArguments())
                {
                    Enqueue(argument);
                }

                if (IsFrameworkType(type))
                {
                    return;
                }

                type = type.GetGenericTypeDefinition();
            }

            if (!type.IsGenericParameter && !IsFrameworkType(type) && !found.Contains(type) && !queue.Contains(type))
            {
                queue.Enqueue(type);
            }
        }
    }

    private static string BuildImplicitSource(IReadOnlyList<Type> hostTypes)
    {
        var source = new StringBuilder();
        foreach (string ns in ImplicitNamespaces)
        {
            source.Append("global using global::").Append(ns).AppendLine(";");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Type type in hostTypes)
        {
            // A top-level type of the global namespace (an app with top-level statements declares its types there) is in
            // scope by its simple name already; an alias of the same name would conflict with it (CS0576).
            bool inScope = type.Namespace is null && !type.IsNested;
            if (!inScope && !type.IsGenericType && type.FullName is { } fullName && names.Add(type.Name))
            {
                source.Append("global using ").Append(type.Name).Append(" = global::").Append(fullName.Replace('+', '.')).AppendLine(";");
            }
        }

        return source.ToString();
    }
}
