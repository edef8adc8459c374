using Alchemist.Tests.Shared;
using static Alchemist.Tests.Sandbox.SandboxTestPrograms;

namespace Alchemist.Tests.Sandbox;

public class SandboxApplierTests
{
    [Fact]
    public void Applier_MixedSandboxedPrograms_ContainsFaultsAndQuarantinesRunaways()
    {
        string[] texts = [.. TestData.Load("youtube").Train.Texts.Select(t => t!)];
        var compiler = new ProgramCompiler(new SandboxOptions { StepBudget = 100_000, RegexMatchTimeout = TimeSpan.FromMilliseconds(20) });
        var sources = new Dictionary<string, string>
        {
            ["good"] = "public static class P { public static int Label(string t) => t.Contains(\"http\", StringComparison.OrdinalIgnoreCase) ? 1 : -1; }",
            ["loops"] = "public static class P { public static int Label(string t) { while (true) { } } }",
            ["recurses"] = "public static class P { public static int Label(string t) => Label(t + \"x\"); }",
            ["throws-sometimes"] = "public static class P { public static int Label(string t) => t.Length % 10 == 0 ? throw new InvalidOperationException(\"tens\") : 0; }",
            ["bad-vote"] = "public static class P { public static int Label(string t) => 7; }",
        };
        var compilations = sources.Select(s => compiler.Compile<string>(Program(s.Value, s.Key))).ToList();
        try
        {
            Assert.All(compilations, c => Assert.True(c.Succeeded, string.Join("\n", c.Diagnostics)));
            var functions = compilations.Select(c => (ILabelingFunction<string>)c.Function!).ToList();
            var applier = new LabelingFunctionApplier(new LabelingApplierOptions { ChunkSize = 200, QuarantineFaultRate = 0.5, QuarantineMinimumItems = 100 });

            LabelingResult result = applier.Apply(texts, functions, classCount: 2);

            // The good program's votes are exactly its own, whatever its neighbours did.
            for (int i = 0; i < texts.Length; i++)
            {
                Assert.Equal(functions[0].Apply(texts[i]), result.Matrix[i, 0]);
            }

            LabelingFunctionFaults good = result.Faults[0];
            Assert.Equal(0, good.Total);
            Assert.False(good.Quarantined);

            // Runaway programs are quarantined after the first chunk instead of burning their budget on every item.
            foreach (int j in new[] { 1, 2, 4 })
            {
                Assert.True(result.Faults[j].Quarantined, result.Faults[j].FunctionName);
                Assert.Equal(200, result.Faults[j].ItemsSeen);
                Assert.True(Enumerable.Range(0, texts.Length).All(i => result.Matrix[i, j] == Label.Abstain));
            }

            Assert.Equal(200, compilations[1].Function!.BudgetOverruns);
            Assert.Equal(200, compilations[2].Function!.BudgetOverruns);
            Assert.Contains("ProgramBudgetExceededException", result.Faults[1].FirstError, StringComparison.Ordinal);

            // A program that faults on a few items keeps voting on the others.
            LabelingFunctionFaults sometimes = result.Faults[3];
            Assert.False(sometimes.Quarantined);
            Assert.Equal(texts.Count(t => t.Length % 10 == 0), sometimes.Exceptions);
            Assert.Equal(0, compilations[3].Function!.BudgetOverruns);
        }
        finally
        {
            compilations.ForEach(c => c.Dispose());
        }
    }
}
