using Alchemist.Testing;

namespace Alchemist.Tests.Labeling;

public class LabelingFunctionAnalysisFromRowsTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Analyze_DistinctRowsOfLeadingColumns_IsTheMatrixAnalysis(int classes)
    {
        // Rows of 6 programs and one more column (the seed model's): the analysis of the first 6 from the grouped rows
        // is the matrix analysis of those 6, figure for figure.
        LabelMatrix all = LabelMatrixGenerator.Create(seed: 11, items: 5_000, functions: 7, classes).Matrix;
        var programs = new sbyte[5_000 * 6];
        for (int i = 0; i < 5_000; i++)
        {
            all.GetRow(i)[..6].CopyTo(programs.AsSpan(i * 6, 6));
        }

        string[] names = [.. Enumerable.Range(0, 6).Select(j => $"p{j}")];
        LabelingFunctionAnalysis expected = LabelingFunctionAnalysis.Analyze(new LabelMatrix(5_000, 6, classes, programs, names));
        LabelingFunctionAnalysis actual = LabelingFunctionAnalysis.Analyze(DistinctRowTable.BuildIfCompact(all)!, 6, classes, names);

        Assert.Equal(expected.ItemCount, actual.ItemCount);
        Assert.Equal((expected.Coverage, expected.Overlap, expected.Conflict), (actual.Coverage, actual.Overlap, actual.Conflict));
        Assert.Equal(
            expected.Functions.Select(f => (f.Name, f.Votes, f.Coverage, f.Overlaps, f.Conflicts, string.Join(",", f.Polarity))),
            actual.Functions.Select(f => (f.Name, f.Votes, f.Coverage, f.Overlaps, f.Conflicts, string.Join(",", f.Polarity))));
    }
}
