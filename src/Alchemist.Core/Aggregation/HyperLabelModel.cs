namespace Alchemist;

/// <summary>
/// The pretrained hyper label model (LELA): a small graph neural network, trained once on synthetic label matrices, that
/// infers the labels of a whole matrix in one forward pass, with no per-task optimization (R. Wu, S.-E. Chen, J. Zhang,
/// X. Chu, "Learning Hyper Label Model for Programmatic Weak Supervision", ICLR 2023).
/// </summary>
/// <remarks>
/// <para>
/// The network reads the non-abstain votes as a sparse matrix of <c>+1</c> and <c>-1</c>: for a binary task <c>+1</c>
/// is a vote for class 1; for <c>K</c> classes it runs once per class <c>c</c> (<c>+1</c> for a vote for <c>c</c>,
/// <c>-1</c> for any other vote) and divides the <c>K</c> outputs by their sum. Four graph layers mix each vote with
/// the means of its row, its column and the whole matrix; an item's class-1 probability is a classifier over the mean
/// of its votes' embeddings. An item without votes gets the classifier's output for an empty row (for a binary task
/// 0.507 for class 1 before calibration, as in the reference; uniform for more classes). As the reference does when it
/// returns probabilities, they are then calibrated: over the fitted matrix, values above <c>1/K</c> are stretched
/// linearly so the largest becomes <c>2/K</c>, values below so the smallest becomes 0, and each row is renormalized.
/// Calibration never changes which class is most probable.
/// </para>
/// <para>
/// The model is transductive, as the reference is: an item's probabilities depend on the whole matrix it is labeled
/// with, through the column and matrix means. <see cref="LabelModel.Fit(LabelMatrix, LabelModelFitOptions?, CancellationToken)"/>
/// computes those means (one pass over the votes per graph layer and class pass) and the calibration range on the
/// matrix it is given. <see cref="LabelModel.PredictProbabilities(LabelMatrix)"/> on the fitted matrix uses them; on
/// any other matrix (a test split, say) it runs the reference's pass over that matrix, from its own means and
/// calibration range, which costs another fit: the probabilities of a matrix are the reference implementation's
/// whichever matrix was fitted (checked to 1e-4). Labeling a matrix in parts therefore differs from labeling it whole.
/// One row (<see cref="LabelModel.PredictProbabilities(ReadOnlySpan{sbyte}, Span{double})"/>) is predicted from its
/// own votes and the fitted matrix's means and range. The model learns nothing from the dev labels or the class
/// balance, so it needs no dev split, unless it is asked to fine-tune on them (<see cref="FineTunesOnDevLabels"/>,
/// <c>hyper-semi</c>). It can be fitted from <see cref="LabelStatistics"/> that hold the distinct rows (the same model as
/// on the matrix they describe when its rows repeat).
/// </para>
/// <para>
/// The weights are the reference checkpoint (github.com/wurenzhi/hyper_label_model, MIT licence), embedded in this
/// assembly; the licence and attribution ship with the package (THIRD-PARTY-NOTICES.md).
/// </para>
/// </remarks>
public sealed class HyperLabelModel : LabelModel
{
    /// <summary>The name of this model in the catalog: <c>"hyper"</c>.</summary>
    public const string ModelName = "hyper";

    /// <summary>The name of the semi-supervised variant in the catalog (<see cref="FineTunesOnDevLabels"/>): <c>"hyper-semi"</c>.</summary>
    public const string SemiSupervisedName = "hyper-semi";

    private HyperState? _state;
    private WeakReference<LabelMatrix>? _fitted;

    // The fine-tuned network of each class pass, or null for the pretrained one.
    private HyperNetwork[]? _networks;

    /// <inheritdoc />
    public override string Name => FineTuning is null ? ModelName : SemiSupervisedName;

    /// <summary>
    /// Gets a value indicating whether the network is fine-tuned on the dev labels before each fit: the reference's
    /// semi-supervised mode (<c>HyperLMSemi</c>), named <c>"hyper-semi"</c>.
    /// </summary>
    /// <value>The default is <see langword="false"/>: the pretrained network, which never reads the dev labels.</value>
    /// <remarks>
    /// When set and the fit options carry labeled dev items, one network per class pass (one for a binary task) starts
    /// from the pretrained weights and takes <c>floor(sqrt(n))</c> full-batch Adam steps (AMSGrad, learning rate 1e-4)
    /// on the binary cross-entropy of the <c>n</c> dev items' class-pass probabilities, the network running over the
    /// dev votes alone; a binary task weights each class by the other's share of the dev labels. The fitted matrix,
    /// and any other, is then labeled with the fine-tuned networks exactly as the pretrained model labels it
    /// (transductively, then calibrated). Deterministic: the same dev labels give the same networks. The fine-tuned
    /// networks give an item without votes their own outputs, so for <c>K</c> classes such an item is no longer
    /// uniform. Without dev labels the fit is the pretrained model's, bit for bit. Measured on the WRENCH datasets in
    /// docs/label-models.md: its outputs move little from <c>hyper</c>'s.
    /// </remarks>
    public bool FineTunesOnDevLabels
    {
        get => FineTuning is not null;
        init => FineTuning = value ? new HyperFineTuning() : null;
    }

    /// <summary>Gets how the network is fine-tuned on the dev labels before the fit (<see cref="FineTunesOnDevLabels"/> with the reference's settings, or others for the figure harnesses), or <see langword="null"/> (the default) for the pretrained network alone.</summary>
    internal HyperFineTuning? FineTuning { get; init; }

    /// <inheritdoc />
    /// <remarks>
    /// Reads the matrix once per graph layer and class pass, then predicts it once to set the calibration range. When
    /// its rows repeat, both are done once per distinct row (weighted by its count) and the model keeps the distinct
    /// rows' probabilities, nothing per item: the class balance is each distinct row's calibrated values times its count,
    /// summed in row order (first occurrence), so that a fit from the merged statistics of the matrix's partitions gives
    /// the same sums (the item-order mean to rounding). When its rows do not repeat, the model keeps that
    /// prediction (<c>K</c> doubles per item) to predict the fitted matrix again by a copy.
    /// </remarks>
    protected override LabelModelFitReport FitCore(LabelMatrix matrix, LabelModelFitOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(options);
        int k = matrix.ClassCount;
        _networks = FineTuning is { } tuning && options.DevMatrix is { ItemCount: > 0 } dev && options.DevLabels is { } labels
            ? tuning.FineTune(dev, labels, cancellationToken)
            : null;
        // No per-item values are asked for: grouped rows are predicted once each; rows that do not repeat are predicted
        // into an array the state keeps (it predicts the fitted matrix again by copying them).
        _state = HyperState.Fit(matrix, values: null, cancellationToken, keepValues: true, networks: _networks);
        _fitted = new WeakReference<LabelMatrix>(matrix);
        double[] balance = ClassBalances.Resolve(options, k) ?? _state.ClassBalance(matrix, cancellationToken);
        return new LabelModelFitReport { ModelName = Name, ClassBalance = balance };
    }

    /// <inheritdoc />
    /// <remarks>
    /// Needs the distinct rows (<see cref="LabelStatisticsOptions.IncludeDistinctRows"/>): the passes and the calibration
    /// range are computed once per distinct row, weighted by its count, as a fit on a matrix whose rows repeat computes
    /// them, so the model is the same, bit for bit, as one fitted on the matrix the statistics describe when that
    /// matrix's rows were grouped (the merged statistics of its partitions keep its rows in order of first occurrence).
    /// The fitted rows are predicted one by one (<see cref="LabelModel.PredictProbabilities(ReadOnlySpan{sbyte}, Span{double})"/>);
    /// a matrix is predicted from its own means, as any matrix other than the fitted one is.
    /// </remarks>
    protected override LabelModelFitReport FitCore(LabelStatistics statistics, LabelModelFitOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(options);
        DistinctRowTable rows = statistics.Rows ?? throw new InvalidOperationException(
            $"The label model '{Name}' is fitted from statistics only with their distinct rows; compute them with LabelStatisticsOptions.IncludeDistinctRows set to true.");
        int k = statistics.ClassCount;
        _networks = FineTuning is { } tuning && options.DevMatrix is { ItemCount: > 0 } dev && options.DevLabels is { } labels
            ? tuning.FineTune(dev, labels, cancellationToken)
            : null;
        _state = HyperState.Fit(rows, k, cancellationToken, _networks);
        _fitted = null;
        double[] balance = ClassBalances.Resolve(options, k) ?? _state.GroupedClassBalance(k);
        return new LabelModelFitReport { ModelName = Name, ClassBalance = balance };
    }

    /// <inheritdoc />
    /// <remarks>
    /// The fitted matrix is predicted from its fitted means; any other matrix from its own (the reference's
    /// transductive pass over that matrix, which costs a fit), calibrated over its own range.
    /// </remarks>
    protected override void PredictProbabilitiesCore(LabelMatrix matrix, double[] destination)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(destination);
        HyperState state;
        if (IsFittedMatrix(matrix))
        {
            state = _state!;
            state.PredictUncalibrated(matrix, destination, CancellationToken.None);
        }
        else
        {
            state = HyperState.Fit(matrix, destination, CancellationToken.None, networks: _networks);
        }

        int k = matrix.ClassCount;
        for (int i = 0; i < matrix.ItemCount; i++)
        {
            state.Calibrate(destination.AsSpan(i * k, k));
        }
    }

    /// <summary>Gets a value indicating whether the prediction of <paramref name="matrix"/> is its rows predicted one by one: on the fitted matrix when its rows were grouped (each item's distinct row predicted from the fitted means and range, as one row is), bit for bit.</summary>
    internal override bool PredictsRowByRowFor(LabelMatrix matrix) => IsFittedMatrix(matrix) && _state!.GroupsRows;

    /// <inheritdoc />
    /// <remarks>One row is predicted from the fitted matrix's means and calibration range.</remarks>
    protected override void PredictRowCore(ReadOnlySpan<sbyte> votes, Span<double> destination)
    {
        _state!.PredictUncalibratedRow(votes, destination);
        _state.Calibrate(destination);
    }

    /// <summary>Computes the uncalibrated probabilities of every item (the reference's <c>predict_prob</c>), from the fitted means for the fitted matrix and from the matrix's own otherwise.</summary>
    internal double[] PredictUncalibrated(LabelMatrix matrix)
    {
        var values = new double[(long)matrix.ItemCount * matrix.ClassCount];
        if (IsFittedMatrix(matrix))
        {
            _state!.PredictUncalibrated(matrix, values, CancellationToken.None);
        }
        else
        {
            HyperState.Fit(matrix, values, CancellationToken.None, networks: _networks);
        }

        return values;
    }

    private bool IsFittedMatrix(LabelMatrix matrix) =>
        _fitted is not null && _fitted.TryGetTarget(out LabelMatrix? fitted) && ReferenceEquals(fitted, matrix);
}
