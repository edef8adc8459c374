namespace Alchemist;

/// <summary>
/// The reference's semi-supervised mode of the hyper label model (<c>HyperLMSemi</c>): a few full-batch Adam steps of
/// the pretrained network on the cross-entropy of labeled items, one network per class pass, before labeling a matrix
/// with the fine-tuned networks.
/// </summary>
/// <remarks>
/// <para>
/// As in the reference (github.com/wurenzhi/hyper_label_model, <c>SemisupervisedHelper.fit_predict</c>): Adam with
/// AMSGrad, learning rate 1e-4, <c>floor(sqrt(n))</c> steps for <c>n</c> labeled items, each step the mean binary
/// cross-entropy of the labeled items' class-pass probabilities; for a binary task one network, its loss weighted by
/// the other class's share of the labels (positives by <c>1 - p</c>, negatives by <c>p</c>, <c>p</c> the labeled
/// share of class 1); for <c>K</c> classes one network per class, class <c>c</c> against the rest, unweighted.
/// </para>
/// <para>
/// Two differences from the reference: the network sees only the labeled matrix (the dev split) while it is
/// fine-tuned, not the labeled items inside the matrix to be labeled, so fine-tuning costs the same whatever that
/// matrix's size; and Adam starts fresh, because the reference checkpoint's optimizer state (which the reference
/// reloads) is not part of the embedded weights. There is no randomness: the same labels give the same networks, bit
/// for bit.
/// </para>
/// </remarks>
internal sealed record HyperFineTuning
{
    /// <summary>Gets the learning rate of Adam: 1e-4 by default, the reference's.</summary>
    public double LearningRate { get; init; } = 1e-4;

    /// <summary>Gets the number of Adam steps, or <see langword="null"/> for the reference's <c>floor(sqrt(n))</c>.</summary>
    public int? Steps { get; init; }

    /// <summary>Fine-tunes one network per class pass on labeled items (the reference's <c>HyperLMSemi</c>).</summary>
    /// <param name="labeled">The labeled items' votes.</param>
    /// <param name="labels">Their classes.</param>
    /// <param name="cancellationToken">Cancels the fine-tuning.</param>
    /// <returns>The network of each class pass: one for a binary task, <c>K</c> otherwise.</returns>
    public HyperNetwork[] FineTune(LabelMatrix labeled, IReadOnlyList<int> labels, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(labeled);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count != labeled.ItemCount)
        {
            throw new ArgumentException($"{labels.Count} labels were given for {labeled.ItemCount} labeled items.", nameof(labels));
        }

        int k = labeled.ClassCount;
        int steps = Steps ?? (int)Math.Sqrt(labels.Count);
        int[] rows = [.. Enumerable.Range(0, labeled.ItemCount)];
        float[][] pretrained = HyperNetwork.ReadPretrainedTensors();
        var networks = new HyperNetwork[k == 2 ? 1 : k];
        for (int c = 0; c < networks.Length; c++)
        {
            int positive = k == 2 ? 1 : c;
            double[] targets = [.. labels.Select(y => y == positive ? 1.0 : 0.0)];
            double positiveWeight = 1, negativeWeight = 1;
            if (k == 2 && targets.Length > 0)
            {
                double share = targets.Sum() / targets.Length;
                positiveWeight = 1 - share;
                negativeWeight = share;
            }

            HyperGradient pass = HyperGradient.Build(labeled, (sbyte)positive);
            double[] parameters = HyperGradient.Flatten(pretrained);
            var adam = new AdamState(parameters.Length, LearningRate);
            var gradient = new double[parameters.Length];
            for (int s = 0; s < steps && rows.Length > 0; s++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                pass.Loss(parameters, rows, targets, positiveWeight, negativeWeight, gradient);
                adam.Step(parameters, gradient);
            }

            networks[c] = HyperNetwork.FromTensors(HyperGradient.Unflatten(parameters));
        }

        return networks;
    }

    /// <summary>Adam with AMSGrad (PyTorch's <c>optim.Adam(amsgrad=True)</c>: betas 0.9 and 0.999, epsilon 1e-8, no weight decay).</summary>
    internal sealed class AdamState(int count, double learningRate)
    {
        private const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;
        private readonly double[] _first = new double[count];
        private readonly double[] _second = new double[count];
        private readonly double[] _secondMax = new double[count];
        private int _step;

        /// <summary>Moves the parameters one step against the gradient.</summary>
        public void Step(double[] parameters, double[] gradient)
        {
            _step++;
            double correction1 = 1 - Math.Pow(Beta1, _step);
            double correction2 = Math.Sqrt(1 - Math.Pow(Beta2, _step));
            for (int i = 0; i < parameters.Length; i++)
            {
                double g = gradient[i];
                _first[i] = (Beta1 * _first[i]) + ((1 - Beta1) * g);
                _second[i] = (Beta2 * _second[i]) + ((1 - Beta2) * g * g);
                _secondMax[i] = Math.Max(_secondMax[i], _second[i]);
                parameters[i] -= learningRate / correction1 * _first[i] / ((Math.Sqrt(_secondMax[i]) / correction2) + Epsilon);
            }
        }
    }
}
