namespace Alchemist;

/// <summary>
/// A built-in source that reads its items from a file: a streamed run copies its text items to an <see cref="ItemSpool"/>
/// on the first read and reads that copy afterwards, asking the source before each later pass whether its file changed.
/// </summary>
internal interface IFileItemSource
{
    /// <summary>Throws when the file's length or write time is no longer that of the first read, or the file is gone.</summary>
    /// <exception cref="InvalidOperationException">The file changed or was removed since the first read.</exception>
    void ThrowIfChanged();
}
