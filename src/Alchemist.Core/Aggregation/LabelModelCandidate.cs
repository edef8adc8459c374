namespace Alchemist;

/// <summary>Represents a label model that <see cref="AutoLabelModel"/> considers beside its built-in candidates.</summary>
/// <param name="Name">The candidate's name in the fit report; distinct from the built-in candidates' names.</param>
/// <param name="Create">Creates a new, unfitted model. <see cref="AutoLabelModel"/> fits it on the label matrix, as any label model can be fitted.</param>
/// <remarks>
/// Register one with <see cref="LabelModelCatalog.Register(string, Func{LabelModel}, bool)"/> (or
/// <c>AddAlchemist().AddLabelModel(name, factory, candidateForAuto: true)</c>): the catalog's <c>auto</c> then scores it
/// by the same cross-validation on the dev split as the built-in candidates, with a tuned decision threshold as well
/// for a binary task, and may choose it. A candidate that can only be fitted on a matrix is left out when
/// <c>auto</c> is fitted from merged statistics, with a warning.
/// </remarks>
public sealed record LabelModelCandidate(string Name, Func<LabelModel> Create);
