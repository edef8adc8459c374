namespace Alchemist.Tests.Streaming;

/// <summary>The compact copy of a streamed run's text items: exact round trip, any item reached by skipping, nothing left behind.</summary>
public class ItemSpoolTests
{
    private static readonly string[] Awkward =
    [
        string.Empty,
        "plain ascii",
        "caf\u00e9 \u00fcber \u4e2d\u6587 \ud83d\ude00 emoji",
        "\ufeffbyte order mark first",
        "lone high \ud800 surrogate",
        "lone low \udc00 surrogate",
        "\udbff",
        "tabs\tand\nnew\r\nlines \"quoted\" \\ back\u0000slash",
        new string('x', 3 * 1024 * 1024),
        new string('\u00e9', 700_000),
    ];

    [Fact]
    public void Read_AwkwardStrings_GivesBackTheSameIdsAndTextsExactly()
    {
        using ItemSpool spool = ItemSpool.Create();
        string[] ids = [.. Awkward.Select((_, i) => i % 2 == 0 ? Awkward[^(i + 1)] : $"id-{i}")];
        for (int i = 0; i < Awkward.Length; i++)
        {
            spool.Append(ids[i], Awkward[i]);
        }

        spool.Complete();
        List<(string Id, string Text)> read = ReadAll(spool);

        Assert.Equal(Awkward.Length, spool.Count);
        Assert.Equal(ids.Zip(Awkward), read);
    }

    [Fact]
    public void Seek_ForwardAndBackAcrossIndexBlocks_GivesTheItemAtEachIndex()
    {
        const int Count = (StreamedItems<string>.ChunkSize * 2) + 1_000;
        using ItemSpool spool = ItemSpool.Create();
        for (int i = 0; i < Count; i++)
        {
            spool.Append($"#{i}", Text(i));
        }

        spool.Complete();
        ItemSpool.Reader reader = spool.OpenReader();
        int[] order = [5, 6, 7, 16_383, 16_384, 33_500, 12, 0, Count - 1, 16_385, 33_000];
        foreach (int index in order)
        {
            reader.Seek(index);
            Assert.True(reader.Read(out string id, out string text));
            Assert.Equal($"#{index}", id);
            Assert.Equal(Text(index), text);
        }

        reader.Seek(Count - 1);
        Assert.True(reader.Read(out _, out _));
        Assert.False(reader.Read(out _, out _));
        Assert.Throws<ArgumentOutOfRangeException>("index", () => reader.Seek(Count));

        static string Text(int i) => i % 7 == 0 ? string.Empty : i % 5 == 0 ? $"\u00e9t\u00e9 {i} \ud83d\ude00" : new string('a', i % 300) + i;
    }

    [Fact]
    public void Dispose_LeavesNoFileAndNoOpenHandle()
    {
        string folder = Directory.CreateTempSubdirectory("alchemist-spool-test-").FullName;
        try
        {
            var spool = ItemSpool.Create(folder);
            spool.Append("a", "text");
            spool.Complete();
            Assert.Single(ReadAll(spool));
            if (OperatingSystem.IsLinux() || OperatingSystem.IsWindows())
            {
                // Open (on Linux already unlinked): what the check after Dispose must not find.
                Assert.Single(SpoolFilesIn(folder));
            }

            spool.Dispose();

            Assert.Empty(SpoolFilesIn(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void OpenReader_BeforeComplete_IsRefused()
    {
        using ItemSpool spool = ItemSpool.Create();
        spool.Append("a", "b");

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => spool.OpenReader());

        Assert.Equal("The item spool is still being written; complete it before reading.", error.Message);
    }

    /// <summary>The spool files of a folder that are still there or still open in this process (on Linux, an unlinked file stays while its handle is open).</summary>
    internal static List<string> SpoolFilesIn(string folder)
    {
        List<string> files = [.. Directory.EnumerateFiles(folder, ItemSpool.FilePrefix + "*")];
        if (OperatingSystem.IsLinux())
        {
            foreach (string fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
            {
                string? target = null;
                try
                {
                    target = new FileInfo(fd).LinkTarget;
                }
                catch (IOException)
                {
                    // The descriptor closed while listing.
                }

                if (target is not null && target.StartsWith(Path.Combine(folder, ItemSpool.FilePrefix), StringComparison.Ordinal))
                {
                    files.Add(target);
                }
            }
        }

        return files;
    }

    private static List<(string Id, string Text)> ReadAll(ItemSpool spool)
    {
        var read = new List<(string, string)>();
        ItemSpool.Reader reader = spool.OpenReader();
        while (reader.Read(out string id, out string text))
        {
            read.Add((id, text));
        }

        return read;
    }
}
