namespace Alchemist;

/// <summary>Provides conveniences over <see cref="ITrainedEndModel{TItem}"/>.</summary>
public static class EndModelExtensions
{
    /// <summary>Predicts one class per item: the most probable class, ties broken by <paramref name="tieBreak"/>.</summary>
    /// <typeparam name="TItem">The type of item.</typeparam>
    /// <param name="model">The trained model.</param>
    /// <param name="items">The items.</param>
    /// <param name="tieBreak">What to do when classes tie (rare for a trained model); <see cref="TieBreak.ClassPrior"/> (the lowest tied index) when <see langword="null"/>, so every item gets a class.</param>
    /// <param name="cancellationToken">Cancels the prediction.</param>
    /// <returns>One class per item; <see cref="Label.Abstain"/> only for a tie under an explicit <see cref="TieBreak.Abstain"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="items"/> is <see langword="null"/>.</exception>
    public static async ValueTask<int[]> PredictAsync<TItem>(this ITrainedEndModel<TItem> model, IReadOnlyList<TItem> items, TieBreak? tieBreak = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(items);
        ClassProbabilities probabilities = await model.PredictProbabilitiesAsync(items, cancellationToken).ConfigureAwait(false);
        return probabilities.Predict(tieBreak ?? TieBreak.ClassPrior);
    }
}
