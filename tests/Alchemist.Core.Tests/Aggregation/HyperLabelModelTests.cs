using System.Text;
using Alchemist.Testing;

namespace Alchemist.Tests.Aggregation;

public class HyperLabelModelTests
{
    [Fact]
    public void Fit_BinaryVotes_FollowsTheAgreeingFunctions()
    {
        SyntheticLabelMatrix synthetic = LabelMatrixGenerator.Create(seed: 3, items: 4_000, classes: 2, accuracies: [0.9, 0.85, 0.8, 0.75, 0.7], coverages: [0.6, 0.5, 0.5, 0.4, 0.4], classBalance: [0.5, 0.5]);
        var model = new HyperLabelModel();

        LabelModelFitReport report = model.Fit(synthetic.Matrix);

        Assert.Equal("hyper", report.ModelName);
        Assert.Null(report.Iterations);
        Assert.Equal(1, report.ClassBalance.Sum(), 9);
        Assert.True(ClassificationMetrics.Accuracy(synthetic.TrueLabels, model.Predict(synthetic.Matrix, TieBreak.Random(0))) > 0.85);
    }

    [Fact]
    public void PredictProbabilities_ThreeClasses_UnanimousRowsGetTheirClassAndEmptyRowsAreUniform()
    {
        LabelMatrix matrix = LabelMatrix.FromRows([[0, 0, -1], [1, 1, 1], [2, -1, 2], [-1, -1, -1], [0, 1, 0], [2, 2, 2]], classCount: 3);
        var model = new HyperLabelModel();
        model.Fit(matrix);

        ClassProbabilities p = model.PredictProbabilities(matrix);

        Assert.Equal([0, 1, 2], [.. new[] { 0, 1, 2 }.Select(i => ArgMax(p.GetRow(i)))]);
        Assert.Equal(2, ArgMax(p.GetRow(5)));
        Assert.All(p.GetRow(3).ToArray(), v => Assert.Equal(1.0 / 3, v, 12));
        for (int i = 0; i < p.ItemCount; i++)
        {
            Assert.Equal(1, p.GetRow(i).ToArray().Sum(), 12);
        }
    }

    [Fact]
    public void PredictUncalibrated_BinaryEmptyRow_IsTheClassifiersOutputForAnEmptyRow()
    {
        // As in the reference: an item without votes is not exactly one half (data/hyperlm: 0.50740039 for YouTube).
        LabelMatrix matrix = LabelMatrix.FromRows([[1, 1], [-1, -1], [0, 1]], classCount: 2);
        var model = new HyperLabelModel();
        model.Fit(matrix);

        double[] raw = model.PredictUncalibrated(matrix);

        Assert.Equal(0.50740039, raw[3], 6);
        Assert.Equal(HyperNetwork.Pretrained.EmptyRowProbability, raw[3], 6);
    }

    [Fact]
    public void PredictProbabilities_FittedMatrix_EqualsRowByRowAndOtherMatricesAreLabeledFromTheirOwnMeans()
    {
        LabelMatrix train = LabelMatrixGenerator.Create(seed: 5, items: 3_000, functions: 8, classes: 2).Matrix;
        LabelMatrix test = LabelMatrixGenerator.Create(seed: 6, items: 700, functions: 8, classes: 2).Matrix;
        var model = new HyperLabelModel();
        model.Fit(train);

        // On the fitted matrix, the whole-matrix pass and each row alone agree.
        ClassProbabilities fitted = model.PredictProbabilities(train);
        Span<double> row = stackalloc double[2];
        for (int i = 0; i < train.ItemCount; i += 37)
        {
            model.PredictProbabilities(train.GetRow(i), row);
            Assert.Equal(fitted.GetRow(i)[1], row[1], 12);
        }

        // Another matrix is labeled as the reference labels it: as if the model had been fitted on it.
        var onTest = new HyperLabelModel();
        onTest.Fit(test);
        Assert.Equal(onTest.PredictProbabilities(test).AsSpan().ToArray(), model.PredictProbabilities(test).AsSpan().ToArray());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Fit_RepeatedRows_ComputedOnceGiveTheProbabilitiesOfEveryRowRead(int classes)
    {
        // 300 vote patterns repeated to 90,000 items, as real labeling functions repeat theirs: each distinct row is
        // computed once and counted by its weight, in the column passes and in the prediction.
        LabelMatrix patterns = LabelMatrixGenerator.Create(seed: 11, items: 300, functions: 12, classes: classes).Matrix;
        var votes = new sbyte[90_000 * 12];
        for (int i = 0; i < 90_000; i++)
        {
            patterns.GetRow((i * 7) % 300).CopyTo(votes.AsSpan(i * 12, 12));
        }

        var matrix = new LabelMatrix(90_000, 12, classes, votes);
        var grouped = new double[90_000 * classes];
        var everyRow = new double[90_000 * classes];
        HyperState groupedState = HyperState.Fit(matrix, grouped, CancellationToken.None);
        HyperState everyRowState = HyperState.Fit(matrix, everyRow, CancellationToken.None, groupRows: false);

        Assert.Equal(everyRow, grouped, new ToleranceComparer(1e-6));
        Assert.Equal(everyRowState.High, groupedState.High, 6);
        Assert.Equal(everyRowState.Low, groupedState.Low, 6);

        // The fitted matrix predicted again by lookup of its distinct rows equals the fit's own values.
        var again = new double[grouped.Length];
        groupedState.PredictUncalibrated(matrix, again, CancellationToken.None);
        Assert.Equal(grouped, again);
    }

    [Fact]
    public void BuildIfCompact_RowOfItem_IsEachItemsRowInTheTableAndNullWhenRowsDoNotRepeat()
    {
        // The grouped hyper fit maps items to their distinct rows with the indices the table's build recorded.
        LabelMatrix patterns = LabelMatrixGenerator.Create(seed: 12, items: 50, functions: 9, classes: 3).Matrix;
        var votes = new sbyte[70_000 * 9];
        for (int i = 0; i < 70_000; i++)
        {
            patterns.GetRow((i * 11) % 50).CopyTo(votes.AsSpan(i * 9, 9));
        }

        var matrix = new LabelMatrix(70_000, 9, 3, votes);
        DistinctRowTable? table = DistinctRowTable.BuildIfCompact(matrix, out int[]? rowOfItem);
        Assert.NotNull(table);
        Assert.NotNull(rowOfItem);
        Assert.Equal(matrix.ItemCount, rowOfItem.Length);
        Assert.Equal(matrix.ItemCount, table.TotalWeight);
        var weights = new long[table.Count];
        for (int i = 0; i < matrix.ItemCount; i++)
        {
            Assert.True(table.GetRow(rowOfItem[i]).SequenceEqual(matrix.GetRow(i)));
            weights[rowOfItem[i]]++;
        }

        for (int r = 0; r < table.Count; r++)
        {
            Assert.Equal(table.GetWeight(r), weights[r]);
            Assert.Equal(r, table.IndexOf(table.GetRow(r)));
        }

        LabelMatrix distinct = LabelMatrixGenerator.Create(seed: 13, items: 70_000, functions: 40, classes: 2).Matrix;
        Assert.Null(DistinctRowTable.BuildIfCompact(distinct, out int[]? none));
        Assert.Null(none);
    }

    [Theory]
    [InlineData(2, false)]
    [InlineData(4, false)]
    [InlineData(2, true)]
    [InlineData(4, true)]
    public void Fit_PairedKernels_GiveThePortableKernelsProbabilities(int classes, bool repeatedRows)
    {
        // 37 functions: a row's entries are an odd or even number, and the gather's 32-vote blocks have a tail; rows
        // without votes too. The paired (AVX-512) kernels compute each value as the 8-wide ones do and sum the row
        // means in another order, so they agree to float rounding, with every row read (in parallel blocks) and with
        // repeated rows grouped.
        SyntheticLabelMatrix synthetic = LabelMatrixGenerator.Create(seed: 21, items: repeatedRows ? 400 : 20_000, functions: 37, classes: classes);
        LabelMatrix matrix = synthetic.Matrix;
        if (repeatedRows)
        {
            var votes = new sbyte[20_000 * 37];
            for (int i = 0; i < 20_000; i++)
            {
                synthetic.Matrix.GetRow((i * 13) % 400).CopyTo(votes.AsSpan(i * 37, 37));
            }

            matrix = new LabelMatrix(20_000, 37, classes, votes);
        }

        var portable = new double[20_000 * classes];
        HyperState portableState = HyperState.Fit(matrix, portable, CancellationToken.None, groupRows: repeatedRows, paired: false);
        var byDefault = new double[20_000 * classes];
        HyperState defaultState = HyperState.Fit(matrix, byDefault, CancellationToken.None, groupRows: repeatedRows);

        // The default is the paired kernels where the machine has AVX-512 (then compared here), the portable ones elsewhere.
        Assert.Equal(portable, byDefault, new ToleranceComparer(1e-6));
        Assert.Equal(portableState.High, defaultState.High, 6);
        Assert.Equal(portableState.Low, defaultState.Low, 6);
        Assert.Contains(portable, p => Math.Abs(p - (1.0 / classes)) > 0.02);
        var portableRow = new double[classes];
        var defaultRow = new double[classes];
        for (int i = 0; i < matrix.ItemCount; i += 997)
        {
            portableState.PredictUncalibratedRow(matrix.GetRow(i), portableRow);
            defaultState.PredictUncalibratedRow(matrix.GetRow(i), defaultRow);
            Assert.Equal(portableRow, defaultRow, new ToleranceComparer(1e-6));
        }

        if (HyperPass.PairedSupported)
        {
            var paired = new double[20_000 * classes];
            HyperState.Fit(matrix, paired, CancellationToken.None, groupRows: repeatedRows, paired: true);
            Assert.Equal(byDefault, paired);
        }
        else
        {
            Assert.Throws<PlatformNotSupportedException>(() => HyperState.Fit(matrix, new double[20_000 * classes], CancellationToken.None, paired: true));
        }
    }

    [Theory]
    [InlineData(2, false)]
    [InlineData(4, false)]
    [InlineData(2, true)]
    [InlineData(4, true)]
    public void Fit_ListedEntries_GiveTheProbabilitiesOfTheMatrixRowsBitForBit(int classes, bool repeatedRows)
    {
        // Rows that are not grouped are read from their entries listed once (HyperEntries) instead of the matrix: the
        // same entries in the same order, so the same values bit for bit, with the paired kernels and the portable ones.
        // 45 functions: rows of 8 entries and more (the widening copy) and a tail; every 97th row without votes; repeated
        // rows read one by one (groupRows: false).
        LabelMatrix drawn = LabelMatrixGenerator.Create(seed: 32, items: repeatedRows ? 500 : 12_000, functions: 45, classes: classes).Matrix;
        var votes = new sbyte[12_000 * 45];
        for (int i = 0; i < 12_000; i++)
        {
            Span<sbyte> row = votes.AsSpan(i * 45, 45);
            if (i % 97 == 0)
            {
                row.Fill(-1);
                continue;
            }

            drawn.GetRow(repeatedRows ? (i * 17) % 500 : i).CopyTo(row);
        }

        var matrix = new LabelMatrix(12_000, 45, classes, votes);
        HyperEntries entries = HyperEntries.Build(matrix, CancellationToken.None)!;
        Assert.Equal(matrix.ItemCount, entries.RowCount);
        Assert.Equal(matrix.AsSpan().Count((sbyte)-1), (matrix.ItemCount * 45) - entries.EntryCount);

        bool[] kernels = HyperPass.PairedSupported ? [false, true] : [false];
        foreach (bool paired in kernels)
        {
            var fromMatrix = new double[matrix.ItemCount * classes];
            var fromEntries = new double[matrix.ItemCount * classes];
            HyperState matrixState = HyperState.Fit(matrix, fromMatrix, CancellationToken.None, groupRows: false, paired: paired, listEntries: false);
            HyperState entriesState = HyperState.Fit(matrix, fromEntries, CancellationToken.None, groupRows: false, paired: paired);

            AssertSameFitBitForBit(fromMatrix, matrixState, fromEntries, entriesState, classes);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Fit_TwoRowsSideBySide_GiveTheValuesOfOneRowAtATimeBitForBit(int classes)
    {
        // The paired kernels compute two rows side by side (each layer on one row, then on the other) in the column
        // passes and the fit's prediction: each row's values, and the column sums in row order, must be those of one row
        // at a time. 9,001 rows (three blocks, an odd count), 100 functions, every 13th row and a run of four without
        // votes (the pairs skip them); from listed entries and from the matrix.
        const int Items = 9_001, Functions = 100;
        LabelMatrix drawn = LabelMatrixGenerator.Create(seed: 34, items: Items, functions: Functions, classes: classes).Matrix;
        var votes = new sbyte[Items * Functions];
        for (int i = 0; i < Items; i++)
        {
            Span<sbyte> row = votes.AsSpan(i * Functions, Functions);
            if (i % 13 == 0 || (i >= 5_000 && i < 5_004))
            {
                row.Fill(-1);
                continue;
            }

            drawn.GetRow(i).CopyTo(row);
        }

        var matrix = new LabelMatrix(Items, Functions, classes, votes);
        bool[] kernels = HyperPass.PairedSupported ? [false, true] : [false];
        foreach (bool paired in kernels)
        {
            foreach (bool listEntries in new[] { true, false })
            {
                var oneByOne = new double[Items * classes];
                var sideBySide = new double[Items * classes];
                HyperState one = HyperState.Fit(matrix, oneByOne, CancellationToken.None, groupRows: false, paired: paired, listEntries: listEntries, twoRows: false);
                HyperState two = HyperState.Fit(matrix, sideBySide, CancellationToken.None, groupRows: false, paired: paired, listEntries: listEntries);

                AssertSameFitBitForBit(oneByOne, one, sideBySide, two, classes);
            }
        }
    }

    [Theory]
    [InlineData(45)]
    [InlineData(64)]
    [InlineData(100)]
    [InlineData(200)]
    [InlineData(256)]
    public void HyperEntries_CompressedFill_ListsTheEntriesOfTheRowByRowFill(int functions)
    {
        // The AVX-512 fill (64 votes at a time, staged per block) against the row-by-row one: the same entries in the
        // same order for every row. 5,000 rows (two blocks), every 7th row without votes, row 10 without abstains.
        const int Items = 5_000;
        LabelMatrix drawn = LabelMatrixGenerator.Create(seed: 35, items: Items, functions: functions, classes: 3).Matrix;
        sbyte[] votes = drawn.AsSpan().ToArray();
        for (int i = 0; i < Items; i += 7)
        {
            votes.AsSpan(i * functions, functions).Fill(-1);
        }

        votes.AsSpan(10 * functions, functions).Fill(2);
        var matrix = new LabelMatrix(Items, functions, 3, votes);
        HyperEntries expected = HyperEntries.Build(matrix, CancellationToken.None, compress: false)!;
        HyperEntries actual = HyperEntries.Build(matrix, CancellationToken.None)!;

        Assert.Equal(expected.EntryCount, actual.EntryCount);
        Assert.Equal(matrix.AsSpan().Count((sbyte)-1), ((long)Items * functions) - actual.EntryCount);
        var expectedColumns = new int[functions];
        var actualColumns = new int[functions];
        var expectedValues = new float[functions];
        var actualValues = new float[functions];
        for (int i = 0; i < Items; i++)
        {
            int expectedCount = expected.Gather(i, 1, expectedColumns, expectedValues, out int expectedSum);
            int actualCount = actual.Gather(i, 1, actualColumns, actualValues, out int actualSum);
            Assert.Equal(expectedCount, actualCount);
            Assert.Equal(expectedSum, actualSum);
            Assert.Equal(expectedColumns.AsSpan(0, expectedCount).ToArray(), actualColumns.AsSpan(0, actualCount).ToArray());
            Assert.Equal(expectedValues.AsSpan(0, expectedCount).ToArray(), actualValues.AsSpan(0, actualCount).ToArray());
        }

        Assert.Equal(functions, actual.Gather(10, 2, actualColumns, actualValues, out int positives));
        Assert.Equal(functions, positives);
    }

    [Fact]
    public void HyperEntries_MoreThan256Functions_AreNotListedAndTheFitReadsTheMatrix()
    {
        LabelMatrix matrix = LabelMatrixGenerator.Create(seed: 33, items: 300, functions: 257, classes: 2).Matrix;

        Assert.Null(HyperEntries.Build(matrix, CancellationToken.None));
        var values = new double[300 * 2];
        var expected = new double[300 * 2];
        HyperState.Fit(matrix, values, CancellationToken.None, groupRows: false);
        HyperState.Fit(matrix, expected, CancellationToken.None, groupRows: false, listEntries: false);
        Assert.Equal(expected, values);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void PredictProbabilities_FittedMatrixOfDistinctRows_CopiesTheFitsValuesWhichEqualARecomputation(int classes)
    {
        // The fit predicts every row of its matrix for the calibration range; the state keeps those values, and the
        // fitted matrix is predicted again by copying them. A copy of the matrix is another matrix, predicted by
        // running the passes again: the same values bit for bit.
        LabelMatrix matrix = LabelMatrixGenerator.Create(seed: 34, items: 15_000, functions: 30, classes: classes).Matrix;
        var copy = new LabelMatrix(matrix.ItemCount, matrix.FunctionCount, classes, matrix.AsSpan());
        var model = new HyperLabelModel();
        model.Fit(matrix);

        Assert.Equal(model.PredictProbabilities(copy).AsSpan().ToArray(), model.PredictProbabilities(matrix).AsSpan().ToArray());
        Assert.Equal(model.PredictUncalibrated(copy), model.PredictUncalibrated(matrix));

        var kept = new double[matrix.ItemCount * classes];
        HyperState state = HyperState.Fit(matrix, kept, CancellationToken.None, keepValues: true);
        var again = new double[kept.Length];
        Assert.Equal((state.High, state.Low), state.PredictUncalibrated(matrix, again, CancellationToken.None));
        Assert.Equal(kept, again);
        InvalidOperationException other = Assert.Throws<InvalidOperationException>(() => state.PredictUncalibrated(matrix.SliceItems(0, 100), new double[100 * classes], CancellationToken.None));
        Assert.StartsWith("The state was fitted on 15000 items of 30 functions", other.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2, false)]
    [InlineData(3, false)]
    [InlineData(2, true)]
    [InlineData(3, true)]
    public void Fit_RepeatedRows_HoldsNothingPerItemAndPredictsTheFittedMatrixRowByRowBitForBit(int classes, bool semi)
    {
        // 300 vote patterns repeated to 90,000 items: the fit keeps the distinct rows' values only. Its class balance
        // (summed in item order from the rows' calibrated values) and its per-distinct-row distributions (a streamed
        // run's ItemDistributions) equal, bit for bit, a copy of the matrix predicted as another matrix, which runs
        // the transductive pass again and writes every item's values.
        LabelMatrix patterns = LabelMatrixGenerator.Create(seed: 41, items: 300, functions: 12, classes: classes).Matrix;
        var votes = new sbyte[90_000 * 12];
        for (int i = 0; i < 90_000; i++)
        {
            patterns.GetRow((i * 7) % 300).CopyTo(votes.AsSpan(i * 12, 12));
        }

        var matrix = new LabelMatrix(90_000, 12, classes, votes);
        var copy = new LabelMatrix(matrix.ItemCount, matrix.FunctionCount, classes, matrix.AsSpan());
        SyntheticLabelMatrix dev = LabelMatrixGenerator.Create(seed: 42, items: 200, functions: 12, classes: classes);
        var model = new HyperLabelModel { FineTunesOnDevLabels = semi };

        // The balance is estimated from the votes (with a dev split it would be the dev labels' by default).
        LabelModelFitReport report = model.Fit(matrix, new LabelModelFitOptions { DevMatrix = dev.Matrix, DevLabels = dev.TrueLabels, ClassBalanceEstimation = ClassBalanceEstimation.Votes });

        double[] expected = model.PredictProbabilities(copy).AsSpan().ToArray();
        var balance = new double[classes];
        for (int i = 0; i < matrix.ItemCount; i++)
        {
            for (int c = 0; c < classes; c++)
            {
                balance[c] += expected[(i * classes) + c] / matrix.ItemCount;
            }
        }

        // The balance is summed per distinct row (its calibrated values times its count, in order of first occurrence),
        // so that a fit from merged statistics gives the same sums: that, exactly, and the item-order mean to rounding.
        DistinctRowTable rows = DistinctRowTable.BuildIfCompact(matrix)!;
        var byRow = new double[classes];
        for (int r = 0; r < rows.Count; r++)
        {
            int item = FirstItemWith(matrix, rows.GetRow(r));
            for (int c = 0; c < classes; c++)
            {
                byRow[c] += expected[(item * classes) + c] * rows.GetWeight(r) / (double)matrix.ItemCount;
            }
        }

        Assert.Equal(byRow, report.ClassBalance);
        Assert.Equal(balance, report.ClassBalance, new ToleranceComparer(1e-12));
        Assert.Equal(expected, model.PredictProbabilities(matrix).AsSpan().ToArray());
        Assert.True(model.PredictsRowByRowFor(matrix));
        Assert.False(model.PredictsRowByRowFor(copy));
        ItemDistributions distributions = ItemDistributions.Predict(model, matrix);
        Assert.Equal(DistinctRowTable.BuildIfCompact(patterns)!.Count, distributions.DistinctRows);
        for (int i = 0; i < matrix.ItemCount; i++)
        {
            Assert.Equal(expected.AsSpan(i * classes, classes).ToArray(), distributions.GetRow(i).ToArray());
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Fit_RowsThatDoNotRepeat_KeepsEveryItemsValuesAndItsBalanceIsTheirMean(int classes)
    {
        // Rows that barely repeat are not grouped: the fit keeps every item's values, a streamed run holds the
        // distributions per item, and the class balance is the mean of the fitted matrix's distributions in item order.
        LabelMatrix matrix = LabelMatrixGenerator.Create(seed: 34, items: 70_000, functions: 40, classes: classes).Matrix;
        var model = new HyperLabelModel();

        LabelModelFitReport report = model.Fit(matrix);

        double[] predicted = model.PredictProbabilities(matrix).AsSpan().ToArray();
        var balance = new double[classes];
        for (int i = 0; i < matrix.ItemCount; i++)
        {
            for (int c = 0; c < classes; c++)
            {
                balance[c] += predicted[(i * classes) + c] / matrix.ItemCount;
            }
        }

        Assert.Null(DistinctRowTable.BuildIfCompact(matrix));
        Assert.Equal(balance, report.ClassBalance);
        Assert.False(model.PredictsRowByRowFor(matrix));
        Assert.Null(ItemDistributions.Predict(model, matrix).DistinctRows);
    }

    [Fact]
    public void PredictProbabilities_LargeWideMatrix_ParallelAndRentedBuffersMatchOneRow()
    {
        // 20,000 rows are split into parallel blocks; 150 functions exceed the stack buffers.
        LabelMatrix matrix = LabelMatrixGenerator.Create(seed: 7, items: 20_000, functions: 150, classes: 3).Matrix;
        var model = new HyperLabelModel();
        model.Fit(matrix);
        ClassProbabilities all = model.PredictProbabilities(matrix);

        var again = new HyperLabelModel();
        again.Fit(matrix);
        Assert.Equal(all.AsSpan().ToArray(), again.PredictProbabilities(matrix).AsSpan().ToArray());
        var row = new double[3];
        for (int i = 0; i < matrix.ItemCount; i += 1_999)
        {
            model.PredictProbabilities(matrix.GetRow(i), row);
            Assert.Equal(all.GetRow(i).ToArray(), row, new ToleranceComparer(1e-12));
        }
    }

    [Fact]
    public void Fit_StatisticsWithoutDistinctRows_SaysWhatItNeeds()
    {
        LabelStatistics statistics = LabelStatistics.Compute(LabelMatrix.FromRows([[0, 1], [1, 1]], 2), new LabelStatisticsOptions { IncludeDistinctRows = false });

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => new HyperLabelModel().Fit(statistics));

        Assert.Equal("The label model 'hyper' is fitted from statistics only with their distinct rows; compute them with LabelStatisticsOptions.IncludeDistinctRows set to true.", error.Message);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Fit_MergedPartitionStatistics_IsTheMatrixFitBitForBit(int classes)
    {
        // Rows that repeat: the matrix fit groups them, and so do the partitions' statistics, merged in item order.
        LabelMatrix matrix = LabelMatrixGenerator.Create(seed: 5 + classes, items: 9_000, functions: 7, classes).Matrix;
        var whole = new HyperLabelModel();
        whole.Fit(matrix);
        LabelStatistics merged = LabelStatistics.Merge([
            LabelStatistics.Compute(matrix.SliceItems(0, 2_000)),
            LabelStatistics.Compute(matrix.SliceItems(2_000, 4_000)),
            LabelStatistics.Compute(matrix.SliceItems(6_000, 3_000)),
        ]);
        var fromStatistics = new HyperLabelModel();
        fromStatistics.Fit(merged);

        Assert.Equal(whole.FitReport.ClassBalance, fromStatistics.FitReport.ClassBalance);
        double[] expected = whole.PredictProbabilities(matrix).AsSpan().ToArray();
        var row = new double[classes];
        for (int r = 0; r < merged.DistinctRowCount; r++)
        {
            fromStatistics.PredictProbabilities(merged.GetDistinctRow(r), row);
            int item = FirstItemWith(matrix, merged.GetDistinctRow(r));
            Assert.Equal(expected.AsSpan(item * classes, classes).ToArray(), row);
        }

        // Another matrix (the fitted one seen as any other) is predicted from its own means: the same values.
        Assert.Equal(expected, fromStatistics.PredictProbabilities(matrix).AsSpan().ToArray());
    }

    private static int FirstItemWith(LabelMatrix matrix, ReadOnlySpan<sbyte> row)
    {
        for (int i = 0; i < matrix.ItemCount; i++)
        {
            if (matrix.GetRow(i).SequenceEqual(row))
            {
                return i;
            }
        }

        throw new InvalidOperationException("No item has the row.");
    }

    [Fact]
    public void Fit_NullOrEmptyMatrix_Throws()
    {
        Assert.Throws<ArgumentNullException>("matrix", () => new HyperLabelModel().Fit((LabelMatrix)null!));
        ArgumentException error = Assert.Throws<ArgumentException>("matrix", () => new HyperLabelModel().Fit(new LabelMatrix(0, 3, 2, ReadOnlySpan<sbyte>.Empty)));
        Assert.StartsWith("A label model needs at least one item and one labeling function; the matrix is 0 x 3.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_BeforeFitOrOtherFunctions_Throws()
    {
        LabelMatrix matrix = LabelMatrix.FromRows([[0, 1], [1, 1]], 2);
        InvalidOperationException notFitted = Assert.Throws<InvalidOperationException>(() => new HyperLabelModel().PredictProbabilities(matrix));
        Assert.Equal("The label model 'hyper' has not been fitted; call Fit first.", notFitted.Message);

        var model = new HyperLabelModel();
        model.Fit(matrix);
        ArgumentException other = Assert.Throws<ArgumentException>("matrix", () => model.PredictProbabilities(LabelMatrix.FromRows([[0, 1, 1]], 2)));
        Assert.StartsWith("The model 'hyper' was fitted on 2 functions and 2 classes; the matrix has 3 and 2.", other.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_CanceledToken_Throws()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => new HyperLabelModel().Fit(LabelMatrix.FromRows([[0, 1]], 2), cancellationToken: cts.Token));
    }

    [Fact]
    public void Read_MissingOrMisshapenTensor_NamesIt()
    {
        using var missing = new MemoryStream(Encoding.UTF8.GetBytes("""{"tensors": {}}"""));
        InvalidDataException error = Assert.Throws<InvalidDataException>(() => HyperNetwork.Read(missing));
        Assert.Equal("The hyper label model's weights lack the tensor 'matrix_net.0.linear.weight'.", error.Message);

        using var misshapen = new MemoryStream(Encoding.UTF8.GetBytes("""{"tensors": {"matrix_net.0.linear.weight": {"shape": [4, 8], "values": []}}}"""));
        error = Assert.Throws<InvalidDataException>(() => HyperNetwork.Read(misshapen));
        Assert.Equal("The tensor 'matrix_net.0.linear.weight' has shape [4, 8]; expected [8, 4].", error.Message);
    }

    [Fact]
    public void Catalog_KnowsHyperByName()
    {
        LabelModel model = LabelModelCatalog.CreateDefault().Create("HYPER");
        Assert.IsType<HyperLabelModel>(model);
        Assert.Throws<ArgumentException>("name", () => LabelModelCatalog.CreateDefault().Register("hyper", () => new MajorityVoteLabelModel(), candidateForAuto: true));
    }

    [Fact]
    public void Auto_HyperClearlyAhead_IsChosenAndPredictsLikeHyper()
    {
        // On these synthetic 3-class votes hyper leads weighted majority by 0.022 in dev cross-validation, more than one
        // standard error (0.017); on the train labels, which the choice never sees, it is ahead too (0.706 vs 0.680).
        SyntheticLabelMatrix synthetic = LabelMatrixGenerator.Create(seed: 2, items: 3_000, functions: 6, classes: 3);
        SyntheticLabelMatrix dev = LabelMatrixGenerator.Create(seed: 3, items: 200, functions: 6, classes: 3);
        var options = new LabelModelFitOptions { DevMatrix = dev.Matrix, DevLabels = dev.TrueLabels };
        var auto = new AutoLabelModel();

        LabelModelFitReport report = auto.Fit(synthetic.Matrix, options);

        Assert.Equal("hyper", report.Selected);
        Assert.StartsWith("'hyper' led the default 'weighted-majority' by 0.022, more than one standard error (", report.SelectionReason, StringComparison.Ordinal);
        var hyper = new HyperLabelModel();
        hyper.Fit(synthetic.Matrix);
        Assert.Equal(hyper.PredictProbabilities(synthetic.Matrix).AsSpan().ToArray(), auto.PredictProbabilities(synthetic.Matrix).AsSpan().ToArray());
        Assert.Equal(hyper.PredictProbabilities(dev.Matrix).AsSpan().ToArray(), auto.PredictProbabilities(dev.Matrix).AsSpan().ToArray());
    }

    [Fact]
    public void Auto_FittedFromStatisticsWithoutDistinctRows_LeavesHyperOutWithAWarning()
    {
        SyntheticLabelMatrix synthetic = LabelMatrixGenerator.Create(seed: 2, items: 2_000, functions: 6, classes: 3);
        SyntheticLabelMatrix dev = LabelMatrixGenerator.Create(seed: 3, items: 100, functions: 6, classes: 3);
        var options = new LabelModelFitOptions { DevMatrix = dev.Matrix, DevLabels = dev.TrueLabels };

        LabelModelFitReport without = new AutoLabelModel().Fit(LabelStatistics.Compute(synthetic.Matrix, new LabelStatisticsOptions { IncludeDistinctRows = false }), options);
        LabelModelFitReport with = new AutoLabelModel().Fit(LabelStatistics.Compute(synthetic.Matrix), options);

        Assert.DoesNotContain("hyper", without.CandidateScores!.Keys);
        Assert.Contains("The candidate 'hyper' was left out: it is fitted on a label matrix, and auto was fitted from statistics.", without.Warnings);
        Assert.Contains("hyper", with.CandidateScores!.Keys);
        Assert.DoesNotContain(with.Warnings, w => w.Contains("'hyper' was left out", StringComparison.Ordinal));
    }

    private static int ArgMax(ReadOnlySpan<double> row)
    {
        int best = 0;
        for (int c = 1; c < row.Length; c++)
        {
            best = row[c] > row[best] ? c : best;
        }

        return best;
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }

    /// <summary>Asserts that two fits of the same matrix gave the same probabilities, calibration range and every pass's terms, bit for bit, and that the probabilities are not all ties.</summary>
    private static void AssertSameFitBitForBit(double[] expected, HyperState expectedState, double[] actual, HyperState actualState, int classes)
    {
        Assert.Equal(expected, actual);
        Assert.Equal(expectedState.High, actualState.High);
        Assert.Equal(expectedState.Low, actualState.Low);
        Assert.Contains(actual, p => Math.Abs(p - (1.0 / classes)) > 0.02);
        for (int c = 0; c < expectedState.Passes.Length; c++)
        {
            Assert.Equal(expectedState.Passes[c].ColumnTerms.SelectMany(t => t), actualState.Passes[c].ColumnTerms.SelectMany(t => t));
            Assert.Equal(expectedState.Passes[c].GlobalTerms.SelectMany(t => t), actualState.Passes[c].GlobalTerms.SelectMany(t => t));
        }
    }
}
