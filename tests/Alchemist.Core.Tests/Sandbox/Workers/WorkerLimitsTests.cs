using System.Text.Json;
using Alchemist.Tests.Shared;

namespace Alchemist.Tests.Sandbox.Workers;

/// <summary>What only the worker stops: programs the first wall accepts and lets run, whose calls the budgets allow but the worker's limits do not.</summary>
public class WorkerLimitsTests
{
    [Fact]
    public void Apply_CallsWithinTheBudgetsButPastTheWorkersLimits_AreQuarantined()
    {
        // Budgets a host might configure for heavy programs: 50 M steps, 256 MiB per call, an hour per regex match.
        var sandbox = new SandboxOptions { StepBudget = 50_000_000, RegexMatchTimeout = TimeSpan.FromHours(1) };
        var programs = new Dictionary<string, string>
        {
            // 200 MB in one explicitly sized, fully charged allocation: within 50 M steps and 256 MiB, past a 160 MiB heap.
            ["big-string"] = "public static class P { public static int Label(string t) => new string('x', 100_000_000).Length + t.Length > 0 ? 1 : -1; }",

            // Catastrophic backtracking, which only the match timeout bounds; here an hour.
            ["backtracks"] = "using System.Text.RegularExpressions; public static class P { public static int Label(string t) => Regex.IsMatch(new string('a', 40) + \"!\", \"^(a+)+$\") ? 1 : -1; }",
            ["link"] = WorkerTestPrograms.Strings["a-link"],
        };
        string[] items = [.. TestData.Load("youtube").Train.Texts.Take(200).Select(t => t!)];

        using var host = new WorkerProgramHost(new WorkerHostOptions
        {
            Sandbox = sandbox.Snapshot(),
            WorkerCount = 1,
            MemoryLimitBytes = 160L * 1024 * 1024,
            CallTimeout = TimeSpan.FromSeconds(2),
        });
        var compilations = programs.Select(p => host.Compile<string>(WorkerTestPrograms.Program(p.Key, p.Value), CancellationToken.None)).ToList();
        try
        {
            Assert.All(compilations, c => Assert.True(c.Function is not null, string.Join("\n", c.Diagnostics)));
            LabelingResult result = new LabelingFunctionApplier().Apply(items, [.. compilations.Select(c => (ILabelingFunction<string>)c.Function!)], 2);

            Assert.True(result.Faults[0].Quarantined);
            Assert.Contains("It exhausted its worker process's memory limit (160 MiB GC heap", result.Faults[0].FirstError, StringComparison.Ordinal);
            Assert.Contains(") on item 0 (OutOfMemoryException: ", result.Faults[0].FirstError, StringComparison.Ordinal);
            Assert.True(result.Faults[1].Quarantined);
            Assert.Contains("It ran longer than the call timeout (2 s) on item 0", result.Faults[1].FirstError, StringComparison.Ordinal);
            Assert.Equal((0L, false), (result.Faults[2].Total, result.Faults[2].Quarantined));
            Assert.Equal(items.Select(t => (sbyte)(t.Contains("http", StringComparison.OrdinalIgnoreCase) || t.Contains("www.", StringComparison.OrdinalIgnoreCase) ? 1 : -1)), result.Matrix.GetColumn(2));
            Assert.Equal(["backtracks", "big-string"], host.Quarantined.Select(q => q.ProgramName).Order(StringComparer.Ordinal));
        }
        finally
        {
            compilations.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public void Apply_NativeAllocationPastTheDataLimit_IsQuarantinedOnLinux()
    {
        // 3 GiB of native memory, never touched: outside the GC heap, so only RLIMIT_DATA (256 MiB + 1 GiB here) sees it.
        const string Native = "public static class P { public static int Label(string t) { IntPtr p = System.Runtime.InteropServices.Marshal.AllocHGlobal((nint)(3L << 30)); return p != IntPtr.Zero ? 1 : -1; } }";
        using var host = new WorkerProgramHost(WorkerTestPrograms.HostOptions(uncheckedPrograms: true, workers: 1) with { MemoryLimitBytes = 256L * 1024 * 1024 });
        using WorkerCompilation<string> compilation = host.Compile<string>(WorkerTestPrograms.Program("native", Native), CancellationToken.None);

        LabelingResult result = new LabelingFunctionApplier().Apply(["a", "b", "c"], [compilation.Function!], 2);

        if (ResourceLimits.Supported)
        {
            Assert.True(result.Faults[0].Quarantined);
            Assert.Contains("It exhausted its worker process's memory limit (256 MiB GC heap, 1,280 MiB in all) on item 0 (OutOfMemoryException", result.Faults[0].FirstError, StringComparison.Ordinal);
        }
        else
        {
            // Windows and macOS limit the GC heap only: the native block is allocated.
            Assert.Equal([1, 1, 1], result.Matrix.GetColumn(0));
        }
    }

    [Fact]
    public void Launcher_TemporaryFolderThatCannotBeUsed_IsNamedWithWhereItComesFrom()
    {
        string missing = Path.Combine(Path.GetTempPath(), "alchemist-no-such-folder-" + Guid.NewGuid().ToString("N"));
        var cause = new IOException("Unable to find the specified file.");

        IOException notThere = WorkerLauncher.TemporaryFolderProblem(missing, cause);

        Assert.IsType<DirectoryNotFoundException>(notThere);
        Assert.Contains($"'{missing}'", notThere.Message, StringComparison.Ordinal);
        Assert.Contains(OperatingSystem.IsWindows() ? "TEMP" : "TMPDIR", notThere.Message, StringComparison.Ordinal);
        Assert.Same(cause, notThere.InnerException);

        string existing = Path.GetTempPath();
        IOException unwritable = WorkerLauncher.TemporaryFolderProblem(existing, new UnauthorizedAccessException("Access to the path is denied."));

        Assert.IsNotType<DirectoryNotFoundException>(unwritable);
        Assert.Contains($"'{existing}'", unwritable.Message, StringComparison.Ordinal);
        Assert.Contains("Access to the path is denied.", unwritable.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Launcher_FindsTheHostAndPinsTheRuntime_InAPrivateDirectory()
    {
        string? dotnet = WorkerLauncher.FindDotnetHost();
        Assert.NotNull(dotnet);
        Assert.True(File.Exists(dotnet));

        string directory;
        using (WorkerLauncher launcher = WorkerLauncher.Create(300L * 1024 * 1024))
        {
            Assert.True(File.Exists(launcher.WorkerAssembly));
            Assert.Equal(Path.GetDirectoryName(typeof(ProgramCompiler).Assembly.Location), Path.GetDirectoryName(launcher.WorkerAssembly));
            using JsonDocument config = JsonDocument.Parse(File.ReadAllText(launcher.RuntimeConfig));
            JsonElement options = config.RootElement.GetProperty("runtimeOptions");
            Assert.Equal(300L * 1024 * 1024, options.GetProperty("configProperties").GetProperty("System.GC.HeapHardLimit").GetInt64());
            string runtimeVersion = Path.GetFileName(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory().TrimEnd('/', '\\'));
            Assert.Equal(runtimeVersion, options.GetProperty("framework").GetProperty("version").GetString());
            Assert.Equal("Disable", options.GetProperty("rollForward").GetString());
            directory = Path.GetDirectoryName(launcher.RuntimeConfig)!;
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
            }
        }

        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public void Protocol_MalformedFrames_AreRefused()
    {
        var writer = new PayloadWriter();
        writer.WriteInt32(1000);
        Assert.Throws<WorkerProtocolException>(() => new PayloadReader(writer.WrittenSpan.ToArray()).ReadString());
        Assert.Throws<WorkerProtocolException>(() => new PayloadReader(writer.WrittenSpan.ToArray()).ReadBytes());
        Assert.Throws<WorkerProtocolException>(() => new PayloadReader(writer.WrittenSpan.ToArray()).ReadCount(10));
        Assert.Throws<WorkerProtocolException>(() => new PayloadReader([1, 2]).ReadInt32());
        Assert.Throws<WorkerProtocolException>(() => new PayloadReader([2]).ReadBool());

        using var stream = new MemoryStream([0xFF, 0xFF, 0xFF, 0xFF, WorkerProtocol.Result]);
        Assert.Throws<WorkerProtocolException>(() => WorkerProtocol.ReadFrame(stream, WorkerProtocol.MaxReplyLength));
        using var cut = new MemoryStream([10, 0, 0, 0, WorkerProtocol.Result, 1, 2]);
        Assert.Throws<WorkerProtocolException>(() => WorkerProtocol.ReadFrame(cut, WorkerProtocol.MaxReplyLength));
        using var tooLong = new MemoryStream([0, 0, 0, 0x10, WorkerProtocol.Result]);
        Assert.Throws<WorkerProtocolException>(() => WorkerProtocol.ReadFrame(tooLong, WorkerProtocol.MaxReplyLength));
        using var empty = new MemoryStream();
        Assert.Null(WorkerProtocol.ReadFrame(empty, WorkerProtocol.MaxReplyLength));

        var options = new SandboxOptions { StepBudget = 1234, RegexTimeoutRetries = 3, ChargeSteps = false };
        writer.Clear();
        WorkerPayloads.WriteOptions(writer, options);
        SandboxOptions read = WorkerPayloads.ReadOptions(new PayloadReader(writer.WrittenSpan.ToArray()));
        Assert.Equal((1234L, 3, false, options.MaxAllocatedBytes, options.CompileTimeout), (read.StepBudget, read.RegexTimeoutRetries, read.ChargeSteps, read.MaxAllocatedBytes, read.CompileTimeout));
    }
}
