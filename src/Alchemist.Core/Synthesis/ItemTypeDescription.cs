using System.Reflection;
using System.Text;

namespace Alchemist;

/// <summary>Describes an item type to the model: its C# name, the <c>Label</c> signature over it and, for a record or class, its public members.</summary>
internal sealed class ItemTypeDescription
{
    private static readonly Dictionary<Type, string> Keywords = new()
    {
        [typeof(string)] = "string",
        [typeof(bool)] = "bool",
        [typeof(byte)] = "byte",
        [typeof(sbyte)] = "sbyte",
        [typeof(char)] = "char",
        [typeof(short)] = "short",
        [typeof(ushort)] = "ushort",
        [typeof(int)] = "int",
        [typeof(uint)] = "uint",
        [typeof(long)] = "long",
        [typeof(ulong)] = "ulong",
        [typeof(float)] = "float",
        [typeof(double)] = "double",
        [typeof(decimal)] = "decimal",
        [typeof(object)] = "object",
    };

    private ItemTypeDescription(Type type)
    {
        TypeName = CSharpName(type);
        IsText = type == typeof(string);
        Signature = $"public static int Label({TypeName} item)";
        Members = IsText || Keywords.ContainsKey(type) ? [] : DescribeMembers(type);
    }

    /// <summary>Gets the C# name of the type, namespace-qualified for the host's types.</summary>
    public string TypeName { get; }

    /// <summary>Gets a value indicating whether the items are plain text.</summary>
    public bool IsText { get; }

    /// <summary>Gets the exact signature a program must declare.</summary>
    public string Signature { get; }

    /// <summary>Gets the public instance members a program can read, one C# declaration each; empty for text and primitives.</summary>
    public IReadOnlyList<string> Members { get; }

    public static ItemTypeDescription For<TItem>() => new(typeof(TItem));

    /// <summary>Formats a type as C# source would name it: keywords, <c>T?</c>, generic arguments, '.' for nesting.</summary>
    public static string CSharpName(Type type)
    {
        if (Keywords.TryGetValue(type, out string? keyword))
        {
            return keyword;
        }

        if (Nullable.GetUnderlyingType(type) is Type underlying)
        {
            return CSharpName(underlying) + "?";
        }

        if (type.IsArray)
        {
            return CSharpName(type.GetElementType()!) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        }

        string name = type.IsNested ? CSharpName(type.DeclaringType!) + "." + type.Name : Qualified(type);
        if (!type.IsGenericType)
        {
            return name;
        }

        int tick = name.IndexOf('`', StringComparison.Ordinal);
        string baseName = tick < 0 ? name : name[..tick];
        Type[] arguments = type.GetGenericArguments();
        if (type.IsNested && type.DeclaringType!.IsGenericType)
        {
            // Arguments of the declaring type are already in its name.
            arguments = arguments[type.DeclaringType.GetGenericArguments().Length..];
        }

        return arguments.Length == 0 ? baseName : baseName + "<" + string.Join(", ", arguments.Select(CSharpName)) + ">";
    }

    private static string Qualified(Type type) =>
        type.Namespace is null or "System" or "System.Collections.Generic" ? type.Name : type.Namespace + "." + type.Name;

    private static string[] DescribeMembers(Type type)
    {
        var members = new List<string>();
        foreach (PropertyInfo property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.MetadataToken))
        {
            if (property.GetMethod is { IsPublic: true } && property.GetIndexParameters().Length == 0 && property.Name != "EqualityContract")
            {
                members.Add($"{CSharpName(property.PropertyType)} {property.Name} {{ get; }}");
            }
        }

        foreach (FieldInfo field in type.GetFields(BindingFlags.Public | BindingFlags.Instance).OrderBy(f => f.MetadataToken))
        {
            members.Add($"{CSharpName(field.FieldType)} {field.Name};");
        }

        return [.. members];
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder(Signature);
        foreach (string member in Members)
        {
            text.Append("\n    ").Append(member);
        }

        return text.ToString();
    }
}
