using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Alchemist;

/// <summary>Represents a program library: labeling programs with their provenance, saved to a folder and loaded back, so they can be re-run without an LLM.</summary>
/// <remarks>
/// <para>A library folder holds (see docs/synthesis.md):</para>
/// <list type="bullet">
/// <item><c>library.json</c>: the format name and version, the task (name, description, class names) when known, and the programs in order, each with its name and content hash.</item>
/// <item><c>NAME.cs</c>: the source of each program, exactly as the program holds it.</item>
/// <item><c>NAME.json</c>: the name, content hash and provenance of each program.</item>
/// <item>Optionally <c>transcript.jsonl</c> (<see cref="TranscriptFileName"/>): the chat exchanges of the run that wrote it, which <see cref="ReplayChatClient"/> replays.</item>
/// </list>
/// <para>File names come from program names, which <see cref="LabelingProgram.IsValidName"/> keeps safe. Instances are immutable.</para>
/// </remarks>
public sealed class ProgramLibrary
{
    /// <summary>The name of the manifest file.</summary>
    public const string ManifestFileName = "library.json";

    /// <summary>The name of the chat transcript a synthesis run writes beside the programs.</summary>
    public const string TranscriptFileName = "transcript.jsonl";

    /// <summary>The format name written in the manifest.</summary>
    public const string FormatName = "alchemist.program-library";

    /// <summary>The version of the format this type writes and reads.</summary>
    public const int FormatVersion = 1;

    private static readonly JsonSerializerOptions Json = new(StorageJsonContext.Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Initializes a new instance of the <see cref="ProgramLibrary"/> class.</summary>
    /// <param name="programs">The programs, in order; names must be distinct.</param>
    /// <param name="task">The task the programs label, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="programs"/> is <see langword="null"/> or holds <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Two programs share a name (compared ignoring case, as file systems may).</exception>
    public ProgramLibrary(IEnumerable<LabelingProgram> programs, LabelingTask? task = null)
    {
        ArgumentNullException.ThrowIfNull(programs);
        LabelingProgram[] list = [.. programs];
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (LabelingProgram program in list)
        {
            if (program is null)
            {
                throw new ArgumentNullException(nameof(programs), "The programs hold a null entry.");
            }

            if (!names.Add(program.Name))
            {
                throw new ArgumentException($"Two programs are named '{program.Name}'; names must be distinct (ignoring case), because they name the files.", nameof(programs));
            }
        }

        Programs = list;
        Task = task;
    }

    /// <summary>Gets the programs, in order.</summary>
    public IReadOnlyList<LabelingProgram> Programs { get; }

    /// <summary>Gets the task the programs label, or <see langword="null"/> when unknown.</summary>
    public LabelingTask? Task { get; }

    /// <summary>Gets the name of the source file of a program.</summary>
    /// <param name="programName">The program's name.</param>
    /// <returns><c>NAME.cs</c>.</returns>
    public static string SourceFileName(string programName) => programName + ".cs";

    /// <summary>Gets the name of the provenance file of a program.</summary>
    /// <param name="programName">The program's name.</param>
    /// <returns><c>NAME.json</c>.</returns>
    public static string ProvenanceFileName(string programName) => programName + ".json";

    /// <summary>Saves the library to a folder, creating it if needed.</summary>
    /// <param name="directory">The folder; it must not hold a library already.</param>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is blank.</exception>
    /// <exception cref="IOException">The folder already holds a <c>library.json</c>, or a file cannot be written.</exception>
    /// <remarks>The manifest is written last, so a folder with a manifest holds every program it lists.</remarks>
    public void Save(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string manifestPath = Path.Combine(directory, ManifestFileName);
        if (File.Exists(manifestPath))
        {
            throw new IOException($"The folder '{directory}' already holds a program library ({ManifestFileName}). Save to a new or empty folder, or delete the old library first.");
        }

        Directory.CreateDirectory(directory);
        foreach (LabelingProgram program in Programs)
        {
            File.WriteAllText(Path.Combine(directory, SourceFileName(program.Name)), program.Source, Utf8);
            string record = JsonSerializer.Serialize(new ProgramRecord(program.Name, program.ContentHash, program.Provenance), Json);
            File.WriteAllText(Path.Combine(directory, ProvenanceFileName(program.Name)), record + "\n", Utf8);
        }

        LibraryTask? task = Task is null ? null : new LibraryTask(Task.Name, Task.Description, [.. Task.ClassNames]);
        var manifest = new LibraryManifest(FormatName, FormatVersion, task, [.. Programs.Select(p => new LibraryEntry(p.Name, p.ContentHash))]);
        File.WriteAllText(manifestPath, JsonSerializer.Serialize(manifest, Json) + "\n", Utf8);
    }

    /// <summary>Loads a library from a folder.</summary>
    /// <param name="directory">The folder <see cref="Save"/> wrote.</param>
    /// <param name="verifyHashes">Whether to check that each source still has the content hash recorded for it, so that an edited program is noticed.</param>
    /// <returns>The library, with its programs in the manifest's order.</returns>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is blank.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="DataFormatException">A file is missing or malformed, or a source does not match its hash; the message names the file.</exception>
    public static ProgramLibrary Load(string directory, bool verifyHashes = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The program library folder '{directory}' does not exist.");
        }

        string manifestPath = Path.Combine(directory, ManifestFileName);
        LibraryManifest manifest = ReadJson<LibraryManifest>(manifestPath, "This folder is not a program library; a library holds library.json.");
        if (!string.Equals(manifest.Format, FormatName, StringComparison.Ordinal) || manifest.Version != FormatVersion)
        {
            throw new DataFormatException(manifestPath, null, "format", $"The library is '{manifest.Format}' version {manifest.Version}; this version of Alchemist reads '{FormatName}' version {FormatVersion}.");
        }

        var programs = new List<LabelingProgram>();
        foreach ((LibraryEntry entry, int index) in (manifest.Programs ?? []).Select((e, i) => (e, i)))
        {
            if (entry is null || !LabelingProgram.IsValidName(entry.Name))
            {
                throw new DataFormatException(manifestPath, $"programs[{index}]", "name", $"The program name '{entry?.Name}' is not a valid program name.");
            }

            string sourcePath = Path.Combine(directory, SourceFileName(entry.Name));
            string recordPath = Path.Combine(directory, ProvenanceFileName(entry.Name));
            if (!File.Exists(sourcePath))
            {
                throw new DataFormatException(sourcePath, null, null, $"The source of program '{entry.Name}' is missing, though {ManifestFileName} lists it.");
            }

            ProgramRecord record = ReadJson<ProgramRecord>(recordPath, $"The provenance of program '{entry.Name}' is missing, though {ManifestFileName} lists it.");
            if (record.Provenance is null)
            {
                throw new DataFormatException(recordPath, null, "provenance", "The file has no provenance object.");
            }

            var program = new LabelingProgram(entry.Name, File.ReadAllText(sourcePath, Utf8), record.Provenance);
            if (verifyHashes && !string.Equals(program.ContentHash, entry.ContentHash, StringComparison.OrdinalIgnoreCase))
            {
                throw new DataFormatException(sourcePath, null, null, $"The source of program '{entry.Name}' does not match the content hash {ManifestFileName} records; it was edited after it was saved. Restore it, or load with verifyHashes: false.");
            }

            programs.Add(program);
        }

        LabelingTask? task = null;
        if (manifest.Task is not null)
        {
            try
            {
                task = new LabelingTask(manifest.Task.Name, manifest.Task.Description ?? string.Empty, manifest.Task.ClassNames ?? []);
            }
            catch (ArgumentException ex)
            {
                throw new DataFormatException(manifestPath, null, "task", ex.Message, ex);
            }
        }

        return new ProgramLibrary(programs, task);
    }

    private static T ReadJson<T>(string path, string missing)
    {
        if (!File.Exists(path))
        {
            throw new DataFormatException(path, null, null, missing);
        }

        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path, Utf8), Json)
                ?? throw new DataFormatException(path, null, null, "The file holds JSON null instead of an object.");
        }
        catch (JsonException ex)
        {
            throw new DataFormatException(path, null, ex.Path, $"The file is not valid: {ex.Message}", ex);
        }
    }
}
