using System.Runtime.InteropServices;

namespace Alchemist;

/// <summary>The operating-system limits a worker process puts on itself before it loads any program.</summary>
/// <remarks>
/// <para>
/// On Linux (64-bit) the worker lowers, soft and hard, <c>RLIMIT_DATA</c> (its private writable memory: the GC heap
/// once committed, native allocations and thread stacks) to the limit the host gives, and <c>RLIMIT_CORE</c> to zero so
/// that a crash does not write a core dump. A process cannot raise its hard limits again, so nothing the worker later
/// runs can lift them. Elsewhere (Windows, macOS) nothing is set here: the GC heap's hard limit, set in the
/// runtimeconfig the host writes, is the only memory limit there.
/// </para>
/// </remarks>
internal static partial class ResourceLimits
{
    private const int RlimitData = 2;
    private const int RlimitCore = 4;

    /// <summary>Gets a value indicating whether this platform gets an OS-level memory limit.</summary>
    public static bool Supported => OperatingSystem.IsLinux() && Environment.Is64BitProcess &&
        RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    /// <summary>Limits the process's private writable memory to <paramref name="bytes"/> (when positive) and turns off core dumps.</summary>
    /// <exception cref="InvalidOperationException">The limit could not be set.</exception>
    public static void LimitData(long bytes)
    {
        if (!Supported || bytes <= 0)
        {
            return;
        }

        Set(RlimitCore, 0);
        Set(RlimitData, (ulong)bytes);
    }

    private static void Set(int resource, ulong value)
    {
        var limit = new RLimit { Current = value, Maximum = value };
        if (SetRLimit(resource, ref limit) != 0)
        {
            throw new InvalidOperationException($"setrlimit({resource}, {value}) failed with error {Marshal.GetLastPInvokeError()}.");
        }
    }

#pragma warning disable SYSLIB1054 // A plain DllImport: the library is compiled without unsafe code, which the LibraryImport generator needs.
    [DllImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SetRLimit(int resource, ref RLimit limit);
#pragma warning restore SYSLIB1054

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }
}
