namespace Alchemist;

/// <summary>
/// The hyper label model's network (the reference architecture, unfolded: 4,641 parameters) over one class pass of a
/// label matrix, in double precision, with its hand-written backward pass: the loss of the class-pass probabilities
/// on labeled rows and its gradient with respect to every parameter, for fine-tuning on dev labels
/// (<see cref="HyperFineTuning"/>).
/// </summary>
/// <remarks>
/// <para>
/// The pass reads the non-abstain votes as entries (row, column, <c>+1</c> for a vote for the pass's class,
/// <c>-1</c> for any other vote), row by row. Each graph layer maps an entry embedding <c>e</c> in row <c>i</c>, column
/// <c>j</c> to <c>LeakyReLU(W [S e + bs; R r_i + br; C c_j + bc; G g + bg] + b)</c>, with <c>r_i</c>, <c>c_j</c>,
/// <c>g</c> the means of the layer's input over the row's entries, the column's and all of them; an item's embedding
/// is the mean of its entries' last embeddings (zero without entries), and its probability a sigmoid over a
/// three-layer classifier. This is the forward pass of <see cref="HyperNetwork"/> before folding, written for clarity,
/// not speed: it keeps every layer's intermediate values (a few doubles per entry and layer) for the backward pass.
/// </para>
/// <para>
/// Every sum runs in a fixed order (entries in row order, parameters in index order), so the loss and the gradient are
/// the same bit for bit on every run and machine with the same floating-point semantics.
/// </para>
/// </remarks>
internal sealed class HyperGradient
{
    private static readonly int[] Widths = [1, 8, 8, 8, HyperNetwork.EmbeddingWidth];

    private readonly int _itemCount;
    private readonly int _functionCount;
    private readonly int[] _rowOf;
    private readonly int[] _columnOf;
    private readonly double[] _values;
    private readonly int[] _rowCount;
    private readonly int[] _columnCount;

    // Per layer: the input embeddings, the self map, the row, column and global means and their maps, the pre-activations.
    private readonly double[][] _input = new double[5][];
    private readonly double[][] _self = new double[4][];
    private readonly double[][] _rowMean = new double[4][];
    private readonly double[][] _columnMean = new double[4][];
    private readonly double[][] _globalMean = new double[4][];
    private readonly double[][] _rowMapped = new double[4][];
    private readonly double[][] _columnMapped = new double[4][];
    private readonly double[][] _globalMapped = new double[4][];
    private readonly double[][] _preActivation = new double[4][];
    private readonly double[] _embedding;

    private HyperGradient(int itemCount, int functionCount, int[] rowOf, int[] columnOf, double[] values)
    {
        _itemCount = itemCount;
        _functionCount = functionCount;
        _rowOf = rowOf;
        _columnOf = columnOf;
        _values = values;
        _rowCount = new int[itemCount];
        _columnCount = new int[functionCount];
        for (int t = 0; t < rowOf.Length; t++)
        {
            _rowCount[rowOf[t]]++;
            _columnCount[columnOf[t]]++;
        }

        int entries = rowOf.Length;
        _input[0] = values;
        for (int l = 0; l < 4; l++)
        {
            int d = Widths[l], o = Widths[l + 1];
            _self[l] = new double[entries * d];
            _rowMean[l] = new double[itemCount * d];
            _columnMean[l] = new double[functionCount * d];
            _globalMean[l] = new double[d];
            _rowMapped[l] = new double[itemCount * d];
            _columnMapped[l] = new double[functionCount * d];
            _globalMapped[l] = new double[d];
            _preActivation[l] = new double[entries * o];
            _input[l + 1] = new double[entries * o];
        }

        _embedding = new double[itemCount * HyperNetwork.EmbeddingWidth];
    }

    /// <summary>Gets the number of parameters: 4,641.</summary>
    public static int ParameterCount { get; } = HyperNetwork.TensorShapes.Sum(t => t.Shape.Aggregate(1, (a, b) => a * b));

    /// <summary>Gets the offset of each tensor (in the order of <see cref="HyperNetwork.TensorShapes"/>) in the flat parameter vector.</summary>
    public static int[] Offsets { get; } = BuildOffsets();

    /// <summary>Gets the number of items (rows) of the pass.</summary>
    public int ItemCount => _itemCount;

    /// <summary>Gets the number of non-abstain entries of the pass.</summary>
    public int EntryCount => _rowOf.Length;

    /// <summary>Lists the entries of one class pass over a matrix: a vote for <paramref name="positiveVote"/> is <c>+1</c>, any other vote <c>-1</c>.</summary>
    public static HyperGradient Build(LabelMatrix matrix, sbyte positiveVote)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        List<int> rows = [], columns = [];
        List<double> values = [];
        for (int i = 0; i < matrix.ItemCount; i++)
        {
            ReadOnlySpan<sbyte> votes = matrix.GetRow(i);
            for (int j = 0; j < votes.Length; j++)
            {
                if (votes[j] >= 0)
                {
                    rows.Add(i);
                    columns.Add(j);
                    values.Add(votes[j] == positiveVote ? 1 : -1);
                }
            }
        }

        return new HyperGradient(matrix.ItemCount, matrix.FunctionCount, [.. rows], [.. columns], [.. values]);
    }

    /// <summary>Flattens tensors (in the order of <see cref="HyperNetwork.TensorShapes"/>) into one parameter vector.</summary>
    public static double[] Flatten(float[][] tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var parameters = new double[ParameterCount];
        for (int t = 0; t < tensors.Length; t++)
        {
            for (int i = 0; i < tensors[t].Length; i++)
            {
                parameters[Offsets[t] + i] = tensors[t][i];
            }
        }

        return parameters;
    }

    /// <summary>Rounds a parameter vector to float32 tensors in the order of <see cref="HyperNetwork.TensorShapes"/>.</summary>
    public static float[][] Unflatten(double[] parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var tensors = new float[HyperNetwork.TensorShapes.Count][];
        for (int t = 0; t < tensors.Length; t++)
        {
            int length = (t + 1 < Offsets.Length ? Offsets[t + 1] : ParameterCount) - Offsets[t];
            tensors[t] = new float[length];
            for (int i = 0; i < length; i++)
            {
                tensors[t][i] = (float)parameters[Offsets[t] + i];
            }
        }

        return tensors;
    }

    /// <summary>Computes every item's class-pass probability (the sigmoid output, before the classes are normalized or calibrated).</summary>
    public void Probabilities(double[] parameters, Span<double> destination)
    {
        Forward(parameters);
        Span<double> first = stackalloc double[HyperNetwork.EmbeddingWidth];
        Span<double> second = stackalloc double[HyperNetwork.EmbeddingWidth];
        for (int i = 0; i < _itemCount; i++)
        {
            destination[i] = Sigmoid(Classify(parameters, i, first, second));
        }
    }

    /// <summary>
    /// Computes the mean weighted binary cross-entropy of the labeled rows' probabilities,
    /// <c>-(w+ y log p + w- (1 - y) log(1 - p))</c>, and, when <paramref name="gradient"/> is given, writes its
    /// gradient with respect to every parameter there.
    /// </summary>
    /// <param name="parameters">The parameter vector (<see cref="ParameterCount"/> values).</param>
    /// <param name="rows">The labeled rows.</param>
    /// <param name="targets">Their targets: 1 for the pass's class, 0 otherwise.</param>
    /// <param name="positiveWeight">The weight <c>w+</c> of the positive term.</param>
    /// <param name="negativeWeight">The weight <c>w-</c> of the negative term.</param>
    /// <param name="gradient">Receives the gradient, or <see langword="null"/> for the loss alone.</param>
    public double Loss(double[] parameters, IReadOnlyList<int> rows, IReadOnlyList<double> targets, double positiveWeight, double negativeWeight, double[]? gradient)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(targets);
        Forward(parameters);
        const int w = HyperNetwork.EmbeddingWidth;
        double[] a1 = new double[w], h1 = new double[w], a2 = new double[w], h2 = new double[w], dA1 = new double[w], dA2 = new double[w];
        double[]? embeddingGradient = null;
        if (gradient is not null)
        {
            Array.Clear(gradient);
            embeddingGradient = new double[_itemCount * w];
        }

        int c0 = Offsets[40], c0b = Offsets[41], c2 = Offsets[42], c2b = Offsets[43], c4 = Offsets[44], c4b = Offsets[45];
        double loss = 0;
        double scale = 1.0 / rows.Count;
        for (int q = 0; q < rows.Count; q++)
        {
            int i = rows[q];
            double y = targets[q];
            double z = Classify(parameters, i, a1, h1, a2, h2);

            // log p = -softplus(-z), log(1 - p) = -softplus(z).
            loss += scale * ((positiveWeight * y * Softplus(-z)) + (negativeWeight * (1 - y) * Softplus(z)));
            if (gradient is null)
            {
                continue;
            }

            double p = Sigmoid(z);
            double dz = scale * ((-positiveWeight * y * (1 - p)) + (negativeWeight * (1 - y) * p));
            gradient[c4b] += dz;
            Array.Clear(dA1);
            for (int k = 0; k < w; k++)
            {
                gradient[c4 + k] += dz * h2[k];
                dA2[k] = dz * parameters[c4 + k] * Slope(a2[k]);
            }

            for (int o = 0; o < w; o++)
            {
                gradient[c2b + o] += dA2[o];
                for (int k = 0; k < w; k++)
                {
                    gradient[c2 + (o * w) + k] += dA2[o] * h1[k];
                    dA1[k] += parameters[c2 + (o * w) + k] * dA2[o];
                }
            }

            for (int k = 0; k < w; k++)
            {
                dA1[k] *= Slope(a1[k]);
            }

            for (int o = 0; o < w; o++)
            {
                gradient[c0b + o] += dA1[o];
                for (int k = 0; k < w; k++)
                {
                    gradient[c0 + (o * w) + k] += dA1[o] * _embedding[(i * w) + k];
                    embeddingGradient![(i * w) + k] += parameters[c0 + (o * w) + k] * dA1[o];
                }
            }
        }

        if (gradient is not null)
        {
            Backward(parameters, embeddingGradient!, gradient);
        }

        return loss;
    }

    private static int[] BuildOffsets()
    {
        var offsets = new int[HyperNetwork.TensorShapes.Count];
        int offset = 0;
        for (int t = 0; t < offsets.Length; t++)
        {
            offsets[t] = offset;
            offset += HyperNetwork.TensorShapes[t].Shape.Aggregate(1, (a, b) => a * b);
        }

        return offsets;
    }

    private static double Leaky(double z) => z > 0 ? z : HyperNetwork.LeakySlope * z;

    private static double Slope(double z) => z > 0 ? 1 : HyperNetwork.LeakySlope;

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    private static double Softplus(double z) => z > 0 ? z + Math.Log(1 + Math.Exp(-z)) : Math.Log(1 + Math.Exp(z));

    /// <summary>Computes <c>destination = bias + M source</c> for a <c>d x d</c> map (out x in) over <paramref name="count"/> vectors.</summary>
    private static void Map(double[] parameters, int weight, int bias, int d, double[] source, double[] destination, int count)
    {
        for (int v = 0; v < count; v++)
        {
            for (int a = 0; a < d; a++)
            {
                double sum = parameters[bias + a];
                for (int b = 0; b < d; b++)
                {
                    sum += parameters[weight + (a * d) + b] * source[(v * d) + b];
                }

                destination[(v * d) + a] = sum;
            }
        }
    }

    /// <summary>The classifier's logit for item <paramref name="i"/>, keeping its hidden values.</summary>
    private double Classify(double[] parameters, int i, Span<double> a1, Span<double> h1, Span<double> a2, Span<double> h2)
    {
        const int w = HyperNetwork.EmbeddingWidth;
        int c0 = Offsets[40], c0b = Offsets[41], c2 = Offsets[42], c2b = Offsets[43], c4 = Offsets[44], c4b = Offsets[45];
        for (int o = 0; o < w; o++)
        {
            double sum = parameters[c0b + o];
            for (int k = 0; k < w; k++)
            {
                sum += parameters[c0 + (o * w) + k] * _embedding[(i * w) + k];
            }

            a1[o] = sum;
            h1[o] = Leaky(sum);
        }

        for (int o = 0; o < w; o++)
        {
            double sum = parameters[c2b + o];
            for (int k = 0; k < w; k++)
            {
                sum += parameters[c2 + (o * w) + k] * h1[k];
            }

            a2[o] = sum;
            h2[o] = Leaky(sum);
        }

        double z = parameters[c4b];
        for (int k = 0; k < w; k++)
        {
            z += parameters[c4 + k] * h2[k];
        }

        return z;
    }

    private double Classify(double[] parameters, int i, Span<double> first, Span<double> second)
    {
        Span<double> a1 = stackalloc double[HyperNetwork.EmbeddingWidth];
        Span<double> a2 = stackalloc double[HyperNetwork.EmbeddingWidth];
        return Classify(parameters, i, a1, first, a2, second);
    }

    private void Forward(double[] parameters)
    {
        if (parameters.Length != ParameterCount)
        {
            throw new ArgumentException($"The hyper label model has {ParameterCount} parameters; {parameters.Length} were given.", nameof(parameters));
        }

        int entries = _rowOf.Length;
        for (int l = 0; l < 4; l++)
        {
            int d = Widths[l], o = Widths[l + 1], t0 = l * 10;
            double[] input = _input[l];
            Means(input, d, _rowMean[l], _columnMean[l], _globalMean[l]);
            Map(parameters, Offsets[t0 + 2], Offsets[t0 + 3], d, input, _self[l], entries);
            Map(parameters, Offsets[t0 + 4], Offsets[t0 + 5], d, _rowMean[l], _rowMapped[l], _itemCount);
            Map(parameters, Offsets[t0 + 6], Offsets[t0 + 7], d, _columnMean[l], _columnMapped[l], _functionCount);
            Map(parameters, Offsets[t0 + 8], Offsets[t0 + 9], d, _globalMean[l], _globalMapped[l], 1);
            int weight = Offsets[t0], bias = Offsets[t0 + 1];
            double[] self = _self[l], rowMapped = _rowMapped[l], columnMapped = _columnMapped[l], globalMapped = _globalMapped[l];
            double[] pre = _preActivation[l], output = _input[l + 1];
            for (int t = 0; t < entries; t++)
            {
                int r = _rowOf[t], c = _columnOf[t];
                for (int i = 0; i < o; i++)
                {
                    int wi = weight + (i * 4 * d);
                    double sum = parameters[bias + i];
                    for (int a = 0; a < d; a++)
                    {
                        sum += parameters[wi + a] * self[(t * d) + a];
                        sum += parameters[wi + d + a] * rowMapped[(r * d) + a];
                        sum += parameters[wi + (2 * d) + a] * columnMapped[(c * d) + a];
                        sum += parameters[wi + (3 * d) + a] * globalMapped[a];
                    }

                    pre[(t * o) + i] = sum;
                    output[(t * o) + i] = Leaky(sum);
                }
            }
        }

        const int w = HyperNetwork.EmbeddingWidth;
        Array.Clear(_embedding);
        double[] last = _input[4];
        for (int t = 0; t < entries; t++)
        {
            for (int k = 0; k < w; k++)
            {
                _embedding[(_rowOf[t] * w) + k] += last[(t * w) + k];
            }
        }

        for (int i = 0; i < _itemCount; i++)
        {
            for (int k = 0; k < w && _rowCount[i] > 0; k++)
            {
                _embedding[(i * w) + k] /= _rowCount[i];
            }
        }
    }

    private void Means(double[] input, int d, double[] rowMean, double[] columnMean, double[] globalMean)
    {
        Array.Clear(rowMean);
        Array.Clear(columnMean);
        Array.Clear(globalMean);
        int entries = _rowOf.Length;
        for (int t = 0; t < entries; t++)
        {
            for (int a = 0; a < d; a++)
            {
                double v = input[(t * d) + a];
                rowMean[(_rowOf[t] * d) + a] += v;
                columnMean[(_columnOf[t] * d) + a] += v;
                globalMean[a] += v;
            }
        }

        for (int i = 0; i < _itemCount; i++)
        {
            for (int a = 0; a < d && _rowCount[i] > 0; a++)
            {
                rowMean[(i * d) + a] /= _rowCount[i];
            }
        }

        for (int j = 0; j < _functionCount; j++)
        {
            for (int a = 0; a < d && _columnCount[j] > 0; a++)
            {
                columnMean[(j * d) + a] /= _columnCount[j];
            }
        }

        for (int a = 0; a < d && entries > 0; a++)
        {
            globalMean[a] /= entries;
        }
    }

    /// <summary>Back-propagates the item embeddings' gradient through the four graph layers into <paramref name="gradient"/>.</summary>
    private void Backward(double[] parameters, double[] embeddingGradient, double[] gradient)
    {
        const int w = HyperNetwork.EmbeddingWidth;
        int entries = _rowOf.Length;
        var outputGradient = new double[entries * w];
        for (int t = 0; t < entries; t++)
        {
            int r = _rowOf[t];
            for (int k = 0; k < w; k++)
            {
                outputGradient[(t * w) + k] = embeddingGradient[(r * w) + k] / _rowCount[r];
            }
        }

        for (int l = 3; l >= 0; l--)
        {
            int d = Widths[l], o = Widths[l + 1], t0 = l * 10;
            int weight = Offsets[t0], bias = Offsets[t0 + 1];
            double[] input = _input[l], self = _self[l], rowMapped = _rowMapped[l], columnMapped = _columnMapped[l], globalMapped = _globalMapped[l];
            double[] pre = _preActivation[l];
            var dSelf = new double[entries * d];
            var dRow = new double[_itemCount * d];
            var dColumn = new double[_functionCount * d];
            var dGlobal = new double[d];
            for (int t = 0; t < entries; t++)
            {
                int r = _rowOf[t], c = _columnOf[t];
                for (int i = 0; i < o; i++)
                {
                    double g = outputGradient[(t * o) + i] * Slope(pre[(t * o) + i]);
                    int wi = weight + (i * 4 * d);
                    gradient[bias + i] += g;
                    for (int a = 0; a < d; a++)
                    {
                        gradient[wi + a] += g * self[(t * d) + a];
                        gradient[wi + d + a] += g * rowMapped[(r * d) + a];
                        gradient[wi + (2 * d) + a] += g * columnMapped[(c * d) + a];
                        gradient[wi + (3 * d) + a] += g * globalMapped[a];
                        dSelf[(t * d) + a] += parameters[wi + a] * g;
                        dRow[(r * d) + a] += parameters[wi + d + a] * g;
                        dColumn[(c * d) + a] += parameters[wi + (2 * d) + a] * g;
                        dGlobal[a] += parameters[wi + (3 * d) + a] * g;
                    }
                }
            }

            // The maps' weights and biases, and the gradient of their inputs (the entries and the three means).
            var inputGradient = l > 0 ? new double[entries * d] : null;
            MapBackward(parameters, gradient, Offsets[t0 + 2], Offsets[t0 + 3], d, input, dSelf, entries, inputGradient);
            var dRowMean = new double[_itemCount * d];
            MapBackward(parameters, gradient, Offsets[t0 + 4], Offsets[t0 + 5], d, _rowMean[l], dRow, _itemCount, dRowMean);
            var dColumnMean = new double[_functionCount * d];
            MapBackward(parameters, gradient, Offsets[t0 + 6], Offsets[t0 + 7], d, _columnMean[l], dColumn, _functionCount, dColumnMean);
            var dGlobalMean = new double[d];
            MapBackward(parameters, gradient, Offsets[t0 + 8], Offsets[t0 + 9], d, _globalMean[l], dGlobal, 1, dGlobalMean);
            if (inputGradient is null)
            {
                break;
            }

            for (int t = 0; t < entries; t++)
            {
                int r = _rowOf[t], c = _columnOf[t];
                for (int a = 0; a < d; a++)
                {
                    inputGradient[(t * d) + a] += (dRowMean[(r * d) + a] / _rowCount[r]) + (dColumnMean[(c * d) + a] / _columnCount[c]) + (dGlobalMean[a] / entries);
                }
            }

            outputGradient = inputGradient;
        }
    }

    /// <summary>The backward pass of <see cref="Map"/>: adds to the weight's and bias's gradient, and to the source's when asked.</summary>
    private static void MapBackward(double[] parameters, double[] gradient, int weight, int bias, int d, double[] source, double[] outputGradient, int count, double[]? sourceGradient)
    {
        for (int v = 0; v < count; v++)
        {
            for (int a = 0; a < d; a++)
            {
                double g = outputGradient[(v * d) + a];
                gradient[bias + a] += g;
                for (int b = 0; b < d; b++)
                {
                    gradient[weight + (a * d) + b] += g * source[(v * d) + b];
                    if (sourceGradient is not null)
                    {
                        sourceGradient[(v * d) + b] += parameters[weight + (a * d) + b] * g;
                    }
                }
            }
        }
    }
}
