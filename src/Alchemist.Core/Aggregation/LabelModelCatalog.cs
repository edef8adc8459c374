namespace Alchemist;

/// <summary>Represents the label models known by name, so that configuration and the command line can choose one.</summary>
/// <remarks>
/// <see cref="CreateDefault"/> holds the built-in models. A host can register its own, and register one as a candidate
/// that the catalog's <c>auto</c> considers beside the built-in ones. Registration is not thread-safe; finish it before
/// the catalog is shared. Each <see cref="Create"/> returns a new, unfitted model.
/// </remarks>
public sealed class LabelModelCatalog
{
    private readonly Dictionary<string, Func<LabelModel>> _factories = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _names = [];
    private readonly List<LabelModelCandidate> _autoCandidates = [];

    /// <summary>Gets the registered names, in registration order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Gets the models registered as candidates of <c>auto</c>, in registration order.</summary>
    public IReadOnlyList<LabelModelCandidate> AutoCandidates => _autoCandidates;

    /// <summary>Creates a catalog holding the built-in label models.</summary>
    /// <returns>A new catalog.</returns>
    public static LabelModelCatalog CreateDefault()
    {
        var catalog = new LabelModelCatalog();
        catalog.Register(MajorityVoteLabelModel.ModelName, static () => new MajorityVoteLabelModel());
        catalog.Register(WeightedMajorityLabelModel.ModelName, static () => new WeightedMajorityLabelModel());
        catalog.Register(DawidSkeneLabelModel.ModelName, static () => new DawidSkeneLabelModel());
        catalog.Register(SnorkelLabelModel.ModelName, static () => new SnorkelLabelModel());
        catalog.Register(FlyingSquidLabelModel.ModelName, static () => new FlyingSquidLabelModel());
        catalog.Register(HyperLabelModel.ModelName, static () => new HyperLabelModel());
        catalog.Register(HyperLabelModel.SemiSupervisedName, static () => new HyperLabelModel { FineTunesOnDevLabels = true });
        catalog.Register(AutoLabelModel.ModelName, () => new AutoLabelModel { AdditionalCandidates = [.. catalog._autoCandidates] });
        return catalog;
    }

    /// <summary>Registers a label model under a name, replacing any model of that name.</summary>
    /// <param name="name">The name, compared case-insensitively.</param>
    /// <param name="factory">Creates a new, unfitted model.</param>
    /// <returns>This catalog, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is blank.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="factory"/> is <see langword="null"/>.</exception>
    public LabelModelCatalog Register(string name, Func<LabelModel> factory) => Register(name, factory, candidateForAuto: false);

    /// <summary>Registers a label model under a name, replacing any model of that name, and optionally as a candidate of <c>auto</c>.</summary>
    /// <param name="name">The name, compared case-insensitively.</param>
    /// <param name="factory">Creates a new, unfitted model.</param>
    /// <param name="candidateForAuto">Whether the catalog's <c>auto</c> considers the model beside its built-in candidates, choosing it when it wins on the dev split (see <see cref="AutoLabelModel"/>).</param>
    /// <returns>This catalog, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is blank, or is <c>auto</c> or a built-in candidate's name while <paramref name="candidateForAuto"/> is set.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="factory"/> is <see langword="null"/>.</exception>
    public LabelModelCatalog Register(string name, Func<LabelModel> factory, bool candidateForAuto)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        if (candidateForAuto && AutoLabelModel.IsReservedCandidateName(name))
        {
            throw new ArgumentException($"'{name}' cannot be a candidate of auto: it is auto itself or one of its built-in candidates; register the model under another name.", nameof(name));
        }

        if (!_factories.ContainsKey(name))
        {
            _names.Add(name);
        }

        _factories[name] = factory;
        _autoCandidates.RemoveAll(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
        if (candidateForAuto)
        {
            _autoCandidates.Add(new LabelModelCandidate(name, factory));
        }

        return this;
    }

    /// <summary>Determines whether a model of that name is registered.</summary>
    /// <param name="name">The name.</param>
    /// <returns><see langword="true"/> when <see cref="Create"/> will succeed.</returns>
    public bool Contains(string name) => name is not null && _factories.ContainsKey(name);

    /// <summary>Creates a new, unfitted label model.</summary>
    /// <param name="name">The registered name, for example <c>"majority"</c>.</param>
    /// <returns>A new model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">No model of that name is registered; the message lists the known names.</exception>
    public LabelModel Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!_factories.TryGetValue(name, out Func<LabelModel>? factory))
        {
            throw new ArgumentException($"Unknown label model '{name}'. Known label models: {string.Join(", ", _names)}.", nameof(name));
        }

        return factory();
    }
}
