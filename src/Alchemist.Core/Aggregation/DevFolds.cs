namespace Alchemist;

/// <summary>Cross-validation over a dev split: deterministic, class-stratified folds, and the out-of-fold score of a model that learns from the dev labels.</summary>
internal static class DevFolds
{
    /// <summary>The number of folds used when a model scores itself.</summary>
    public const int DefaultFoldCount = 5;

    /// <summary>Assigns dev items to folds class by class, in item order, round-robin: stratified, and the same for every run.</summary>
    public static int[] Assign(IReadOnlyList<int> labels, int classCount, int foldCount)
    {
        var fold = new int[labels.Count];
        var seen = new int[classCount];
        for (int i = 0; i < labels.Count; i++)
        {
            int y = labels[i];
            fold[i] = (seen[y] + y) % foldCount;
            seen[y]++;
        }

        return fold;
    }

    /// <summary>
    /// Assigns items to stratified folds in a seeded random order: one <see cref="Random"/> shuffles each class's items
    /// in turn, and they are dealt round the folds, the first to fold 0, or, with <paramref name="offsetByClass"/>, to
    /// fold <c>class mod foldCount</c> (staggered as <see cref="Assign(IReadOnlyList{int}, int, int)"/> staggers).
    /// </summary>
    public static int[] Shuffled(IReadOnlyList<int> labels, int classCount, int foldCount, int seed, bool offsetByClass = false)
    {
        var fold = new int[labels.Count];
        var random = new Random(seed);
        for (int y = 0; y < classCount; y++)
        {
            int[] members = [.. Enumerable.Range(0, labels.Count).Where(i => labels[i] == y)];
            random.Shuffle(members);
            for (int j = 0; j < members.Length; j++)
            {
                fold[members[j]] = (j + (offsetByClass ? y : 0)) % foldCount;
            }
        }

        return fold;
    }

    /// <summary>Gets the options of one fold: the same, with the other folds as the dev split.</summary>
    public static (LabelModelFitOptions Options, LabelMatrix Held, int[] HeldItems) Split(LabelModelFitOptions options, int[] fold, int f)
    {
        LabelMatrix dev = options.DevMatrix!;
        IReadOnlyList<int> labels = options.DevLabels!;
        int[] held = [.. Enumerable.Range(0, dev.ItemCount).Where(i => fold[i] == f)];
        int[] kept = [.. Enumerable.Range(0, dev.ItemCount).Where(i => fold[i] != f)];
        LabelModelFitOptions foldOptions = options.Clone();
        foldOptions.DevMatrix = SelectItems(dev, kept);
        foldOptions.DevLabels = [.. kept.Select(i => labels[i])];
        return (foldOptions, SelectItems(dev, held), held);
    }

    /// <summary>Scores a dev-fitted model by cross-validation: each fold is predicted by a fit that never saw its labels.</summary>
    /// <param name="options">The options with the whole dev split.</param>
    /// <param name="classCount">The number of classes.</param>
    /// <param name="fit">Fits a fresh model with the given fold options.</param>
    public static double CrossValidatedScore(LabelModelFitOptions options, int classCount, Func<LabelModelFitOptions, LabelModel> fit)
    {
        LabelMatrix dev = options.DevMatrix!;
        int[] fold = Assign(options.DevLabels!, classCount, DefaultFoldCount);
        var outOfFold = new double[dev.ItemCount * classCount];
        for (int f = 0; f < DefaultFoldCount; f++)
        {
            (LabelModelFitOptions foldOptions, LabelMatrix held, int[] heldItems) = Split(options, fold, f);
            if (heldItems.Length == 0)
            {
                continue;
            }

            ClassProbabilities p = fit(foldOptions).PredictProbabilities(held);
            for (int h = 0; h < heldItems.Length; h++)
            {
                p.GetRow(h).CopyTo(outOfFold.AsSpan(heldItems[h] * classCount, classCount));
            }
        }

        return DevScoring.Score(new ClassProbabilities(dev.ItemCount, classCount, outOfFold), options.DevLabels!, options.Metric);
    }

    /// <summary>Copies some rows of a matrix.</summary>
    public static LabelMatrix SelectItems(LabelMatrix matrix, int[] items)
    {
        int m = matrix.FunctionCount;
        var votes = new sbyte[items.Length * m];
        for (int i = 0; i < items.Length; i++)
        {
            matrix.GetRow(items[i]).CopyTo(votes.AsSpan(i * m, m));
        }

        return LabelMatrix.Wrap(items.Length, m, matrix.ClassCount, votes, matrix.FunctionNames);
    }
}
