using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// Run all:   dotnet run -c Release --project benchmarks/Alchemist.Benchmarks -- --filter '*'
// Run one:   dotnet run -c Release --project benchmarks/Alchemist.Benchmarks -- --filter '*Applier*'
// Quick run: add --job short --inProcess (a --job on the command line replaces the default MediumRun instead of
// running beside it)
// Sandbox cold start (one fresh process per measurement): -- --sandbox-cold
// Sandboxed programs against the same programs as plain C#, per program: -- --sandbox-speed [rows] [rounds] [--sources] [--workers]
// Worker processes against in process, cold (compile + apply, one fresh process): -- --workers-cold; warm: --filter '*WorkerBenchmarks*'
// Label models on the WRENCH data (docs/label-models.md): ... -- labelmodels nested|train|test|candidates [datasets] [--models a,b,auto:best-score]
// Figures of docs/pipeline.md:     dotnet run -c Release --project benchmarks/Alchemist.Benchmarks -- pipeline test|cv [datasets] [--options]
// The label-budget curve (docs/pipeline.md): ... -- pipeline budget [datasets] [--budgets 10,20,50,100,all] [--draws 5] [--features hashed,minilm,hashed+concepts,minilm+concepts] [--svg F] [--table F]
// Texts shortest first to MiniLM (docs/concept-programs.md): ... -- embeddings order [dataset] [N]
// The apply stage of a run alone, workers and in process: ... -- apply-speed --data DIR --library RUN/programs [--rounds N] [--workers-only]
// The hyper label model at scale (docs/experiments/hyper-label-model.md): ... -- hyper-speed --items 1000000 --functions 100 --classes 2 [--tile N] [--rounds N] [--dump FILE]
// The end model's prediction pass, one thread, processor time (docs/experiments/scale-one-machine.md): ... -- predict-speed [--items N] [--rounds R]
// The nested final choice on a streamed run of a large WRENCH folder (docs/experiments/label-budget-curve.md): ... -- nested-scale --data DIR --nested true|false [--sample-cost]
// Scale datasets (docs/scale.md):   ... -- scale generate --items N --out DIR [--dataset youtube] [--format wrench|jsonl]
if (args.Length > 0 && args[0] == "predict-speed")
{
    await Alchemist.Benchmarks.PredictSpeed.RunAsync(Console.Out, args[1..]);
    return;
}

if (args is ["--sandbox-cold"])
{
    Alchemist.Benchmarks.SandboxBenchmarks.RunColdStart(Console.Out);
    return;
}

if (args.Length > 0 && args[0] == "--sandbox-speed")
{
    Alchemist.Benchmarks.SandboxSpeedBenchmarks.RunSpeed(Console.Out, args[1..]);
    return;
}

if (args is ["--workers-cold"])
{
    Alchemist.Benchmarks.WorkerBenchmarks.RunColdStart(Console.Out);
    return;
}

if (args is ["pipeline", "budget-logs", ..])
{
    Alchemist.Benchmarks.BudgetCurve.FromLogs(args[2..]);
    return;
}

if (args is ["pipeline", "budget", ..])
{
    await Alchemist.Benchmarks.BudgetCurve.RunAsync(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "pipeline")
{
    await Alchemist.Benchmarks.PipelineFigures.RunAsync(args[1..]);
    return;
}

if (args is ["embeddings", "order", ..])
{
    await Alchemist.Benchmarks.EmbeddingOrderFigures.RunAsync(args[2..]);
    return;
}

if (args.Length > 0 && args[0] == "apply-speed")
{
    Alchemist.Benchmarks.ApplySpeed.Run(Console.Out, args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "nested-scale")
{
    await Alchemist.Benchmarks.NestedChoiceScale.RunAsync(Console.Out, args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "scale")
{
    Alchemist.Benchmarks.ScaleData.Run(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "aggregate-speed")
{
    Alchemist.Benchmarks.AggregateSpeed.Run(Console.Out, args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "hyper-speed")
{
    Alchemist.Benchmarks.HyperSpeed.Run(Console.Out, args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "labelmodels")
{
    Alchemist.Benchmarks.LabelModelFigures.Run(args[1..]);
    return;
}

IConfig config = ManualConfig.CreateMinimumViable()
    .AddDiagnoser(MemoryDiagnoser.Default)
    .WithOptions(ConfigOptions.JoinSummary);
if (!args.Contains("--job", StringComparer.OrdinalIgnoreCase) && !args.Contains("-j", StringComparer.Ordinal))
{
    config = config.AddJob(Job.MediumRun.WithToolchain(InProcessEmitToolchain.Instance));
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
