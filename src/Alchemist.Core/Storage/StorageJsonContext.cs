using System.Text.Json.Serialization;

namespace Alchemist;

/// <summary>The JSON of a program library: <c>library.json</c> and one provenance file per program.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(LibraryManifest))]
[JsonSerializable(typeof(ProgramRecord))]
internal sealed partial class StorageJsonContext : JsonSerializerContext;

/// <summary>The content of <c>library.json</c>.</summary>
internal sealed record LibraryManifest(string Format, int Version, LibraryTask? Task, IReadOnlyList<LibraryEntry> Programs);

/// <summary>The task of a library, as <c>library.json</c> stores it.</summary>
internal sealed record LibraryTask(string Name, string Description, IReadOnlyList<string> ClassNames);

/// <summary>One program of <c>library.json</c>: its name (which names its files) and content hash.</summary>
internal sealed record LibraryEntry(string Name, string ContentHash);

/// <summary>The content of a program's provenance file, <c>NAME.json</c>.</summary>
internal sealed record ProgramRecord(string Name, string ContentHash, ProgramProvenance Provenance);
