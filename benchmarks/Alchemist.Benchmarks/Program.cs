using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// Run all:   dotnet run -c Release --project benchmarks/Alchemist.Benchmarks -- --filter '*'
// Run one:   dotnet run -c Release --project benchmarks/Alchemist.Benchmarks -- --filter '*Applier*'
// Quick run: add --job short
// Sandbox cold start (one fresh process per measurement): -- --sandbox-cold
if (args is ["--sandbox-cold"])
{
    Alchemist.Benchmarks.SandboxBenchmarks.RunColdStart(Console.Out);
    return;
}

IConfig config = ManualConfig.CreateMinimumViable()
    .AddJob(Job.MediumRun.WithToolchain(InProcessEmitToolchain.Instance))
    .AddDiagnoser(MemoryDiagnoser.Default)
    .WithOptions(ConfigOptions.JoinSummary);

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
