namespace Alchemist;

/// <summary>Represents a classifier trained by an <see cref="IEndModel{TItem}"/>: it predicts a class distribution for any item, covered by a program or not.</summary>
/// <typeparam name="TItem">The type of item.</typeparam>
/// <remarks>Instances are immutable and thread-safe. Class labels come from <see cref="EndModelExtensions.PredictAsync{TItem}"/>.</remarks>
public interface ITrainedEndModel<TItem>
{
    /// <summary>Gets the number of classes, <c>K</c>.</summary>
    int ClassCount { get; }

    /// <summary>Gets what happened during training: items, features, iterations, convergence and time.</summary>
    EndModelTrainingReport TrainingReport { get; }

    /// <summary>Predicts the class distribution of each item.</summary>
    /// <param name="items">The items.</param>
    /// <param name="cancellationToken">Cancels the prediction.</param>
    /// <returns>One distribution per item, in order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="items"/> is <see langword="null"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    ValueTask<ClassProbabilities> PredictProbabilitiesAsync(IReadOnlyList<TItem> items, CancellationToken cancellationToken = default);
}
