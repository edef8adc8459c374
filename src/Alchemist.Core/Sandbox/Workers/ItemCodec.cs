using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Alchemist;

/// <summary>Carries items of type <typeparamref name="TItem"/> to a worker process and back into objects there.</summary>
/// <typeparam name="TItem">The item type.</typeparam>
/// <remarks>
/// <para>
/// Strings travel as their UTF-16 code units, exactly. Any other type travels as System.Text.Json over its public
/// properties and fields and is rebuilt in the worker from the same assembly, loaded from its path. A type that
/// cannot make the trip exactly is refused with a <see cref="NotSupportedException"/> that says why, never carried
/// approximately and never quietly run in the host instead: see <see cref="JsonItemCodec{TItem}"/>.
/// </para>
/// </remarks>
internal abstract class ItemCodec<TItem>
{
    /// <summary>Gets how the items travel: <see cref="WorkerProtocol.StringItems"/> or <see cref="WorkerProtocol.JsonItems"/>.</summary>
    public abstract int Kind { get; }

    /// <summary>Creates the codec of the item type, after checking that the type can be carried.</summary>
    /// <exception cref="NotSupportedException">The type cannot be carried to a worker process; the message says why.</exception>
    public static ItemCodec<TItem> Create() =>
        typeof(TItem) == typeof(string) ? (ItemCodec<TItem>)(object)new StringItemCodec() : new JsonItemCodec<TItem>();

    /// <summary>Creates the codec a worker uses for items of the kind the host announced.</summary>
    public static ItemCodec<TItem> ForWorker(int kind) => kind switch
    {
        WorkerProtocol.StringItems when typeof(TItem) == typeof(string) => (ItemCodec<TItem>)(object)new StringItemCodec(),
        WorkerProtocol.JsonItems => new JsonItemCodec<TItem>(checkType: false),
        _ => throw new WorkerProtocolException($"Items of kind {kind} cannot be {typeof(TItem).Name}."),
    };

    /// <summary>Writes items (host side).</summary>
    /// <exception cref="NotSupportedException">An item cannot be carried exactly.</exception>
    public abstract void Write(PayloadWriter writer, IReadOnlyList<TItem> items, int start, int count, long firstItem);

    /// <summary>Reads items (worker side).</summary>
    public abstract TItem[] Read(PayloadReader reader, int count);
}

/// <summary>Strings, as UTF-16 code units.</summary>
internal sealed class StringItemCodec : ItemCodec<string>
{
    public override int Kind => WorkerProtocol.StringItems;

    public override void Write(PayloadWriter writer, IReadOnlyList<string> items, int start, int count, long firstItem)
    {
        for (int i = 0; i < count; i++)
        {
            writer.WriteString(items[start + i]);
        }
    }

    public override string[] Read(PayloadReader reader, int count)
    {
        var items = new string[count];
        for (int i = 0; i < count; i++)
        {
            items[i] = reader.ReadString()!;
        }

        return items;
    }
}

/// <summary>Items of a host type, as JSON over their public properties and fields.</summary>
/// <typeparam name="TItem">The item type.</typeparam>
/// <remarks>
/// <para>
/// The type is checked once: it must be a concrete type (not an interface, an abstract class or <see cref="object"/>)
/// from an assembly on disk, every public readable property and field must be part of its JSON contract (none
/// ignored), and no member anywhere in it may be declared as <see cref="object"/>, an interface other than a collection,
/// an abstract class or a delegate, since the worker could not rebuild what such a member holds.
/// </para>
/// <para>
/// Every item is then checked as it is written: its runtime type must be <typeparamref name="TItem"/> itself, and
/// its JSON must come back unchanged when it is read into a new <typeparamref name="TItem"/> and written again, which
/// catches members that a constructor or setter does not restore. An item that fails is refused with the member
/// values that did not survive. What the check cannot see is private state that a public method reads and that the
/// constructor does not rebuild, and the concrete type of a collection declared as an interface (it arrives as a
/// <see cref="List{T}"/> or a <see cref="Dictionary{TKey, TValue}"/>); plain records have neither.
/// </para>
/// </remarks>
internal sealed class JsonItemCodec<TItem> : ItemCodec<TItem>
{
    private const int ShownCharacters = 300;

    private static readonly JsonSerializerOptions Options = CreateOptions();

    public JsonItemCodec(bool checkType = true)
    {
        if (checkType)
        {
            CheckType(typeof(TItem));
        }
    }

    public override int Kind => WorkerProtocol.JsonItems;

    public override void Write(PayloadWriter writer, IReadOnlyList<TItem> items, int start, int count, long firstItem)
    {
        for (int i = 0; i < count; i++)
        {
            TItem item = items[start + i];
            if (item is null)
            {
                writer.WriteInt32(-1);
                continue;
            }

            long index = firstItem + i;
            if (item.GetType() != typeof(TItem))
            {
                throw Refuse($"item {index} is a {item.GetType().FullName}, a type derived from {typeof(TItem).Name}; the worker would rebuild a {typeof(TItem).Name} and lose what the derived type adds");
            }

            byte[] json;
            byte[] again;
            try
            {
                json = JsonSerializer.SerializeToUtf8Bytes(item, Options);
                TItem? copy = JsonSerializer.Deserialize<TItem>(json, Options);
                again = JsonSerializer.SerializeToUtf8Bytes(copy, Options);
            }
            catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
            {
                throw Refuse($"item {index} cannot be written as JSON and read back: {ex.Message}", ex);
            }

            if (!json.AsSpan().SequenceEqual(again))
            {
                throw Refuse($"item {index} does not come back the same when read from its JSON: {Show(json)} came back as {Show(again)}; give the type a constructor whose parameters match its public properties, or settable properties");
            }

            writer.WriteBytes(json);
        }
    }

    public override TItem[] Read(PayloadReader reader, int count)
    {
        var items = new TItem[count];
        for (int i = 0; i < count; i++)
        {
            int length = reader.ReadInt32();
            if (length == -1)
            {
                continue;
            }

            if (length < 0 || length > reader.Remaining)
            {
                throw new WorkerProtocolException($"An item announced {length} bytes, more than the frame holds.");
            }

            items[i] = JsonSerializer.Deserialize<TItem>(reader.ReadRaw(length), Options)!;
        }

        return items;
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            IncludeFields = true,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        options.Converters.Add(new ExactStringConverter());
        options.MakeReadOnly();
        return options;
    }

    private static void CheckType(Type type)
    {
        if (type == typeof(object) || type.IsInterface || type.IsAbstract || type.IsPointer || type.IsByRef || typeof(Delegate).IsAssignableFrom(type))
        {
            throw Refuse($"{type} is not a concrete type the worker can rebuild");
        }

        if (type.Assembly.IsDynamic || string.IsNullOrEmpty(type.Assembly.Location))
        {
            throw Refuse($"its assembly '{type.Assembly.GetName().Name}' has no file on disk for the worker to load");
        }

        var seen = new HashSet<Type>();
        CheckMembers(type, type.Name, seen);
    }

    private static void CheckMembers(Type type, string path, HashSet<Type> seen)
    {
        if (!seen.Add(type))
        {
            return;
        }

        Type underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(object) || typeof(Delegate).IsAssignableFrom(underlying) || underlying.IsPointer)
        {
            throw Refuse($"{path} is declared as {Describe(underlying)}, whose value the worker cannot rebuild");
        }

        JsonTypeInfo info;
        try
        {
            info = Options.GetTypeInfo(underlying);
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw Refuse($"{path} ({Describe(underlying)}) cannot be written as JSON: {ex.Message}", ex);
        }

        switch (info.Kind)
        {
            case JsonTypeInfoKind.Enumerable:
                CheckMembers(info.ElementType!, path + "[]", seen);
                return;
            case JsonTypeInfoKind.Dictionary:
                CheckMembers(info.KeyType!, path + ".Key", seen);
                CheckMembers(info.ElementType!, path + "[key]", seen);
                return;
            case JsonTypeInfoKind.None:
                return;
        }

        if (underlying.IsInterface || underlying.IsAbstract)
        {
            throw Refuse($"{path} is declared as {Describe(underlying)}, an interface or abstract class the worker cannot rebuild");
        }

        var contract = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonPropertyInfo property in info.Properties)
        {
            if (property.Get is not null && property.AttributeProvider is MemberInfo member &&
                member.GetCustomAttribute<JsonIgnoreAttribute>() is not { Condition: JsonIgnoreCondition.Always })
            {
                contract.Add(member.Name);
            }

            CheckMembers(property.PropertyType, path + "." + property.Name, seen);
        }

        foreach (MemberInfo member in underlying.GetMembers(BindingFlags.Public | BindingFlags.Instance))
        {
            bool readable = member switch
            {
                PropertyInfo p => p.GetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0,
                FieldInfo => true,
                _ => false,
            };
            if (readable && !contract.Contains(member.Name))
            {
                throw Refuse($"its public member {path}.{member.Name} is left out of its JSON (ignored or not serializable), so a program in the worker would read its default");
            }
        }
    }

    private static string Describe(Type type) => type.FullName ?? type.Name;

    private static string Show(byte[] json)
    {
        string text = Encoding.UTF8.GetString(json);
        return text.Length <= ShownCharacters ? text : string.Concat(text.AsSpan(0, ShownCharacters), "...");
    }

    private static NotSupportedException Refuse(string why, Exception? inner = null) => new(
        $"Items of type {typeof(TItem).FullName} cannot be carried to a sandbox worker process: {why}. Make the item type a plain record of " +
        "strings, numbers, enums, dates, collections and nested records, or run the programs in this process (ProgramIsolation.InProcess), " +
        "which gives up the worker's memory limit, watchdog and crash isolation.",
        inner);
}

/// <summary>Writes strings so that they read back exactly: well-formed ones as JSON strings, ones with unpaired surrogates (which JSON text cannot hold) as <c>{"utf16": base64}</c>.</summary>
internal sealed class ExactStringConverter : JsonConverter<string>
{
    private const string Utf16Property = "utf16";

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        if (reader.TokenType != JsonTokenType.StartObject || !reader.Read() || reader.TokenType != JsonTokenType.PropertyName ||
            !reader.ValueTextEquals(Utf16Property) || !reader.Read() || reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("A string was neither a JSON string nor {\"utf16\": base64}.");
        }

        byte[] units = reader.GetBytesFromBase64();
        if (!reader.Read() || reader.TokenType != JsonTokenType.EndObject || units.Length % 2 != 0)
        {
            throw new JsonException("A {\"utf16\": base64} string was malformed.");
        }

        // Not Encoding.Unicode, which would replace the unpaired surrogates this form exists for.
        return new string(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, char>(units));
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        if (IsWellFormed(value))
        {
            writer.WriteStringValue(value);
            return;
        }

        writer.WriteStartObject();
        writer.WriteBase64String(Utf16Property, System.Runtime.InteropServices.MemoryMarshal.AsBytes(value.AsSpan()));
        writer.WriteEndObject();
    }

    /// <summary>Determines whether a string has no unpaired surrogate.</summary>
    internal static bool IsWellFormed(string value)
    {
        for (int i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return false;
            }
        }

        return true;
    }

    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetString() ?? throw new JsonException("A property name was null.");

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        if (!IsWellFormed(value))
        {
            throw new NotSupportedException("A dictionary key holds an unpaired surrogate, which a JSON property name cannot carry exactly.");
        }

        writer.WritePropertyName(value);
    }
}
