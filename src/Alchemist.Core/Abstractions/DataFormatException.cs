namespace Alchemist;

/// <summary>The exception thrown when a data file is malformed; it names the file, the record and the field at fault.</summary>
public sealed class DataFormatException : FormatException
{
    /// <summary>Initializes a new instance of the <see cref="DataFormatException"/> class.</summary>
    public DataFormatException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DataFormatException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public DataFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DataFormatException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DataFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DataFormatException"/> class for a fault at a known place.</summary>
    /// <param name="file">The file, as the user named it.</param>
    /// <param name="record">The record: an id, or a line number; <see langword="null"/> when the fault is in the file as a whole.</param>
    /// <param name="field">The field; <see langword="null"/> when the fault is in the record as a whole.</param>
    /// <param name="problem">What is wrong, as a sentence.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    public DataFormatException(string file, string? record, string? field, string problem, Exception? innerException = null)
        : base(Describe(file, record, field, problem), innerException)
    {
        File = file;
        Record = record;
        Field = field;
    }

    /// <summary>Gets the file at fault, or <see langword="null"/>.</summary>
    public string? File { get; }

    /// <summary>Gets the record at fault (an id or a line number), or <see langword="null"/>.</summary>
    public string? Record { get; }

    /// <summary>Gets the field at fault, or <see langword="null"/>.</summary>
    public string? Field { get; }

    private static string Describe(string file, string? record, string? field, string problem)
    {
        string where = file;
        if (record is not null)
        {
            where += $", record {record}";
        }

        if (field is not null)
        {
            where += $", field '{field}'";
        }

        return $"{where}: {problem}";
    }
}
