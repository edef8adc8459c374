using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Alchemist;

/// <summary>Finds what a worker process needs and starts workers: the dotnet host, the worker entry assembly, and a runtimeconfig with the memory limit.</summary>
/// <remarks>
/// <para>
/// The worker entry assembly (Alchemist.Sandbox.Worker.dll) sits next to Alchemist.Core.dll: in the build output of
/// any project that references Alchemist.Core, and in the package's lib folder, from which NuGet copies it to the
/// consumer's output. It is started as <c>dotnet exec --runtimeconfig FILE Alchemist.Sandbox.Worker.dll
/// PATH-OF-Alchemist.Core.dll</c> with the dotnet host of the running runtime: the running process itself when it is
/// <c>dotnet</c>, otherwise the <c>dotnet</c> executable three levels above the runtime's directory
/// (<c>DOTNET_ROOT/shared/Microsoft.NETCore.App/VERSION</c>), which is where it is when the host app runs from an
/// apphost. A self-contained or single-file host has neither, and is refused with a message.
/// </para>
/// <para>
/// The runtimeconfig pins the worker to the very runtime version the host runs on, sets the GC heap's hard limit,
/// workstation non-concurrent GC, and copies the host's globalization mode, so that programs format and compare text
/// as they would in the host. It is written to a directory only the current user can write
/// (<see cref="Directory.CreateTempSubdirectory"/>), since a runtimeconfig can name startup hooks. The worker's
/// environment is the host's without the variables that configure the .NET runtime (<c>DOTNET_*</c> but the root and
/// globalization ones, <c>COMPlus_*</c>, <c>CORECLR_*</c> profilers), so none of them can lift its limits or load code
/// into it.
/// </para>
/// </remarks>
internal sealed class WorkerLauncher : IDisposable
{
    /// <summary>The file name of the worker entry assembly.</summary>
    public const string WorkerAssemblyFileName = "Alchemist.Sandbox.Worker.dll";

    private static readonly string[] CopiedConfigProperties =
    [
        "System.Globalization.Invariant", "System.Globalization.PredefinedCulturesOnly", "System.Globalization.UseNls",
        "System.Globalization.AppLocalIcu",
    ];

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly DirectoryInfo _directory;

    private WorkerLauncher(string dotnet, string workerAssembly, string coreAssembly, DirectoryInfo directory, string runtimeConfig)
    {
        DotnetHost = dotnet;
        WorkerAssembly = workerAssembly;
        CoreAssembly = coreAssembly;
        _directory = directory;
        RuntimeConfig = runtimeConfig;
    }

    /// <summary>Gets the path of the dotnet host that starts workers.</summary>
    public string DotnetHost { get; }

    /// <summary>Gets the path of the worker entry assembly.</summary>
    public string WorkerAssembly { get; }

    /// <summary>Gets the path of Alchemist.Core.dll, which the worker loads.</summary>
    public string CoreAssembly { get; }

    /// <summary>Gets the path of the runtimeconfig the workers run with.</summary>
    public string RuntimeConfig { get; }

    /// <summary>Finds the host and the worker assembly and writes the runtimeconfig.</summary>
    /// <param name="heapHardLimit">The GC heap's hard limit of each worker, in bytes.</param>
    /// <exception cref="NotSupportedException">Workers cannot be started from this process; the message says why and what to do.</exception>
    public static WorkerLauncher Create(long heapHardLimit)
    {
        string coreAssembly = typeof(WorkerLauncher).Assembly.Location;
        if (string.IsNullOrEmpty(coreAssembly))
        {
            throw Unsupported("Alchemist.Core.dll has no file on disk (a single-file app?), so a worker process cannot load it");
        }

        string workerAssembly = Path.Combine(Path.GetDirectoryName(coreAssembly)!, WorkerAssemblyFileName);
        if (!File.Exists(workerAssembly))
        {
            throw Unsupported($"the worker entry assembly {WorkerAssemblyFileName} is not next to Alchemist.Core.dll ({Path.GetDirectoryName(coreAssembly)}); " +
                "it comes in the Alchemist.Core package and is copied to the build output with Alchemist.Core.dll, so a build that copied only some files left it out");
        }

        string dotnet = FindDotnetHost() ?? throw Unsupported(
            $"no dotnet host was found for the running runtime ({RuntimeEnvironment.GetRuntimeDirectory()}); a self-contained app has none. Run the app framework-dependent");
        DirectoryInfo directory = CreateFolder();
        try
        {
            string runtimeConfig = Path.Combine(directory.FullName, "Alchemist.Sandbox.Worker.runtimeconfig.json");
            File.WriteAllText(runtimeConfig, RuntimeConfigJson(heapHardLimit));
            return new WorkerLauncher(dotnet, workerAssembly, coreAssembly, directory, runtimeConfig);
        }
        catch
        {
            directory.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>Makes the workers' folder (owner-only on Unix) in the temporary folder, naming that folder if it cannot.</summary>
    /// <exception cref="DirectoryNotFoundException">The temporary folder does not exist or is not a folder.</exception>
    /// <exception cref="IOException">The folder could not be made there for another reason.</exception>
    private static DirectoryInfo CreateFolder()
    {
        try
        {
            return Directory.CreateTempSubdirectory("alchemist-workers-");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw TemporaryFolderProblem(Path.GetTempPath(), ex);
        }
    }

    /// <summary>The error for a temporary folder the workers' folder cannot be made in: it names the folder and where it comes from.</summary>
    /// <param name="temporaryFolder">The temporary folder (<see cref="Path.GetTempPath"/>).</param>
    /// <param name="cause">What making the folder threw.</param>
    internal static IOException TemporaryFolderProblem(string temporaryFolder, Exception cause)
    {
        string source = OperatingSystem.IsWindows() ? "the TMP or TEMP environment variable" : "the TMPDIR environment variable";
        if (!Directory.Exists(temporaryFolder))
        {
            return new DirectoryNotFoundException(
                $"The temporary folder '{temporaryFolder}' (from {source}) does not exist or is not a folder, so the sandbox cannot make the folder its worker processes start from. Point it at a folder that exists and this user can write to.",
                cause);
        }

        return new IOException(
            $"The sandbox cannot make the folder its worker processes start from in the temporary folder '{temporaryFolder}' (from {source}): {cause.Message} Point it at a folder this user can write to.",
            cause);
    }

    /// <summary>Finds the dotnet host of the running runtime.</summary>
    /// <returns>Its path, or <see langword="null"/> when there is none.</returns>
    internal static string? FindDotnetHost()
    {
        string executable = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.ProcessPath is { } process && string.Equals(Path.GetFileName(process), executable, StringComparison.OrdinalIgnoreCase) && File.Exists(process))
        {
            return process;
        }

        // DOTNET_ROOT/shared/Microsoft.NETCore.App/VERSION/ is the runtime's directory; the host is at DOTNET_ROOT/dotnet.
        DirectoryInfo? runtime = new(RuntimeEnvironment.GetRuntimeDirectory().TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        if (runtime.Parent?.Parent?.Parent is { } root && File.Exists(Path.Combine(root.FullName, executable)))
        {
            return Path.Combine(root.FullName, executable);
        }

        foreach (string variable in new[] { "DOTNET_HOST_PATH", "DOTNET_ROOT" })
        {
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value)
            {
                string candidate = variable == "DOTNET_ROOT" ? Path.Combine(value, executable) : value;
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>Starts a worker process; it waits for its init request.</summary>
    public Process Start()
    {
        var start = new ProcessStartInfo(DotnetHost)
        {
            UseShellExecute = false,
            CreateNoWindow = true,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _directory.FullName,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add("--runtimeconfig");
        start.ArgumentList.Add(RuntimeConfig);
        start.ArgumentList.Add(WorkerAssembly);
        start.ArgumentList.Add(CoreAssembly);
        foreach (string name in start.Environment.Keys.ToList())
        {
            if (IsRuntimeKnob(name))
            {
                start.Environment.Remove(name);
            }
        }

        return Process.Start(start) ?? throw new InvalidOperationException("The sandbox worker process did not start.");
    }

    /// <summary>Deletes the runtimeconfig's directory.</summary>
    public void Dispose()
    {
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static bool IsRuntimeKnob(string name)
    {
        if (name.StartsWith("COMPlus_", StringComparison.OrdinalIgnoreCase) || name.StartsWith("CORECLR_", StringComparison.OrdinalIgnoreCase) ||
            name.StartsWith("COR_", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return name.StartsWith("DOTNET_", StringComparison.OrdinalIgnoreCase) &&
            !name.StartsWith("DOTNET_ROOT", StringComparison.OrdinalIgnoreCase) &&
            !name.StartsWith("DOTNET_SYSTEM_GLOBALIZATION_", StringComparison.OrdinalIgnoreCase);
    }

    private static string RuntimeConfigJson(long heapHardLimit)
    {
        // The runtime's directory is named after its exact version (previews included); pin the worker to it.
        string directoryVersion = Path.GetFileName(RuntimeEnvironment.GetRuntimeDirectory().TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        bool exact = Version.TryParse(directoryVersion.Split('-')[0], out Version? parsed) && parsed.Major == Environment.Version.Major;
        string version = exact ? directoryVersion : Environment.Version.ToString(3);
        var properties = new Dictionary<string, object>
        {
            ["System.GC.HeapHardLimit"] = heapHardLimit,
            ["System.GC.Server"] = false,
            ["System.GC.Concurrent"] = false,
            ["System.GC.RetainVM"] = false,
        };
        foreach (string name in CopiedConfigProperties)
        {
            if (AppContext.GetData(name) is { } value)
            {
                properties[name] = value is bool or string ? value : Convert.ToString(value, CultureInfo.InvariantCulture)!;
            }
        }

        var config = new Dictionary<string, object>
        {
            ["runtimeOptions"] = new Dictionary<string, object>
            {
                ["tfm"] = "net" + Environment.Version.ToString(2),
                ["rollForward"] = exact ? "Disable" : "LatestPatch",
                ["framework"] = new Dictionary<string, string> { ["name"] = "Microsoft.NETCore.App", ["version"] = version },
                ["configProperties"] = properties,
            },
        };
        return JsonSerializer.Serialize(config, Indented);
    }

    private static NotSupportedException Unsupported(string why) => new(
        $"Sandbox worker processes cannot be started: {why}. Set LabelingPipelineOptions.Isolation = ProgramIsolation.InProcess to run programs in this process instead, without the worker's memory limit, watchdog and crash isolation.");
}
