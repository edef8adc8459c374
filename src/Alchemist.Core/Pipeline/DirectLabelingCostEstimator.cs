using System.Globalization;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace Alchemist;

/// <summary>Estimates what labeling every item directly with an LLM would cost, by counting the tokens of one labeling prompt per item with a real tokenizer.</summary>
/// <remarks>
/// The prompt is the one a direct-labeling baseline sends for each item: the task, the classes with their indices, the
/// item, and a request for the class; the answer is the longest class name. The default tokenizer is OpenAI's
/// <c>o200k_base</c> (the GPT-4o family), from Microsoft.ML.Tokenizers. Instances are thread-safe.
/// </remarks>
public sealed class DirectLabelingCostEstimator
{
    private static readonly Lazy<Tokenizer> DefaultTokenizer = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));
    private readonly Lazy<Tokenizer> _tokenizerSource;
    private readonly string _tokenizerName;

    /// <summary>Initializes a new instance of the <see cref="DirectLabelingCostEstimator"/> class with the <c>o200k_base</c> tokenizer.</summary>
    /// <remarks>The tokenizer's vocabulary is loaded on first use (a third of a second), not here.</remarks>
    public DirectLabelingCostEstimator()
    {
        _tokenizerSource = DefaultTokenizer;
        _tokenizerName = "o200k_base";
    }

    /// <summary>Initializes a new instance of the <see cref="DirectLabelingCostEstimator"/> class with a tokenizer of the caller's.</summary>
    /// <param name="tokenizer">The tokenizer of the model that would label the items.</param>
    /// <param name="tokenizerName">A name for reports.</param>
    /// <exception cref="ArgumentNullException"><paramref name="tokenizer"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="tokenizerName"/> is blank.</exception>
    public DirectLabelingCostEstimator(Tokenizer tokenizer, string tokenizerName)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentException.ThrowIfNullOrWhiteSpace(tokenizerName);
        _tokenizerSource = new Lazy<Tokenizer>(tokenizer);
        _tokenizerName = tokenizerName;
    }

    /// <summary>
    /// Loads the tokenizer on the thread pool unless it is loaded, so that a run's estimate does not wait for it. A
    /// failure to load is not reported here: the estimate meets it again and throws it.
    /// </summary>
    internal void StartLoadingTokenizer()
    {
        if (_tokenizerSource.IsValueCreated)
        {
            return;
        }

        ThreadPool.UnsafeQueueUserWorkItem(static source =>
        {
            try
            {
                _ = source.Value;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The Lazy keeps the exception: the estimate throws it where it is reported.
            }
        }, _tokenizerSource, preferLocal: false);
    }

    /// <summary>Builds the prompt a direct-labeling baseline sends for one item.</summary>
    /// <param name="task">The task.</param>
    /// <param name="itemText">The item, as text.</param>
    /// <returns>The prompt.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static string BuildPrompt(LabelingTask task, string itemText)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(itemText);
        var prompt = new StringBuilder();
        prompt.Append("You are labeling data for the task '").Append(task.Name).Append("'. ").AppendLine(task.Description);
        prompt.AppendLine("The classes are:");
        for (int c = 0; c < task.ClassCount; c++)
        {
            prompt.Append(c.ToString(CultureInfo.InvariantCulture)).Append(": ").AppendLine(task.ClassNames[c]);
        }

        prompt.AppendLine().AppendLine("Item:").AppendLine(itemText).AppendLine();
        prompt.Append("Answer with the name of the class only.");
        return prompt.ToString();
    }

    /// <summary>Estimates the cost of labeling items directly.</summary>
    /// <typeparam name="TItem">The type of item.</typeparam>
    /// <param name="task">The task.</param>
    /// <param name="items">The items; enumerated once.</param>
    /// <param name="render">Turns an item into the text the prompt shows.</param>
    /// <param name="modelId">The model that would label them.</param>
    /// <param name="price">Its price, or <see langword="null"/> when unknown (the estimate then has tokens but no cost).</param>
    /// <param name="cancellationToken">Cancels the count.</param>
    /// <returns>The estimate.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="task"/>, <paramref name="items"/> or <paramref name="render"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelId"/> is blank.</exception>
    public DirectLabelingEstimate Estimate<TItem>(
        LabelingTask task,
        IEnumerable<TItem> items,
        Func<TItem, string> render,
        string modelId,
        ModelPrice? price,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(render);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);

        Tokenizer tokenizer = _tokenizerSource.Value;
        int answerTokens = task.ClassNames.Max(name => tokenizer.CountTokens(name));

        // The prompt is a fixed frame around the item; count the frame once and the item per item, which equals
        // counting each whole prompt up to the merges at the two seams (a token or two per item at most).
        string frame = BuildPrompt(task, string.Empty);
        int frameTokens = tokenizer.CountTokens(frame);
        long inputTokens = 0;
        int count = 0;
        foreach (TItem item in items)
        {
            if ((count & 1023) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            inputTokens += frameTokens + tokenizer.CountTokens(render(item) ?? string.Empty);
            count++;
        }

        long outputTokens = (long)count * answerTokens;
        decimal? cost = price?.CostOf(inputTokens, outputTokens);
        return new DirectLabelingEstimate(modelId, count, inputTokens, outputTokens, cost, _tokenizerName);
    }

    /// <summary>
    /// Estimates the cost of labeling every one of <paramref name="items"/> directly from a seeded uniform sample of
    /// <paramref name="sampleSize"/> of them, the prompt tokens scaled to the whole count; exactly
    /// <see cref="Estimate{TItem}"/> when there are no more items than that.
    /// </summary>
    /// <remarks>Counting a million prompts with a real tokenizer takes seconds; the sample's mean is within a fraction of a percent of it.</remarks>
    internal DirectLabelingEstimate EstimateFromSample<TItem>(
        LabelingTask task, IReadOnlyList<TItem> items, int sampleSize, int seed, Func<TItem, string> render, string modelId, ModelPrice? price, CancellationToken cancellationToken)
    {
        if (items.Count <= sampleSize)
        {
            return Estimate(task, items, render, modelId, price, cancellationToken);
        }

        DirectLabelingEstimate sample = Estimate(task, SeededSample.Indices(items.Count, sampleSize, seed).Select(i => items[i]), render, modelId, price, cancellationToken);
        long inputTokens = (long)Math.Round((double)sample.InputTokens * items.Count / sample.Items);
        long outputTokens = sample.OutputTokens / sample.Items * items.Count;
        return new DirectLabelingEstimate(modelId, items.Count, inputTokens, outputTokens, price?.CostOf(inputTokens, outputTokens), _tokenizerName);
    }
}
