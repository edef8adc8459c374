using System.Text.Json;

namespace Alchemist.Tests.Storage;

public sealed class ProgramLibraryTests : IDisposable
{
    private static readonly LabelingTask Task = new("youtube-spam", "Spam or ham?", ["ham", "spam"]);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "alchemist-library-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void SaveThenLoad_RoundTripsProgramsProvenanceAndTask()
    {
        LabelingProgram original = Program("llm-000", "class A { public static int Label(string s) => s.Length > 3 ? 1 : -1; }\n");
        LabelingProgram repaired = new("llm-001-r1", "class B { public static int Label(string s) => -1; }\r\n", new ProgramProvenance
        {
            Synthesizer = "chat",
            ModelId = "gpt-4o-mini",
            PromptHash = new string('a', 64),
            InputTokens = 1_234,
            OutputTokens = 321,
            CostUsd = 0.000378m,
            Temperature = 0.8f,
            CreatedAt = new DateTimeOffset(2025, 3, 1, 12, 30, 0, TimeSpan.FromHours(1)),
            Duration = TimeSpan.FromMilliseconds(1_500),
            ParentHash = original.ContentHash,
            RepairAttempt = 1,
            Description = "Slot 1: focus on class 'spam' (1); 12 labeled examples shown.",
        });

        new ProgramLibrary([original, repaired], Task).Save(_directory);
        ProgramLibrary loaded = ProgramLibrary.Load(_directory);

        Assert.Equal(["llm-000", "llm-001-r1"], loaded.Programs.Select(p => p.Name));
        Assert.Equal(repaired.Source, loaded.Programs[1].Source);
        Assert.Equal(repaired.ContentHash, loaded.Programs[1].ContentHash);
        Assert.Equal(repaired.Provenance, loaded.Programs[1].Provenance);
        Assert.Equal(original.Provenance, loaded.Programs[0].Provenance);
        Assert.Equal(("youtube-spam", "Spam or ham?", "ham,spam"), (loaded.Task!.Name, loaded.Task.Description, string.Join(",", loaded.Task.ClassNames)));
        Assert.Equal(
            ["library.json", "llm-000.cs", "llm-000.json", "llm-001-r1.cs", "llm-001-r1.json"],
            Directory.GetFiles(_directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Save_WritesReadableDocumentedJson()
    {
        new ProgramLibrary([Program("llm-000", "class A { }")], Task).Save(_directory);

        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(_directory, "library.json")));
        Assert.Equal("alchemist.program-library", manifest.RootElement.GetProperty("format").GetString());
        Assert.Equal(1, manifest.RootElement.GetProperty("version").GetInt32());
        Assert.Equal("spam", manifest.RootElement.GetProperty("task").GetProperty("classNames")[1].GetString());
        JsonElement entry = manifest.RootElement.GetProperty("programs")[0];
        Assert.Equal("llm-000", entry.GetProperty("name").GetString());
        Assert.Equal(LabelingProgram.ComputeHash("class A { }"), entry.GetProperty("contentHash").GetString());

        using JsonDocument record = JsonDocument.Parse(File.ReadAllText(Path.Combine(_directory, "llm-000.json")));
        Assert.Equal("chat", record.RootElement.GetProperty("provenance").GetProperty("synthesizer").GetString());
        Assert.Equal(7, record.RootElement.GetProperty("provenance").GetProperty("inputTokens").GetInt64());
        Assert.Equal("class A { }", File.ReadAllText(Path.Combine(_directory, "llm-000.cs")));
    }

    [Fact]
    public void Save_WithoutTask_LoadsWithoutTask()
    {
        new ProgramLibrary([Program("p", "class A { }")]).Save(_directory);
        Assert.Null(ProgramLibrary.Load(_directory).Task);
    }

    [Fact]
    public void Save_OverAnExistingLibrary_Refuses()
    {
        new ProgramLibrary([Program("p", "class A { }")]).Save(_directory);
        IOException ex = Assert.Throws<IOException>(() => new ProgramLibrary([Program("q", "class B { }")]).Save(_directory));
        Assert.Contains("already holds a program library (library.json)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EditedSource_IsNoticedUnlessVerificationIsOff()
    {
        new ProgramLibrary([Program("p", "class A { }")]).Save(_directory);
        File.WriteAllText(Path.Combine(_directory, "p.cs"), "class Evil { }");

        DataFormatException ex = Assert.Throws<DataFormatException>(() => ProgramLibrary.Load(_directory));
        Assert.EndsWith("The source of program 'p' does not match the content hash library.json records; it was edited after it was saved. Restore it, or load with verifyHashes: false.", ex.Message, StringComparison.Ordinal);
        Assert.Equal("class Evil { }", ProgramLibrary.Load(_directory, verifyHashes: false).Programs[0].Source);
    }

    [Fact]
    public void Load_MissingFiles_NameTheFile()
    {
        Directory.CreateDirectory(_directory);
        Assert.Contains("This folder is not a program library", Assert.Throws<DataFormatException>(() => ProgramLibrary.Load(_directory)).Message, StringComparison.Ordinal);

        new ProgramLibrary([Program("p", "class A { }")]).Save(_directory);
        File.Delete(Path.Combine(_directory, "p.json"));
        DataFormatException ex = Assert.Throws<DataFormatException>(() => ProgramLibrary.Load(_directory));
        Assert.Equal(Path.Combine(_directory, "p.json"), ex.File);
    }

    [Fact]
    public void Load_UnsafeNameInManifest_IsRejected()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(Path.Combine(_directory, "library.json"), """{"format":"alchemist.program-library","version":1,"programs":[{"name":"../../etc/passwd","contentHash":"x"}]}""");
        DataFormatException ex = Assert.Throws<DataFormatException>(() => ProgramLibrary.Load(_directory));
        Assert.Contains("The program name '../../etc/passwd' is not a valid program name.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_OtherFormatVersion_IsRejected()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(Path.Combine(_directory, "library.json"), """{"format":"alchemist.program-library","version":2,"programs":[]}""");
        Assert.Contains("this version of Alchemist reads 'alchemist.program-library' version 1", Assert.Throws<DataFormatException>(() => ProgramLibrary.Load(_directory)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFolder_Throws() =>
        Assert.Throws<DirectoryNotFoundException>(() => ProgramLibrary.Load(_directory));

    [Fact]
    public void Ctor_NamesDifferingOnlyByCase_Rejected() =>
        Assert.Throws<ArgumentException>("programs", () => new ProgramLibrary([Program("llm-a", "x"), Program("LLM-A", "y")]));

    private static LabelingProgram Program(string name, string source) =>
        new(name, source, new ProgramProvenance { Synthesizer = "chat", InputTokens = 7, CreatedAt = DateTimeOffset.UnixEpoch });
}
