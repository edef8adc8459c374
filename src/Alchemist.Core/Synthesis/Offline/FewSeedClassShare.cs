namespace Alchemist;

/// <summary>The class share an estimated precision is computed with (<see cref="OfflineSynthesizerOptions.FewSeedShare"/>).</summary>
internal enum FewSeedClassShare
{
    /// <summary>The class's share of the seed labels; a stratified draw that gives every class an item over-represents the small ones.</summary>
    SeedLabels,

    /// <summary>The share of the unlabeled sample's items whose most similar class prototype is the class's (ties to the lower class index).</summary>
    NearestPrototype,
}
