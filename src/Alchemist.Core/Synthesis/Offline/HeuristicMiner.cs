using System.Globalization;
using MathNet.Numerics.Distributions;

namespace Alchemist;

/// <summary>Mines heuristics from labeled examples, in the spirit of Snuba (Varma and Ré, VLDB 2019): generate conditions, keep the precise ones, select a diverse, class-balanced few.</summary>
/// <remarks>
/// <para>
/// Conditions are word presence, two-word phrases, the first one or two words, fixed patterns (URLs, numbers, money,
/// casing, punctuation), count thresholds (length, words, digits, capitals) and pairs of those ("A and B"). A candidate
/// is a condition and a class; it is kept when it holds on at least <see cref="OfflineSynthesizerOptions.MinimumSupport"/>
/// examples and the lower confidence bound on its precision clears both the minimum precision and the class's share
/// lifted by <see cref="OfflineSynthesizerOptions.MinimumLift"/>. Words of one class are also gathered into "any of
/// these words" candidates while the group stays precise. Pairs of two count thresholds (an interval fitted to the
/// seeds) are not tried.
/// </para>
/// <para>
/// A concept condition (a class prototype or zero-shot phrase score at least a threshold) of a class with too few seed
/// items for that bound ever to reach its floor (SMS's spam or TREC's classes at 10-20 labels: one to four items) is
/// judged through the unlabeled sample instead: its precision is estimated as the class's seed share times its expected
/// recall over its unlabeled coverage, and capped by its smoothed precision on the seed items it holds on, so that a
/// class with one seed item is given at most 2/3. By default the rule only takes classes whose items cannot reach the
/// 0.6 floor at all (<c>FewSeedSmallClassesOnly</c>), and its programs are kept only when the programs mined from the
/// other folds of the seed items are not shown wrong on the held-out ones (<c>FewSeedHeldOutCheck</c>); without these
/// two it lowered SMS at 20 labels and TREC at 10-20 on the label-budget curve.
/// </para>
/// <para>
/// Selection goes round the classes, each turn taking the candidate of that class with the best gain: its precision
/// bound times the share of unlabeled items it newly covers for that class, plus half the share it covers at all. A
/// candidate that overlaps a kept heuristic more than <see cref="OfflineSynthesizerOptions.MaximumOverlap"/> is skipped.
/// Every step is deterministic: ties break on the condition's key.
/// </para>
/// </remarks>
internal sealed class HeuristicMiner
{
    private readonly OfflineSynthesizerOptions _options;
    private readonly double _z;

    public HeuristicMiner(OfflineSynthesizerOptions options)
    {
        _options = options;
        _z = Normal.InvCDF(0, 1, options.Confidence);
    }

    /// <summary>Mines up to <paramref name="count"/> heuristics.</summary>
    /// <param name="examples">The seed items.</param>
    /// <param name="labels">Their labels.</param>
    /// <param name="unlabeled">The unlabeled sample.</param>
    /// <param name="classCount">The number of classes.</param>
    /// <param name="count">The most heuristics to return.</param>
    /// <param name="cancellationToken">Cancels the mining.</param>
    /// <param name="conceptFeatures">The concept features whose values the profiles carry (<see cref="TextProfile.ConceptValues"/>), or <see langword="null"/>.</param>
    /// <param name="unlabeledShares">Each class's share of the unlabeled sample's items nearest its prototype (<see cref="FewSeedClassShare.NearestPrototype"/>), or <see langword="null"/>.</param>
    public IReadOnlyList<Heuristic> Mine(IReadOnlyList<TextProfile> examples, IReadOnlyList<int> labels, IReadOnlyList<TextProfile> unlabeled, int classCount, int count, CancellationToken cancellationToken, IReadOnlyList<ConceptFeature>? conceptFeatures = null, IReadOnlyList<double>? unlabeledShares = null)
    {
        bool estimate = _options.EstimateFewSeedConcepts;
        IReadOnlyList<Heuristic> mined = MineCore(examples, labels, unlabeled, classCount, count, conceptFeatures, unlabeledShares, estimate, cancellationToken);
        if (estimate && _options.FewSeedHeldOutCheck && mined.Any(h => h.BoundByCoverage)
            && !PassesHeldOutCheck(HeldOutTally(examples, labels, unlabeled, classCount, count, conceptFeatures, unlabeledShares, cancellationToken)))
        {
            // The estimated programs were wrong too often on seed items they were not mined from: mine without them.
            return MineCore(examples, labels, unlabeled, classCount, count, conceptFeatures, unlabeledShares, estimate: false, cancellationToken);
        }

        return mined;
    }

    /// <summary>The most folds of the held-out check (<see cref="OfflineSynthesizerOptions.FewSeedHeldOutCheck"/>): leave-one-out up to this many seed items.</summary>
    internal const int HeldOutFolds = 10;

    /// <summary>
    /// Decides the held-out check (<see cref="OfflineSynthesizerOptions.FewSeedHeldOutCheck"/>): the estimated programs
    /// pass unless they voted on held-out seed items and their smoothed precision there, (correct + 1) / (votes + 2), is
    /// below <see cref="OfflineSynthesizerOptions.MinimumPrecision"/>. No vote passes: a class with one seed item has no
    /// program once that item is held out, so the check can find such a class's programs wrong on other classes' items
    /// but never right on its own, and absence of evidence is not evidence against them.
    /// </summary>
    /// <param name="heldOut">The votes of <see cref="HeldOutVotes"/>.</param>
    internal bool PassesHeldOutCheck((int Votes, int Correct) heldOut) =>
        heldOut.Votes == 0 || (heldOut.Correct + 1.0) / (heldOut.Votes + 2.0) >= _options.MinimumPrecision;

    /// <summary>
    /// Decides the held-out check with the seed-only stand-in (<see cref="OfflineSynthesizerOptions.FewSeedPrototypeCheck"/>
    /// on): the estimated programs must pass the smoothed-precision test of the two-count overload and, on the
    /// held-out votes they cast, be right at least as often as the nearest class prototype is on the same items (each
    /// vote counted once, as the programs' are). Without that option only the first test applies.
    /// </summary>
    /// <param name="heldOut">The votes of <see cref="HeldOutTally"/>.</param>
    internal bool PassesHeldOutCheck((int Votes, int Correct, int StandInCorrect) heldOut) =>
        PassesHeldOutCheck((heldOut.Votes, heldOut.Correct))
        && (!_options.FewSeedPrototypeCheck || heldOut.Correct >= heldOut.StandInCorrect);

    /// <summary>
    /// Counts the votes of the estimated programs (<see cref="Heuristic.BoundByCoverage"/>) on seed items they were not
    /// mined from, and how many are right: seed item i is in fold i mod F (F = min(n, <see cref="HeldOutFolds"/>)), and
    /// each fold's items are voted on by the estimated programs mined from the other folds.
    /// </summary>
    /// <remarks>
    /// The concept values are not recomputed per fold: a held-out item's similarity to its own class's prototype is
    /// already to the centroid of the other seed items of its class, but the other items' values (and the unlabeled
    /// sample's) still include it in their class's centroid, a small leak in the programs' favour.
    /// </remarks>
    internal (int Votes, int Correct) HeldOutVotes(IReadOnlyList<TextProfile> examples, IReadOnlyList<int> labels, IReadOnlyList<TextProfile> unlabeled, int classCount, int count, IReadOnlyList<ConceptFeature>? conceptFeatures, IReadOnlyList<double>? unlabeledShares, CancellationToken cancellationToken)
    {
        (int votes, int correct, _) = HeldOutTally(examples, labels, unlabeled, classCount, count, conceptFeatures, unlabeledShares, cancellationToken);
        return (votes, correct);
    }

    /// <summary>
    /// Counts what <see cref="HeldOutVotes"/> counts, and also how many of the same votes' items the seed-only stand-in
    /// gets right: the nearest class prototype, the class whose plain prototype score (<see cref="ConceptFeature.IsPrototype"/>)
    /// is highest on the item, ties to the lower class; an item without concept values, or a run without prototype
    /// features, gives the stand-in no right answer.
    /// </summary>
    /// <remarks>
    /// The stand-in reads the held-out item's own values, which the concept scores already compute without it: its own
    /// class's prototype is the centroid of the other seed items of its class (0 when it is the class's only one), and
    /// the other classes' centroids never held it. With more than <see cref="HeldOutFolds"/> seed items, its fold-mates
    /// stay in the centroids, a small leak in the stand-in's favour, which makes the check stricter, not looser.
    /// </remarks>
    internal (int Votes, int Correct, int StandInCorrect) HeldOutTally(IReadOnlyList<TextProfile> examples, IReadOnlyList<int> labels, IReadOnlyList<TextProfile> unlabeled, int classCount, int count, IReadOnlyList<ConceptFeature>? conceptFeatures, IReadOnlyList<double>? unlabeledShares, CancellationToken cancellationToken)
    {
        int n = examples.Count;
        int folds = Math.Min(n, HeldOutFolds);
        int votes = 0, correct = 0, standInCorrect = 0;
        for (int fold = 0; fold < folds && folds > 1; fold++)
        {
            int[] train = [.. Enumerable.Range(0, n).Where(i => i % folds != fold)];
            IReadOnlyList<Heuristic> mined = MineCore([.. train.Select(i => examples[i])], [.. train.Select(i => labels[i])], unlabeled, classCount, count, conceptFeatures, unlabeledShares, estimate: true, cancellationToken);
            foreach (Heuristic heuristic in mined.Where(h => h.BoundByCoverage))
            {
                for (int i = fold; i < n; i += folds)
                {
                    if (heuristic.Condition.Matches(examples[i]))
                    {
                        votes++;
                        correct += labels[i] == heuristic.Label ? 1 : 0;
                        standInCorrect += NearestPrototype(examples[i], conceptFeatures) == labels[i] ? 1 : 0;
                    }
                }
            }
        }

        return (votes, correct, standInCorrect);
    }

    /// <summary>The class of the highest plain prototype score on an item (ties to the lower class), or -1 when it has none.</summary>
    internal static int NearestPrototype(TextProfile profile, IReadOnlyList<ConceptFeature>? conceptFeatures)
    {
        if (profile.ConceptValues is not { } values || conceptFeatures is null)
        {
            return -1;
        }

        int best = -1;
        double bestValue = double.NegativeInfinity;
        for (int f = 0; f < conceptFeatures.Count; f++)
        {
            ConceptFeature feature = conceptFeatures[f];
            if (feature.IsPrototype && (values[f] > bestValue || (values[f] == bestValue && feature.Label < best)))
            {
                best = feature.Label;
                bestValue = values[f];
            }
        }

        return best;
    }

    private List<Heuristic> MineCore(IReadOnlyList<TextProfile> examples, IReadOnlyList<int> labels, IReadOnlyList<TextProfile> unlabeled, int classCount, int count, IReadOnlyList<ConceptFeature>? conceptFeatures, IReadOnlyList<double>? unlabeledShares, bool estimate, CancellationToken cancellationToken)
    {
        int n = examples.Count;
        var classBits = new ulong[classCount][];
        var prior = new double[classCount];
        for (int k = 0; k < classCount; k++)
        {
            classBits[k] = BitSet.Create(n);
        }

        for (int i = 0; i < n; i++)
        {
            BitSet.Set(classBits[labels[i]], i);
            prior[labels[i]] += 1.0 / n;
        }

        double[] thresholds = [.. prior.Select(Threshold)];
        double[] conceptThresholds = [.. prior.Select(ConceptThreshold)];
        var index = new ConditionIndex(examples, unlabeled);
        List<Evaluated> primitives = [.. index.EvaluateAll([.. GeneratePrimitives(examples), .. ConceptConditions(examples, labels, conceptFeatures)], cancellationToken)];
        cancellationToken.ThrowIfCancellationRequested();

        var candidates = new List<Candidate>();
        bool[] fewSeeds = [.. Enumerable.Range(0, classCount).Select(k => estimate && index.HasUnlabeled
            && TooFewToShow(BitSet.Count(classBits[k]), _options.FewSeedSmallClassesOnly ? _options.MinimumPrecision : conceptThresholds[k]))];
        double[] share = _options.FewSeedShare == FewSeedClassShare.NearestPrototype && unlabeledShares is not null ? [.. unlabeledShares] : prior;
        double[] shareThresholds = [.. share.Select(ConceptThreshold)];
        foreach (Evaluated primitive in primitives)
        {
            AddIfPrecise(primitive, classBits, primitive.Condition.UsesConcepts ? conceptThresholds : thresholds, candidates, index);
            if (primitive.Condition.UsesConcepts && fewSeeds[((ConceptCondition)primitive.Condition).Feature.Label])
            {
                AddIfPreciseByCoverage(primitive, classBits, share, shareThresholds, candidates, index);
            }
        }

        AddWordGroups(candidates, classBits, thresholds, index);
        cancellationToken.ThrowIfCancellationRequested();
        AddConjunctions(primitives, classBits, thresholds, candidates, index, cancellationToken);
        return Select(candidates, classCount, count, index, n);
    }

    private static IEnumerable<Condition> GeneratePrimitives(IReadOnlyList<TextProfile> examples)
    {
        var words = new Dictionary<string, int>(StringComparer.Ordinal);
        var phrases = new Dictionary<(string, string), int>();
        var prefixes = new Dictionary<string, int>(StringComparer.Ordinal);
        var prefixPairs = new Dictionary<(string, string), int>();
        foreach (TextProfile profile in examples)
        {
            foreach (string word in profile.WordSet)
            {
                words[word] = words.GetValueOrDefault(word) + 1;
            }

            var seen = new HashSet<(string, string)>();
            for (int i = 0; i + 1 < profile.Words.Length; i++)
            {
                if (seen.Add((profile.Words[i], profile.Words[i + 1])))
                {
                    phrases[(profile.Words[i], profile.Words[i + 1])] = phrases.GetValueOrDefault((profile.Words[i], profile.Words[i + 1])) + 1;
                }
            }

            if (profile.Words.Length >= 1)
            {
                prefixes[profile.Words[0]] = prefixes.GetValueOrDefault(profile.Words[0]) + 1;
            }

            if (profile.Words.Length >= 2)
            {
                prefixPairs[(profile.Words[0], profile.Words[1])] = prefixPairs.GetValueOrDefault((profile.Words[0], profile.Words[1])) + 1;
            }
        }

        // The support threshold is applied later; here a condition only needs to hold on two examples to be worth testing.
        foreach (string word in words.Where(w => w.Value >= 2 && w.Key.Length <= 30).Select(w => w.Key).Order(StringComparer.Ordinal))
        {
            yield return new AnyWordCondition([word]);
        }

        foreach ((string first, string second) in phrases.Where(p => p.Value >= 2).Select(p => p.Key).OrderBy(p => p.Item1, StringComparer.Ordinal).ThenBy(p => p.Item2, StringComparer.Ordinal))
        {
            yield return new PhraseCondition(first, second);
        }

        foreach (string word in prefixes.Where(p => p.Value >= 2).Select(p => p.Key).Order(StringComparer.Ordinal))
        {
            yield return new PrefixCondition([word]);
        }

        foreach ((string first, string second) in prefixPairs.Where(p => p.Value >= 2).Select(p => p.Key).OrderBy(p => p.Item1, StringComparer.Ordinal).ThenBy(p => p.Item2, StringComparer.Ordinal))
        {
            yield return new PrefixCondition([first, second]);
        }

        foreach (TextPattern pattern in TextPattern.All)
        {
            yield return new PatternCondition(pattern);
        }

        foreach (CountFeature feature in Enum.GetValues<CountFeature>())
        {
            int[] values = [.. examples.Select(e => e.Count(feature)).Order()];
            var thresholds = new SortedSet<int>();
            for (int q = 1; q <= 9; q++)
            {
                thresholds.Add(values[Math.Min(values.Length - 1, values.Length * q / 10)]);
            }

            foreach (int threshold in thresholds)
            {
                yield return new CountCondition(feature, threshold, atLeast: true);
                yield return new CountCondition(feature, threshold, atLeast: false);
            }
        }
    }

    /// <summary>The most thresholds tried per concept feature.</summary>
    private const int ConceptThresholdsPerFeature = 24;

    /// <summary>Makes the concept conditions: each feature at least each of (up to 24 of) its values on the seed items of its class.</summary>
    private static IEnumerable<Condition> ConceptConditions(IReadOnlyList<TextProfile> examples, IReadOnlyList<int> labels, IReadOnlyList<ConceptFeature>? features)
    {
        for (int f = 0; f < (features?.Count ?? 0); f++)
        {
            ConceptFeature feature = features![f];
            List<double> values = [.. Enumerable.Range(0, examples.Count).Where(i => labels[i] == feature.Label && examples[i].ConceptValues is not null).Select(i => examples[i].ConceptValues![f])];
            foreach (double threshold in ConceptFeatures.Thresholds(values, ConceptThresholdsPerFeature))
            {
                yield return new ConceptCondition(f, feature, threshold);
            }
        }
    }

    /// <summary>
    /// Gets the lower bound a concept condition must reach: the class's share lifted by a quarter of
    /// <see cref="OfflineSynthesizerOptions.MinimumLift"/>. A concept condition brings knowledge from outside the seed
    /// set (a pretrained model, a phrase written before seeing the seeds) and fits one number to them, so it is asked
    /// for less lift than a word or pattern found in the seeds; the floor, the confidence and the support it needs stay
    /// the same. With 10 seed labels of two classes (a class of 5 or 6 items), a condition right on all of its class's
    /// items then clears the bar; with the full lift, none could.
    /// </summary>
    internal double ConceptThreshold(double prior) => Math.Max(_options.MinimumPrecision, prior + (0.25 * _options.MinimumLift * (1 - prior)));

    private void AddIfPrecise(Evaluated condition, ulong[][] classBits, double[] thresholds, List<Candidate> candidates, ConditionIndex index)
    {
        int support = BitSet.Count(condition.Examples);
        if (support < _options.MinimumSupport || (index.HasUnlabeled && condition.UnlabeledCoverage < _options.MinimumUnlabeledCoverage))
        {
            return;
        }

        for (int k = 0; k < classBits.Length; k++)
        {
            int correct = BitSet.CountAnd(condition.Examples, classBits[k]);
            double bound = WilsonLowerBound(correct, support);
            if (bound >= thresholds[k])
            {
                candidates.Add(new Candidate(condition, k, support, correct, bound));
            }
        }
    }

    /// <summary>
    /// Determines whether a class has too few seed items for the seed-only bound to show any condition precise: a
    /// condition right on every one of its <paramref name="classSeeds"/> items (and on no other) would still fall short
    /// of <see cref="OfflineSynthesizerOptions.MinimumSupport"/> or of <paramref name="threshold"/>.
    /// </summary>
    internal bool TooFewToShow(int classSeeds, double threshold) => classSeeds > 0 && (classSeeds < _options.MinimumSupport || WilsonLowerBound(classSeeds, classSeeds) < threshold);

    /// <summary>
    /// Keeps a concept condition of a class with too few seed items (<see cref="TooFewToShow"/>) when its precision,
    /// estimated through the unlabeled sample, clears the class's floor. Its precision is the class's share times its
    /// recall over its coverage: the share is the class's share of the seed labels, or of the unlabeled items nearest its
    /// prototype (<see cref="OfflineSynthesizerOptions.FewSeedShare"/>; the floor is then that share's); the recall is m / (n + 1) when it
    /// holds on m of the class's n seed items (the expected share of the class above a threshold set at a seed item's
    /// value, which is how concept thresholds are chosen: one item gives 1/2, not 1); the coverage is its share of the
    /// unlabeled sample. The seed items it holds on must agree: the estimate is at most their smoothed precision,
    /// (correct + 1) / (support + 2), so a condition that one seed item supports is given at most 2/3.
    /// </summary>
    private void AddIfPreciseByCoverage(Evaluated condition, ulong[][] classBits, double[] share, double[] thresholds, List<Candidate> candidates, ConditionIndex index)
    {
        int k = ((ConceptCondition)condition.Condition).Feature.Label;
        int support = BitSet.Count(condition.Examples);
        int correct = BitSet.CountAnd(condition.Examples, classBits[k]);
        int classSeeds = BitSet.Count(classBits[k]);
        if (correct == 0 || condition.UnlabeledCoverage <= 0 || condition.UnlabeledCoverage < _options.MinimumUnlabeledCoverage)
        {
            return;
        }

        double recall = correct / (classSeeds + 1.0);
        double estimate = Math.Min(Math.Min(1, share[k] * recall / condition.UnlabeledCoverage), (correct + 1.0) / (support + 2.0));
        if (estimate >= thresholds[k])
        {
            candidates.Add(new Candidate(condition, k, support, correct, estimate, ByCoverage: true));
        }
    }

    private void AddWordGroups(List<Candidate> candidates, ulong[][] classBits, double[] thresholds, ConditionIndex index)
    {
        if (_options.MaximumWordsPerProgram < 2)
        {
            return;
        }

        for (int k = 0; k < classBits.Length; k++)
        {
            List<Candidate> words = [.. candidates
                .Where(c => c.Label == k && c.Condition.Condition is AnyWordCondition)
                .OrderByDescending(c => c.LowerBound).ThenByDescending(c => c.Condition.UnlabeledCoverage).ThenBy(c => c.Condition.Condition.Key, StringComparer.Ordinal)];
            var group = new List<Candidate>();
            ulong[] examples = BitSet.Create(classBits[k].Length * 64);
            foreach (Candidate word in words)
            {
                if (group.Count == _options.MaximumWordsPerProgram)
                {
                    break;
                }

                ulong[] union = BitSet.Or(examples, word.Condition.Examples);
                int support = BitSet.Count(union);
                int correct = BitSet.CountAnd(union, classBits[k]);
                if (WilsonLowerBound(correct, support) >= thresholds[k])
                {
                    group.Add(word);
                    examples = union;
                }
            }

            if (group.Count >= 2)
            {
                string[] list = [.. group.SelectMany(g => ((AnyWordCondition)g.Condition.Condition).Words)];
                Evaluated evaluated = index.Evaluate(new AnyWordCondition(list));
                int support = BitSet.Count(evaluated.Examples);
                int correct = BitSet.CountAnd(evaluated.Examples, classBits[k]);
                candidates.Add(new Candidate(evaluated, k, support, correct, WilsonLowerBound(correct, support)));
            }
        }
    }

    private void AddConjunctions(List<Evaluated> primitives, ulong[][] classBits, double[] thresholds, List<Candidate> candidates, ConditionIndex index, CancellationToken cancellationToken)
    {
        if (_options.ConjunctionCandidates == 0)
        {
            return;
        }

        List<(Evaluated Condition, int Support)> frequent = [.. primitives
            .Select(p => (Condition: p, Support: BitSet.Count(p.Examples)))
            .Where(p => p.Support >= _options.MinimumSupport * 2)
            .OrderByDescending(p => p.Support).ThenBy(p => p.Condition.Condition.Key, StringComparer.Ordinal)
            .Take(_options.ConjunctionCandidates)];
        for (int a = 0; a < frequent.Count; a++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (int b = a + 1; b < frequent.Count; b++)
            {
                if (frequent[a].Condition.Condition is CountCondition && frequent[b].Condition.Condition is CountCondition)
                {
                    continue; // two thresholds make an interval fitted to the seeds; too easy to overfit
                }

                ulong[] both = BitSet.And(frequent[a].Condition.Examples, frequent[b].Condition.Examples);
                int support = BitSet.Count(both);
                if (support < _options.MinimumSupport || support == frequent[a].Support || support == frequent[b].Support)
                {
                    continue; // too rare, or no narrower than one of its parts
                }

                for (int k = 0; k < classBits.Length; k++)
                {
                    int correct = BitSet.CountAnd(both, classBits[k]);
                    double bound = WilsonLowerBound(correct, support);
                    if (bound < thresholds[k] || bound <= PartBound(frequent[a], classBits[k]) || bound <= PartBound(frequent[b], classBits[k]))
                    {
                        continue;
                    }

                    Evaluated conjunction = index.Conjoin(frequent[a].Condition, frequent[b].Condition);
                    if (!index.HasUnlabeled || conjunction.UnlabeledCoverage >= _options.MinimumUnlabeledCoverage)
                    {
                        candidates.Add(new Candidate(conjunction, k, support, correct, bound));
                    }
                }
            }
        }
    }

    private double PartBound((Evaluated Condition, int Support) part, ulong[] classBits) =>
        WilsonLowerBound(BitSet.CountAnd(part.Condition.Examples, classBits), part.Support);

    private List<Heuristic> Select(List<Candidate> candidates, int classCount, int count, ConditionIndex index, int exampleCount)
    {
        var selected = new List<Candidate>();
        var coveredByClass = new ulong[classCount][];
        for (int k = 0; k < classCount; k++)
        {
            coveredByClass[k] = BitSet.Create(index.CoverageLength);
        }

        // On equal gain the simpler condition wins: a single condition, then a word list, then a pair.
        var remaining = candidates
            .OrderBy(c => c.Condition.Condition switch { AndCondition => 2, AnyWordCondition { Words.Length: > 1 } => 1, _ => 0 })
            .ThenBy(c => c.Condition.Condition.Key, StringComparer.Ordinal).ThenBy(c => c.Label).ToList();
        bool progress = true;
        while (selected.Count < count && progress)
        {
            progress = false;
            for (int k = 0; k < classCount && selected.Count < count; k++)
            {
                Candidate? best = null;
                double bestGain = 0;
                foreach (Candidate candidate in remaining)
                {
                    if (candidate.Label != k || selected.Exists(s => Overlap(s, candidate) > _options.MaximumOverlap))
                    {
                        continue;
                    }

                    ulong[] coverage = candidate.Condition.Coverage;
                    double gain = candidate.LowerBound * (BitSet.CountAndNot(coverage, coveredByClass[k]) + (0.5 * BitSet.Count(coverage))) / index.CoverageCount;
                    if (gain > bestGain)
                    {
                        best = candidate;
                        bestGain = gain;
                    }
                }

                if (best is not null)
                {
                    selected.Add(best);
                    remaining.Remove(best);
                    BitSet.OrInto(coveredByClass[k], best.Condition.Coverage);
                    progress = true;
                }
            }
        }

        return [.. selected.Select(c => new Heuristic(c.Condition.Condition, c.Label, c.Support, c.Correct, c.LowerBound, exampleCount, c.Condition.UnlabeledCoverage, index.UnlabeledCount, c.ByCoverage))];
    }

    /// <summary>
    /// Gets the fewest seed items a heuristic must match, being right on every one, to be kept for a class whose share
    /// of the seed labels is <paramref name="prior"/>; or -1 when no support suffices (the class is every seed label).
    /// </summary>
    internal int SmallestFlawlessSupport(double prior)
    {
        double threshold = Threshold(prior);
        for (int support = _options.MinimumSupport; support <= MaximumExplainedSupport; support++)
        {
            if (WilsonLowerBound(support, support) >= threshold)
            {
                return support;
            }
        }

        return -1;
    }

    /// <summary>Gets the lower bound on precision a heuristic of a class whose share is <paramref name="prior"/> must reach.</summary>
    internal double Threshold(double prior) => Math.Max(_options.MinimumPrecision, prior + (_options.MinimumLift * (1 - prior)));

    private const int MaximumExplainedSupport = 1_000_000;

    private static double Overlap(Candidate left, Candidate right)
    {
        int union = BitSet.CountOr(left.Condition.Coverage, right.Condition.Coverage);
        return union == 0 ? 0 : (double)BitSet.CountAnd(left.Condition.Coverage, right.Condition.Coverage) / union;
    }

    private double WilsonLowerBound(int correct, int support)
    {
        if (support == 0)
        {
            return 0;
        }

        double p = (double)correct / support;
        double z2 = _z * _z;
        double center = p + (z2 / (2 * support));
        double margin = _z * Math.Sqrt((p * (1 - p) / support) + (z2 / (4.0 * support * support)));
        return (center - margin) / (1 + (z2 / support));
    }

    private sealed record Candidate(Evaluated Condition, int Label, int Support, int Correct, double LowerBound, bool ByCoverage = false)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Condition.Condition.Key} -> {Label} ({Correct}/{Support}, {LowerBound:0.000})");
    }
}
