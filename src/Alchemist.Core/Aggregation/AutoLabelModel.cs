using System.Globalization;
using MathNet.Numerics.Statistics;

namespace Alchemist;

/// <summary>
/// A label model that fits several candidate models, some of which learn from the dev labels, scores each by
/// cross-validation on the dev split, and keeps weighted majority unless another candidate clearly beats it; without a
/// dev split it is majority vote.
/// </summary>
/// <remarks>
/// <para>
/// The candidates are the fixed models (majority vote, weighted majority, Dawid-Skene, Snorkel, FlyingSquid), the
/// pretrained hyper label model (<see cref="HyperLabelModel"/>, fitted once on the matrix, left out when <c>auto</c> is
/// fitted from statistics), the mean of weighted majority's and hyper's distributions (<c>weighted-majority+hyper</c>,
/// scored from their fold fits, left out with hyper), and
/// models that use the dev labels in fitting: Dawid-Skene with the dev items joining EM with their posteriors clamped
/// to their gold class, and, for binary tasks, variants whose class-1 prior is moved to the decision threshold that
/// maximizes the dev metric (for F1 of a rare class, that threshold is well below one half, and the probabilities are
/// no longer calibrated). Models registered as candidates (<see cref="AdditionalCandidates"/>, which the catalog fills
/// from <see cref="LabelModelCatalog.Register(string, Func{LabelModel}, bool)"/>) join them, after the built-in ones,
/// with threshold variants for a binary task. Each candidate is scored on the dev split by <see cref="FoldCount"/>-fold cross-validation,
/// stratified by class and deterministic: on each fold it is fitted with the other folds as its dev split and scored
/// on the held-out fold, so the dev labels a candidate learns from never score it (EM fits that only score run to a
/// looser tolerance, 1e-4, than the final one, and, when a matrix's rows do not repeat, over an evenly strided sample
/// of <see cref="ScoringRowLimit"/> of them; a threshold variant reuses its base candidate's fold fits, which are the
/// same model). The metric is <see cref="LabelModelFitOptions.Metric"/>; ties under the WRENCH protocol's random
/// tie-break count in expectation.
/// </para>
/// <para>
/// The candidate with the best score wins (ties go to the earlier, simpler one), unless it leads
/// <see cref="DefaultCandidate"/> (weighted majority) by no more than <see cref="ChallengeStandardErrors"/> standard
/// error of their paired per-fold differences: then the default is kept, because a lead that small on a small dev split
/// is as likely luck as skill. The selected candidate is refitted with the whole dev split. The report names it
/// (<see cref="LabelModelFitReport.Selected"/>), says why (<see cref="LabelModelFitReport.SelectionReason"/>), gives
/// every candidate's cross-validated score (<see cref="LabelModelFitReport.CandidateScores"/>), and reports the
/// selected candidate's score as
/// <see cref="LabelModelFitReport.DevScore"/>. The unlabeled matrix is read once: every candidate fits from the same
/// <see cref="LabelStatistics"/> (a registered candidate is fitted on the matrix). Test data must never be passed as the
/// dev split.
/// </para>
/// </remarks>
public sealed class AutoLabelModel : LabelModel
{
    /// <summary>The name of this model in the catalog: <c>"auto"</c>.</summary>
    public const string ModelName = "auto";

    private LabelModel? _chosen;
    private double _shift;

    // The matrix of the last fit, its distinct rows and each item's row among them (when its rows repeat), so that
    // predicting that matrix with a row-by-row model costs one prediction per distinct row and a copy per item.
    private GroupedMatrix? _grouped;

    /// <summary>The most unlabeled rows the candidate-ranking EM fits use when a matrix's rows do not repeat.</summary>
    public const int ScoringRowLimit = 1 << 17;

    /// <inheritdoc />
    public override string Name => ModelName;

    /// <summary>Gets or sets the number of cross-validation folds over the dev split.</summary>
    /// <value>The default is 5. Classes with fewer dev items than folds leave some folds without them.</value>
    public int FoldCount { get; init; } = 5;

    /// <summary>
    /// Gets or sets the candidate kept unless another one clearly beats it on the dev split, or <see langword="null"/>
    /// to keep whichever candidate scores best.
    /// </summary>
    /// <value>
    /// The default is <c>"weighted-majority"</c>: the one-coin vote whose accuracies are learned from the dev labels.
    /// A challenger replaces it only when its cross-validated score is higher by more than
    /// <see cref="ChallengeStandardErrors"/> standard errors of the two candidates' paired per-fold differences.
    /// </value>
    /// <remarks>
    /// On a dev split of a hundred items, the best of a dozen cross-validated scores is partly luck. On the WRENCH
    /// train splits (1,586 to 20,000 gold labels the choice never sees), keeping weighted majority unless clearly beaten
    /// matched or beat picking the best score outright on all four datasets (docs/label-models.md). A name that is not
    /// one of the candidates is an error; a candidate left out because the statistics cannot fit it falls back to the
    /// best score, with a warning.
    /// </remarks>
    public string? DefaultCandidate { get; init; } = WeightedMajorityLabelModel.ModelName;

    /// <summary>Gets the models considered beside the built-in candidates, such as those registered with <see cref="LabelModelCatalog.Register(string, Func{LabelModel}, bool)"/>.</summary>
    /// <value>The default is none. The catalog's <c>auto</c> gets the catalog's <see cref="LabelModelCatalog.AutoCandidates"/>.</value>
    /// <exception cref="ArgumentNullException">The value is or holds <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A name is <c>auto</c>, a built-in candidate's, or another candidate's.</exception>
    public IReadOnlyList<LabelModelCandidate> AdditionalCandidates
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (LabelModelCandidate candidate in value)
            {
                ArgumentNullException.ThrowIfNull(candidate, nameof(value));
                if (IsReservedCandidateName(candidate.Name) || !names.Add(candidate.Name))
                {
                    throw new ArgumentException($"The candidate name '{candidate.Name}' is auto's own, a built-in candidate's or another candidate's; give each candidate a name of its own.", nameof(value));
                }
            }

            field = [.. value];
        }
    } = [];

    /// <summary>Gets or sets how many standard errors of the paired per-fold score differences a challenger must lead <see cref="DefaultCandidate"/> by to replace it.</summary>
    /// <value>The default is 1. 0 keeps the default candidate only on ties; it must not be negative.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or not a number.</exception>
    public double ChallengeStandardErrors
    {
        get;
        init => field = value >= 0 && double.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "The number of standard errors a challenger must lead the default candidate by must be a finite number, zero or more.");
    } = 1;

    /// <summary>Gets a value indicating whether the candidate averaging weighted majority and hyper is considered (the rule before 2026-12-03 did not have it; for the figure harnesses).</summary>
    internal bool IncludesAveragedCandidate { get; init; } = true;

    /// <summary>Gets how the semi-supervised hyper candidate (<c>hyper-semi</c>, fine-tuned on the fold's dev labels) is fine-tuned, or <see langword="null"/> (the default) to leave it out (for the figure harnesses).</summary>
    internal HyperFineTuning? SemiSupervisedHyper { get; init; }

    /// <summary>Gets the experimental rule that reads the matrix being labeled (for the figure harnesses; docs/experiments/label-models-auto-rule.md, 2026-12-05).</summary>
    internal AutoTargetRule TargetRule { get; init; }

    /// <summary>Gets the matrix being labeled, for <see cref="TargetRule"/>; <see langword="null"/> for the fitted matrix.</summary>
    internal LabelMatrix? Target { get; init; }

    /// <summary>Gets a callback given each candidate's name and out-of-fold dev probabilities after the cross-validation (for the figure harnesses).</summary>
    internal Action<string, ClassProbabilities>? OutOfFoldObserver { get; init; }

    /// <inheritdoc />
    protected override LabelModelFitReport FitCore(LabelMatrix matrix, LabelModelFitOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        // No per-item row index is kept beside the table: predicting the fitted matrix finds each item's row by its votes.
        DistinctRowTable? rows = DistinctRowTable.BuildIfCompact(matrix);
        _grouped = rows is null ? null : new GroupedMatrix(matrix, rows);
        IRowChunks? rowSource = rows is null ? new MatrixRowChunks(matrix) : null;

        // Rows that do not repeat make every EM fit a pass over the whole matrix per iteration. Fits that only rank the
        // candidates use an evenly strided sample of the unlabeled rows; the final fit uses them all.
        IRowChunks? scoringRows = rows is null && matrix.ItemCount > ScoringRowLimit ? new MatrixRowChunks(Stride(matrix, ScoringRowLimit)) : rowSource;
        return Fit(LabelStatistics.Compute(matrix, pairs: true, rows), rowSource, scoringRows, matrix, options, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>Needs every statistic the candidates need: pair counts and distinct rows. A candidate that cannot fit from the statistics given is left out, with a warning.</remarks>
    protected override LabelModelFitReport FitCore(LabelStatistics statistics, LabelModelFitOptions options, CancellationToken cancellationToken)
    {
        _grouped = null;
        return Fit(statistics, null, null, matrix: null, options, cancellationToken);
    }

    private static LabelMatrix Stride(LabelMatrix matrix, int count)
    {
        int[] items = [.. Enumerable.Range(0, count).Select(i => (int)((long)i * matrix.ItemCount / count))];
        return DevFolds.SelectItems(matrix, items);
    }

    private LabelModelFitReport Fit(LabelStatistics statistics, IRowChunks? rowSource, IRowChunks? scoringRows, LabelMatrix? matrix, LabelModelFitOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(FoldCount, 2);
        if (options.DevMatrix is not { ItemCount: > 0 } dev || options.DevLabels is not { } labels)
        {
            var majority = new MajorityVoteLabelModel();
            LabelModelFitReport fallback = majority.Fit(statistics, options, cancellationToken);
            _chosen = majority;
            _shift = 0;
            return fallback with
            {
                ModelName = ModelName,
                Selected = MajorityVoteLabelModel.ModelName,
                SelectionReason = "No labeled dev items were given, so there was nothing to choose by: majority vote.",
                Warnings = [.. fallback.Warnings, "No labeled dev items were given, so the automatic choice fell back to majority vote; label some items to let it choose and learn from them."],
            };
        }

        int k = statistics.ClassCount;
        List<string> skipped = [];
        List<AutoCandidate> candidates = [];
        IReadOnlyList<AutoCandidate> all = AutoCandidate.Defaults(statistics, dev, AdditionalCandidates, IncludesAveragedCandidate, SemiSupervisedHyper);
        if (DefaultCandidate is { } name && !all.Any(c => c.Name == name))
        {
            throw new InvalidOperationException($"The default candidate '{name}' is not one of this task's candidates: {string.Join(", ", all.Select(c => c.Name))}.");
        }

        foreach (AutoCandidate candidate in all)
        {
            if (candidate.NeedsPairCounts && !statistics.HasPairCounts)
            {
                skipped.Add($"The candidate '{candidate.Name}' was left out: the statistics hold no pair counts.");
            }
            else if (candidate.NeedsMatrix && matrix is null && !(candidate.FitsFromDistinctRows && statistics.HasDistinctRows))
            {
                skipped.Add($"The candidate '{candidate.Name}' was left out: it is fitted on a label matrix, and auto was fitted from statistics.");
            }
            else if (candidate.NeedsRows && !statistics.HasDistinctRows && rowSource is null)
            {
                skipped.Add($"The candidate '{candidate.Name}' was left out: the statistics hold no distinct rows.");
            }
            else if (candidate.Averages is { } parts && !(candidates.Any(c => c.Name == parts.First) && candidates.Any(c => c.Name == parts.Second)))
            {
                skipped.Add($"The candidate '{candidate.Name}' was left out: it averages '{parts.First}' and '{parts.Second}', and one of them was left out.");
            }
            else
            {
                candidates.Add(candidate);
            }
        }

        LabelMatrix? target = Target ?? matrix;
        double[]? weights = TargetRule == AutoTargetRule.ImportanceWeighted && target is not null ? TargetShift.ImportanceWeights(dev, target) : null;
        int[] fold = DevFolds.Assign(labels, k, FoldCount);
        var outOfFold = new double[candidates.Count][];
        for (int c = 0; c < candidates.Count; c++)
        {
            outOfFold[c] = new double[dev.ItemCount * k];
        }

        // Each candidate's score on each held-out fold, for the paired comparison with the default candidate.
        var foldScores = new List<double[]>(FoldCount);

        // A candidate whose fit never reads the dev split is fitted once, for every fold and the final choice.
        var fitsOnce = new Dictionary<string, (LabelModel Model, ClassProbabilities Dev)>(StringComparer.Ordinal);

        for (int f = 0; f < FoldCount; f++)
        {
            (LabelModelFitOptions foldOptions, _, int[] held) = DevFolds.Split(options, fold, f);
            if (held.Length == 0)
            {
                continue;
            }

            int[] kept = [.. Enumerable.Range(0, dev.ItemCount).Where(i => fold[i] != f)];
            int[] heldLabels = [.. held.Select(i => labels[i])];
            var scoresOnFold = new double[candidates.Count];
            foldScores.Add(scoresOnFold);

            // A candidate that differs from an earlier one only in its decision threshold reuses that one's fit. Each
            // fit predicts the whole dev split, of which the held-out fold is scored and the other folds tune a
            // threshold: for a model that predicts row by row that is the same as predicting each part alone, and a
            // transductive model (hyper) sees the dev split whole, as it will see the matrix it labels.
            var fits = new Dictionary<string, (LabelModel Model, ClassProbabilities Dev)>(StringComparer.Ordinal);
            for (int c = 0; c < candidates.Count; c++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                AutoCandidate candidate = candidates[c];
                if (candidate.SharesFitOf is not { } shared || !fits.TryGetValue(shared, out (LabelModel Model, ClassProbabilities Dev) fit))
                {
                    if (candidate.Averages is { } parts)
                    {
                        // The mean of two earlier candidates' predictions on this fold; the model kept is only a placeholder (an
                        // averaged candidate is never in fitsOnce, so a chosen one is refitted whole).
                        (LabelModel Model, ClassProbabilities Dev) a = fits[parts.First], b = fits[parts.Second];
                        fit = (a.Model, AveragedLabelModel.Mean(a.Dev, b.Dev));
                    }
                    else if (!candidate.IgnoresDevSplit || !fitsOnce.TryGetValue(candidate.Name, out fit))
                    {
                        LabelModel fitted;
                        if (candidate.ScoresFromDevVotesAlone)
                        {
                            // Its dev predictions would come from the dev votes whatever it was fitted on; one that
                            // learns from dev labels learns from the other folds' only.
                            fitted = candidate.Create();
                            fitted.ScoresOnDevSplit = false;
                            if (candidate.IgnoresDevSplit)
                            {
                                fitted.Fit(dev, cancellationToken: cancellationToken);
                            }
                            else
                            {
                                fitted.Fit(dev, foldOptions, cancellationToken);
                            }
                        }
                        else
                        {
                            fitted = FitModel(candidate, statistics, scoringRows, matrix, foldOptions, scoring: true, cancellationToken);
                        }

                        fit = (fitted, fitted.PredictProbabilities(dev));
                        if (candidate.IgnoresDevSplit)
                        {
                            fitsOnce[candidate.Name] = fit;
                        }
                    }

                    fits[candidate.Name] = fit;
                }

                double shift = candidate.TunesDecision ? DecisionShift.Tune(SelectRows(fit.Dev, kept), foldOptions.DevLabels!, options.Metric) : 0;
                var heldRows = new double[held.Length * k];
                for (int h = 0; h < held.Length; h++)
                {
                    Span<double> row = heldRows.AsSpan(h * k, k);
                    fit.Dev.GetRow(held[h]).CopyTo(row);
                    if (shift != 0)
                    {
                        DecisionShift.Apply(row, shift);
                    }

                    row.CopyTo(outOfFold[c].AsSpan(held[h] * k, k));
                }

                scoresOnFold[c] = DevScoring.Score(new ClassProbabilities(held.Length, k, heldRows), heldLabels, options.Metric, weights is null ? null : [.. held.Select(i => weights[i])]);
            }
        }

        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        int best = 0;
        double bestScore = double.NegativeInfinity;
        for (int c = 0; c < candidates.Count; c++)
        {
            var candidateOutOfFold = new ClassProbabilities(dev.ItemCount, k, outOfFold[c]);
            OutOfFoldObserver?.Invoke(candidates[c].Name, candidateOutOfFold);
            double score = DevScoring.Score(candidateOutOfFold, labels, options.Metric, weights);
            scores[candidates[c].Name] = score;
            if (score > bestScore + 1e-12)
            {
                best = c;
                bestScore = score;
            }
        }

        string reason = $"'{candidates[best].Name}' had the best cross-validated dev score.";
        if (DefaultCandidate is { } defaultName)
        {
            int anchor = candidates.FindIndex(c => c.Name == defaultName);
            if (anchor < 0)
            {
                skipped.Add($"The default candidate '{defaultName}' could not be fitted from these statistics, so the best-scoring candidate was taken.");
            }
            else if (anchor != best)
            {
                double lead = bestScore - scores[defaultName];
                double standardError = PairedStandardError(foldScores, best, anchor);
                if (lead > (ChallengeStandardErrors * standardError) + 1e-12)
                {
                    reason = string.Create(
                        CultureInfo.InvariantCulture,
                        $"'{candidates[best].Name}' led the default '{defaultName}' by {lead:0.000}, more than {StandardErrors()} ({standardError:0.000}) of their per-fold differences.");
                }
                else
                {
                    reason = lead <= 1e-12
                        ? $"'{defaultName}' was kept: no candidate scored higher on the labeled dev items."
                        : string.Create(
                            CultureInfo.InvariantCulture,
                            $"'{defaultName}' was kept: '{candidates[best].Name}' led it by {lead:0.000}, within {StandardErrors()} ({standardError:0.000}) of their per-fold differences.");
                    best = anchor;
                    bestScore = scores[defaultName];
                }
            }
            else
            {
                reason = $"The default '{defaultName}' had the best cross-validated dev score.";
            }
        }

        if (TargetRule == AutoTargetRule.HyperWhenShifted && target is not null && candidates.FindIndex(c => c.Name == HyperLabelModel.ModelName) is >= 0 and int hyperIndex
            && hyperIndex != best && TargetShift.IsShifted(dev, target))
        {
            reason = $"'{HyperLabelModel.ModelName}' labels the matrix: its firing rates differ from the dev split's (instead of '{candidates[best].Name}').";
            best = hyperIndex;
            bestScore = scores[HyperLabelModel.ModelName];
        }

        LabelModel chosen = !candidates[best].ScoresFromDevVotesAlone && fitsOnce.TryGetValue(candidates[best].SharesFitOf ?? candidates[best].Name, out (LabelModel Model, ClassProbabilities Dev) once)
            ? once.Model
            : FitModel(candidates[best], statistics, rowSource, matrix, options, scoring: false, cancellationToken);
        double chosenShift = TuneShift(candidates[best], chosen, options);
        _chosen = chosen;
        _shift = chosenShift;
        LabelModelFitReport inner = chosen.FitReport;
        List<string> warnings = [.. skipped, .. inner.Warnings];
        if (chosenShift != 0)
        {
            warnings.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"The automatic choice moved class 1's log-odds by {chosenShift:+0.00;-0.00} to maximize dev {options.Metric}; its probabilities are tuned for that decision, not calibrated."));
        }

        return new LabelModelFitReport
        {
            ModelName = ModelName,
            ClassBalance = inner.ClassBalance,
            Iterations = inner.Iterations,
            Converged = inner.Converged,
            FunctionAccuracies = inner.FunctionAccuracies,
            Selected = candidates[best].Name,
            SelectionReason = reason,
            CandidateScores = scores,
            DevScore = bestScore,
            Warnings = warnings,
        };
    }

    /// <summary>Gets a value indicating whether the chosen model predicts row by row: then so does this one (the chosen model's row, moved by the tuned shift), bit for bit as it predicts a whole matrix.</summary>
    internal override bool PredictsRowByRow => _chosen?.PredictsRowByRow == true;

    /// <inheritdoc />
    internal override bool PredictsRowByRowFor(LabelMatrix matrix) => _chosen?.PredictsRowByRowFor(matrix) == true;

    /// <inheritdoc />
    /// <remarks>
    /// The chosen model predicts the matrix as a whole (which matters for a transductive model such as hyper), then the
    /// tuned shift, if any, moves each row. When the matrix is the one fitted, its rows repeated, and the chosen model
    /// predicts row by row, each distinct row is predicted once and copied to its items: the same distributions, bit
    /// for bit, without a softmax per item.
    /// </remarks>
    protected override void PredictProbabilitiesCore(LabelMatrix matrix, double[] destination)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(destination);
        if (_grouped is { } grouped && ReferenceEquals(grouped.Matrix, matrix) && _chosen!.PredictsRowByRowFor(matrix))
        {
            PredictGrouped(grouped, destination);
            return;
        }

        ClassProbabilities chosen = _chosen!.PredictProbabilities(matrix);
        chosen.AsSpan().CopyTo(destination);
        if (_shift != 0)
        {
            int k = chosen.ClassCount;
            for (int i = 0; i < matrix.ItemCount; i++)
            {
                DecisionShift.Apply(destination.AsSpan(i * k, k), _shift);
            }
        }
    }

    /// <inheritdoc />
    protected override void PredictRowCore(ReadOnlySpan<sbyte> votes, Span<double> destination)
    {
        _chosen!.PredictProbabilities(votes, destination);
        if (_shift != 0)
        {
            DecisionShift.Apply(destination, _shift);
        }
    }

    private void PredictGrouped(GroupedMatrix grouped, double[] destination)
    {
        int k = ClassCount;
        DistinctRowTable rows = grouped.Rows;
        var distinct = new double[(long)rows.Count * k];
        for (int r = 0; r < rows.Count; r++)
        {
            PredictRowCore(rows.GetRow(r), distinct.AsSpan(r * k, k));
        }

        LabelMatrix matrix = grouped.Matrix;
        for (int i = 0; i < matrix.ItemCount; i++)
        {
            distinct.AsSpan(rows.IndexOf(matrix.GetRow(i)) * k, k).CopyTo(destination.AsSpan(i * k, k));
        }
    }

    private string StandardErrors() => ChallengeStandardErrors == 1
        ? "one standard error"
        : string.Create(CultureInfo.InvariantCulture, $"{ChallengeStandardErrors:0.##} standard errors");

    /// <summary>The standard error of the mean of two candidates' per-fold score differences; 0 with fewer than two folds.</summary>
    private static double PairedStandardError(List<double[]> foldScores, int a, int b)
    {
        int n = foldScores.Count;
        if (n < 2)
        {
            return 0;
        }

        return foldScores.Select(s => s[a] - s[b]).StandardDeviation() / Math.Sqrt(n);
    }

    private static LabelModel FitModel(
        AutoCandidate candidate, LabelStatistics statistics, IRowChunks? rowSource, LabelMatrix? matrix, LabelModelFitOptions options, bool scoring, CancellationToken cancellationToken)
    {
        LabelModel model = scoring && candidate.CreateForScoring is { } createForScoring ? createForScoring() : candidate.Create();
        model.ScoresOnDevSplit = false;
        if (candidate.NeedsMatrix && matrix is not null)
        {
            model.Fit(matrix, options, cancellationToken);
            return model;
        }

        model.RowSource = rowSource;
        model.Fit(statistics, options, cancellationToken);
        return model;
    }

    /// <summary>Determines whether a name is auto's own or a built-in candidate's, which a registered candidate may not take.</summary>
    internal static bool IsReservedCandidateName(string name) =>
        string.Equals(name, ModelName, StringComparison.OrdinalIgnoreCase) ||
        name.EndsWith("+threshold", StringComparison.OrdinalIgnoreCase) ||
        AutoCandidate.BuiltInNames.Contains(name, StringComparer.OrdinalIgnoreCase);

    private static ClassProbabilities SelectRows(ClassProbabilities probabilities, int[] items)
    {
        int k = probabilities.ClassCount;
        var values = new double[items.Length * k];
        for (int i = 0; i < items.Length; i++)
        {
            probabilities.GetRow(items[i]).CopyTo(values.AsSpan(i * k, k));
        }

        return new ClassProbabilities(items.Length, k, values);
    }

    private static double TuneShift(AutoCandidate candidate, LabelModel model, LabelModelFitOptions options) =>
        candidate.TunesDecision
            ? DecisionShift.Tune(model.PredictProbabilities(options.DevMatrix!), options.DevLabels!, options.Metric)
            : 0;

    /// <summary>A fitted matrix grouped by its distinct rows.</summary>
    private sealed record GroupedMatrix(LabelMatrix Matrix, DistinctRowTable Rows);
}
