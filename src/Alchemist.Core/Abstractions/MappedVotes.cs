using System.IO.MemoryMappedFiles;
using Microsoft.Win32.SafeHandles;

namespace Alchemist;

/// <summary>
/// The votes of a spilled <see cref="LabelMatrix"/>: a temporary file mapped into memory, so that its pages are the
/// kernel's to write back and evict instead of the process's anonymous memory
/// (<see cref="LabelingPipelineOptions.MatrixMemoryBudget"/>). The only unsafe code in the library.
/// </summary>
/// <remarks>
/// <para>
/// The file is created by <see cref="PrivateTempFile"/>, as <see cref="ItemSpool"/>'s is: opened for this process alone and, on Unix, unlinked
/// as soon as it is open, so nothing is left behind even if the process is killed; on Windows it is deleted when its
/// last handle closes. Its length is fixed at creation and its bytes start at zero.
/// </para>
/// <para>
/// Lifetime: the view's pointer is acquired (<see cref="System.Runtime.InteropServices.SafeBuffer.AcquirePointer(ref byte*)"/>) once here and released only by
/// <see cref="Dispose"/>, so no finalizer can unmap the view while a span over it may still be read; the spans
/// <see cref="Span"/> lends are valid until <see cref="Dispose"/>, and must not be read after it. An instance that is
/// never disposed keeps its mapping (and its nameless file) until the process exits: a leak of reclaimable pages, never
/// a read of unmapped memory.
/// </para>
/// </remarks>
internal sealed unsafe class MappedVotes : IDisposable
{
    /// <summary>The prefix of the spill files' names.</summary>
    public const string FilePrefix = "alchemist-matrix-";

    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly int _length;
    private byte* _pointer;
    private int _disposed;

    private MappedVotes(MemoryMappedFile file, MemoryMappedViewAccessor view, int length, string path)
    {
        _file = file;
        _view = view;
        _length = length;
        FilePath = path;
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _pointer = pointer + view.PointerOffset;
    }

    /// <summary>Gets the path the file was created at (on Unix no longer linked once created).</summary>
    public string FilePath { get; }

    /// <summary>Gets the number of votes (bytes) the file holds.</summary>
    public int Length => _length;

    /// <summary>Gets every vote in the file.</summary>
    /// <exception cref="ObjectDisposedException">The mapping was disposed.</exception>
    public Span<sbyte> Span
    {
        get
        {
            byte* pointer = _pointer;
            ObjectDisposedException.ThrowIf(pointer is null, this);
            return new Span<sbyte>(pointer, _length);
        }
    }

    /// <summary>Creates a file of <paramref name="length"/> zero bytes in <paramref name="directory"/> (the system's temporary folder when <see langword="null"/>) and maps it.</summary>
    /// <param name="length">The number of votes, from 1 to <see cref="Array.MaxLength"/>.</param>
    /// <param name="directory">The folder, or <see langword="null"/>.</param>
    /// <exception cref="IOException">The file could not be created, sized or mapped (for example, the disk is full).</exception>
    public static MappedVotes Create(long length, string? directory = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Array.MaxLength);
        SafeFileHandle handle = PrivateTempFile.Create(FilePrefix, directory, out string path);
        MemoryMappedFile? file = null;
        try
        {
            // A sparse file: its blocks are allocated as the votes are written.
            RandomAccess.SetLength(handle, length);
            file = MemoryMappedFile.CreateFromFile(handle, mapName: null, length, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: false);
            MemoryMappedViewAccessor view = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.ReadWrite);
            return new MappedVotes(file, view, (int)length, path);
        }
        catch
        {
            file?.Dispose();
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Maps a file for a matrix of <paramref name="length"/> votes when that is more than <paramref name="memoryBudget"/> bytes (<see cref="LabelingPipelineOptions.MatrixMemoryBudget"/>); <see langword="null"/> when it fits the budget, there is none, or there is nothing to hold.</summary>
    /// <param name="length">The number of votes.</param>
    /// <param name="memoryBudget">The largest matrix held in memory, in bytes, or <see langword="null"/> never to spill.</param>
    /// <param name="directory">The folder of the file, or <see langword="null"/> for the system's temporary folder.</param>
    /// <exception cref="IOException">The file could not be created, sized or mapped.</exception>
    public static MappedVotes? CreateIfOverBudget(long length, long? memoryBudget, string? directory) =>
        length > memoryBudget && length > 0 ? Create(length, directory) : null;

    /// <summary>Unmaps the view and closes the file, which deletes it; spans lent before must not be read after. Safe to call twice.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _pointer = null;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}
