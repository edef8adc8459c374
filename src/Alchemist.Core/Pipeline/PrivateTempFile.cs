using Microsoft.Win32.SafeHandles;

namespace Alchemist;

/// <summary>Creates the temporary files a run keeps its large data in (the item spool, a spilled label matrix): opened for this process alone and left with no name behind it.</summary>
internal static class PrivateTempFile
{
    /// <summary>
    /// Creates a new, empty file named <paramref name="prefix"/> and a random suffix in <paramref name="directory"/> (the
    /// system's temporary folder when <see langword="null"/>), open for reading and writing by this process alone. On
    /// Unix it is unlinked as soon as it is open: the open handle keeps the data, and a killed process leaves nothing
    /// behind. On Windows it is deleted when its last handle closes.
    /// </summary>
    /// <param name="prefix">The start of the file's name.</param>
    /// <param name="directory">The folder, or <see langword="null"/>.</param>
    /// <param name="path">The path the file was created at (on Unix no longer linked).</param>
    /// <returns>The open handle, which the caller owns.</returns>
    /// <exception cref="IOException">The file could not be created or unlinked.</exception>
    public static SafeFileHandle Create(string prefix, string? directory, out string path)
    {
        path = Path.Combine(directory ?? Path.GetTempPath(), $"{prefix}{Guid.NewGuid():N}.bin");
        bool unix = !OperatingSystem.IsWindows();
        SafeFileHandle handle = File.OpenHandle(
            path,
            FileMode.CreateNew,
            FileAccess.ReadWrite,
            unix ? FileShare.None : FileShare.Delete,
            unix ? FileOptions.None : FileOptions.DeleteOnClose);
        if (unix)
        {
            try
            {
                File.Delete(path);
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }

        return handle;
    }
}
