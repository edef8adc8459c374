namespace Alchemist;

/// <summary>A label model that <see cref="Microsoft.Extensions.DependencyInjection.AlchemistBuilder.AddLabelModel"/> adds to the catalog.</summary>
internal sealed record LabelModelRegistration(string Name, Func<LabelModel> Factory, bool CandidateForAuto);
