namespace Alchemist.Tests.Labeling;

/// <summary>Functions that label a chunk at a time are recorded exactly as per-item calls would be.</summary>
public class LabelingFunctionApplierBatchTests
{
    [Fact]
    public void Apply_BatchFunctions_GiveTheVotesAndFaultsOfTheSameFunctionsCalledPerItem()
    {
        string[] items = [.. Enumerable.Range(0, 2_000).Select(i => "item " + i)];
        Func<string, int>[] rules =
        [
            t => t.Length % 2 == 0 ? 1 : -1,
            t => t.EndsWith('7') ? throw new InvalidOperationException("sevens " + t) : 0,
            t => t.EndsWith("13", StringComparison.Ordinal) ? 9 : -1,
            t => t.Length > 7 ? throw new FormatException(new string('x', 800)) : 1,
        ];
        var options = new LabelingApplierOptions { ChunkSize = 300, QuarantineFaultRate = 0.5, QuarantineMinimumItems = 100 };
        ILabelingFunction<string>[] perItem = [.. rules.Select((r, j) => LabelingFunction.Create("f" + j, r)), LabelingFunction.Create<string>("plain", t => t.Contains('5') ? 0 : -1)];
        var batcher = new FakeBatcher();
        ILabelingFunction<string>[] batched = [.. rules.Select((r, j) => (ILabelingFunction<string>)new FakeBatchFunction("f" + j, r, batcher)), perItem[^1]];

        LabelingResult expected = new LabelingFunctionApplier(options).Apply(items, perItem, 2);
        LabelingResult actual = new LabelingFunctionApplier(options).Apply(items, batched, 2);

        for (int j = 0; j < perItem.Length; j++)
        {
            Assert.Equal(expected.Matrix.GetColumn(j), actual.Matrix.GetColumn(j));
        }

        Assert.Equal(expected.Faults, actual.Faults);
        Assert.True(actual.Faults[3].Quarantined);
        Assert.Equal(7, batcher.Calls); // One call per chunk for all batch functions together.
    }

    [Fact]
    public void Apply_FunctionQuarantinedByItsBatcher_AbstainsFromThatChunkOn()
    {
        string[] items = [.. Enumerable.Range(0, 1_000).Select(i => "item " + i)];
        var batcher = new FakeBatcher { QuarantineFromItem = 400, QuarantineReason = "It killed its worker." };
        ILabelingFunction<string>[] functions = [new FakeBatchFunction("killer", _ => 1, batcher), new FakeBatchFunction("fine", _ => 0, batcher)];

        LabelingResult result = new LabelingFunctionApplier(new LabelingApplierOptions { ChunkSize = 300 }).Apply(items, functions, 2);

        sbyte[] killer = result.Matrix.GetColumn(0);
        Assert.All(killer[..300], v => Assert.Equal(1, v));
        Assert.All(killer[300..], v => Assert.Equal(Label.Abstain, v));
        Assert.All(result.Matrix.GetColumn(1), v => Assert.Equal(0, v));
        Assert.Equal(new LabelingFunctionFaults("killer", 600, 300, 0, true, "Quarantined on item 300: It killed its worker."), result.Faults[0]);
        Assert.Equal(new LabelingFunctionFaults("fine", 1000, 0, 0, false, null), result.Faults[1]);
    }

    private sealed class FakeBatchFunction(string name, Func<string, int> rule, FakeBatcher batcher) : IBatchLabelingFunction<string>
    {
        public string Name => name;

        public IProgramBatcher<string> Batcher => batcher;

        public Func<string, int> Rule => rule;

        public int Apply(string item) => throw new InvalidOperationException("The applier must label batch functions in batches.");
    }

    private sealed class FakeBatcher : IProgramBatcher<string>
    {
        public int Calls { get; private set; }

        public long QuarantineFromItem { get; init; } = long.MaxValue;

        public string QuarantineReason { get; init; } = "";

        public BatchVotes[] LabelBatch(IReadOnlyList<string> items, int start, int count, long firstItem, IReadOnlyList<IBatchLabelingFunction<string>> functions, int faultDetails, CancellationToken cancellationToken)
        {
            Calls++;
            return [.. functions.Select(f => Label((FakeBatchFunction)f, items, start, count, firstItem, faultDetails))];
        }

        private BatchVotes Label(FakeBatchFunction function, IReadOnlyList<string> items, int start, int count, long firstItem, int faultDetails)
        {
            if (function.Name == "killer" && firstItem + count > QuarantineFromItem)
            {
                return new BatchVotes([.. Enumerable.Repeat(Alchemist.Label.Abstain, count)]) { Exceptions = count, QuarantineReason = QuarantineReason };
            }

            var votes = new int[count];
            var faults = new List<FaultDetail>();
            int exceptions = 0;
            for (int i = 0; i < count; i++)
            {
                try
                {
                    votes[i] = function.Rule(items[start + i]);
                }
                catch (Exception ex)
                {
                    votes[i] = Alchemist.Label.Abstain;
                    exceptions++;
                    if (faults.Count < faultDetails)
                    {
                        faults.Add(new FaultDetail(i, ex.GetType().Name, LabelingFunctionApplier.ShortenFault(ex.Message), -1, 0));
                    }
                }
            }

            return new BatchVotes(votes) { Exceptions = exceptions, Faults = faults };
        }
    }
}
