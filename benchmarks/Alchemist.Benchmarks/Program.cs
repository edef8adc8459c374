using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// Run all:   dotnet run -c Release --project benchmarks/Alchemist.Benchmarks -- --filter '*'
// Run one:   dotnet run -c Release --project benchmarks/Alchemist.Benchmarks -- --filter '*Applier*'
// Quick run: add --job short --inProcess (a --job on the command line replaces the default MediumRun instead of
// running beside it)
IConfig config = ManualConfig.CreateMinimumViable()
    .AddDiagnoser(MemoryDiagnoser.Default)
    .WithOptions(ConfigOptions.JoinSummary);
if (!args.Contains("--job", StringComparer.OrdinalIgnoreCase) && !args.Contains("-j", StringComparer.Ordinal))
{
    config = config.AddJob(Job.MediumRun.WithToolchain(InProcessEmitToolchain.Instance));
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
