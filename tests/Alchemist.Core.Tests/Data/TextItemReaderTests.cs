namespace Alchemist.Tests.Data;

public sealed class TextItemReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("alchemist-items-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ReadCsv_QuotedFieldsWithCommasQuotesAndNewlines()
    {
        string path = Write("items.csv", "id,text,label\n1,\"hello, \"\"world\"\"\",0\n2,\"two\nlines\",1\n3,plain,\n");
        TextItem[] items = [.. TextItemReader.ReadCsv(path)];
        Assert.Equal(3, items.Length);
        Assert.Equal(new TextItem("1", "hello, \"world\"", 0), items[0]);
        Assert.Equal("two\nlines", items[1].Text);
        Assert.Null(items[2].Label);
    }

    [Fact]
    public void ReadCsv_ClassNames_MapToIndices()
    {
        string path = Write("named.csv", "text,label\nfree prize,spam\nhi mom,HAM\n");
        TextItem[] items = [.. TextItemReader.ReadCsv(path, new TextItemFileOptions { ClassNames = ["ham", "spam"] })];
        Assert.Equal([1, 0], items.Select(i => i.Label!.Value));
        Assert.Equal(["1", "2"], items.Select(i => i.Id));
    }

    [Fact]
    public void ReadCsv_MissingTextColumn_NamesTheColumns()
    {
        string path = Write("bad.csv", "body,label\nx,0\n");
        DataFormatException ex = Assert.Throws<DataFormatException>(() => TextItemReader.ReadCsv(path).ToList());
        Assert.Equal("text", ex.Field);
        Assert.EndsWith("is not a column; the columns are: body, label.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadCsv_WrongFieldCount_NamesTheRecordAndLine()
    {
        string path = Write("ragged.csv", "text,label\nok,0\nnot,ok,0\n");
        DataFormatException ex = Assert.Throws<DataFormatException>(() => TextItemReader.ReadCsv(path).ToList());
        Assert.Equal("2 (line 3)", ex.Record);
    }

    [Fact]
    public void ReadCsv_UnknownLabel_Throws()
    {
        string path = Write("label.csv", "text,label\nx,maybe\n");
        DataFormatException ex = Assert.Throws<DataFormatException>(() => TextItemReader.ReadCsv(path, new TextItemFileOptions { ClassNames = ["no", "yes"] }).ToList());
        Assert.Equal("label", ex.Field);
        Assert.Contains("'maybe'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadCsv_RequireLabel_RecordWithoutLabelNamesTheRecordLineAndField()
    {
        string path = Write("scored.csv", "text,label\n\"two\nlines\",1\nno label,\n");
        var options = new TextItemFileOptions { RequireLabel = true };
        DataFormatException ex = Assert.Throws<DataFormatException>(() => TextItemReader.ReadCsv(path, options).ToList());
        Assert.Equal($"{path}, record 2 (line 4), field 'label': is empty or missing, and every record of this file needs a label.", ex.Message);

        string noColumn = Write("nolabel.csv", "text\nx\n");
        ex = Assert.Throws<DataFormatException>(() => TextItemReader.ReadCsv(noColumn, options).ToList());
        Assert.Equal($"{noColumn}, record 1 (header), field 'label': is not a column, and every record of this file needs a label; the columns are: text.", ex.Message);
    }

    [Fact]
    public void ReadJsonLines_RequireLabel_NullOrMissingLabelNamesTheRecord()
    {
        string path = Write("scored.jsonl", "{\"text\": \"a\", \"label\": 0}\n\n{\"text\": \"b\", \"label\": null}\n");
        DataFormatException ex = Assert.Throws<DataFormatException>(() => TextItemReader.ReadJsonLines(path, new TextItemFileOptions { RequireLabel = true }).ToList());
        Assert.Equal(("2 (line 3)", "label"), (ex.Record, ex.Field));
    }

    [Fact]
    public void ReadCsv_RequireId_MissingColumnOrEmptyIdNamesTheRecordAndField()
    {
        var options = new TextItemFileOptions { IdField = "key", RequireId = true };
        string noColumn = Write("nokey.csv", "text,label\nx,0\n");
        DataFormatException ex = Assert.Throws<DataFormatException>(() => TextItemReader.ReadCsv(noColumn, options).ToList());
        Assert.Equal($"{noColumn}, record 1 (header), field 'key': is not a column; the columns are: text, label.", ex.Message);

        string emptyId = Write("emptykey.csv", "key,text\na,x\n,y\n");
        ex = Assert.Throws<DataFormatException>(() => TextItemReader.ReadCsv(emptyId, options).ToList());
        Assert.Equal($"{emptyId}, record 2 (line 3), field 'key': is empty or missing, and every record of this file needs an id.", ex.Message);

        // Without RequireId, a file without the column is numbered.
        Assert.Equal(["1"], TextItemReader.ReadCsv(noColumn, options with { RequireId = false }).Select(i => i.Id));
    }

    [Fact]
    public void ReadJsonLines_RequireId_MissingNullOrEmptyIdNamesTheRecord()
    {
        var options = new TextItemFileOptions { IdField = "key", RequireId = true };
        foreach (string row in new[] { "{\"text\": \"b\"}", "{\"key\": null, \"text\": \"b\"}", "{\"key\": \"\", \"text\": \"b\"}" })
        {
            string path = Write("ids.jsonl", "{\"key\": 7, \"text\": \"a\"}\n\n" + row + "\n");
            DataFormatException ex = Assert.Throws<DataFormatException>(() => TextItemReader.ReadJsonLines(path, options).ToList());
            Assert.Equal($"{path}, record 2 (line 3), field 'key': is empty or missing, and every record of this file needs an id.", ex.Message);
        }

        string numbered = Write("numbered.jsonl", "{\"key\": 7, \"text\": \"a\"}\n{\"text\": \"b\"}\n");
        Assert.Equal(["7", "2"], TextItemReader.ReadJsonLines(numbered, options with { RequireId = false }).Select(i => i.Id));
    }

    [Fact]
    public void ReadCsv_MissingFile_ThrowsAtCall() =>
        Assert.Throws<FileNotFoundException>(() => TextItemReader.ReadCsv(Path.Combine(_dir, "none.csv")));

    [Fact]
    public void ReadJsonLines_ReadsFieldsAndSkipsBlankLines()
    {
        string path = Write("items.jsonl", "{\"id\": 5, \"text\": \"a\", \"label\": 1}\n\n{\"text\": \"b\", \"label\": null}\n");
        TextItem[] items = [.. TextItemReader.ReadJsonLines(path)];
        Assert.Equal(new TextItem("5", "a", 1), items[0]);
        Assert.Equal(new TextItem("2", "b", null), items[1]);
    }

    [Fact]
    public void ReadJsonLines_BadJson_NamesTheLine()
    {
        string path = Write("bad.jsonl", "{\"text\": \"a\"}\n{oops\n");
        DataFormatException ex = Assert.Throws<DataFormatException>(() => TextItemReader.ReadJsonLines(path).ToList());
        Assert.Equal("2 (line 2)", ex.Record);
    }

    [Fact]
    public void ReadJsonLines_TextNotAString_NamesTheField()
    {
        string path = Write("num.jsonl", "{\"text\": 3}\n");
        DataFormatException ex = Assert.Throws<DataFormatException>(() => TextItemReader.ReadJsonLines(path).ToList());
        Assert.Equal("text", ex.Field);
    }

    private string Write(string file, string content)
    {
        string path = Path.Combine(_dir, file);
        File.WriteAllText(path, content);
        return path;
    }
}
