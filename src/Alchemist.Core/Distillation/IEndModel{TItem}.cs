namespace Alchemist;

/// <summary>Represents a learner that distills labels (the label model's soft labels, or hard seed labels) into a classifier that predicts every item.</summary>
/// <typeparam name="TItem">The type of item.</typeparam>
/// <remarks>
/// <para>
/// The shape is a fit/predict split: <see cref="TrainAsync"/> reads an <see cref="EndModelTrainingSet{TItem}"/> (items,
/// one target distribution per item, one weight per item) and returns a new, immutable <see cref="ITrainedEndModel{TItem}"/>;
/// the learner itself is not modified and may train many models, one after the other or at the same time.
/// </para>
/// <para>
/// The same learner serves the weak-supervision flow (targets from a label model, weighted by confidence, on the items
/// some program covers) and the seed-only baseline (one-hot targets from a few gold labels), so the two can be compared.
/// Training is asynchronous only because features may come from an embedding generator; the default learner with no
/// generator completes synchronously.
/// </para>
/// </remarks>
public interface IEndModel<TItem>
{
    /// <summary>Gets the name of the learner, for reports, for example <c>"logistic-regression"</c>.</summary>
    string Name { get; }

    /// <summary>Trains a classifier.</summary>
    /// <param name="trainingSet">The items, their target distributions and their weights.</param>
    /// <param name="cancellationToken">Cancels the training.</param>
    /// <returns>The trained classifier.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="trainingSet"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="trainingSet"/> has no item with a positive weight.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    ValueTask<ITrainedEndModel<TItem>> TrainAsync(EndModelTrainingSet<TItem> trainingSet, CancellationToken cancellationToken = default);
}
