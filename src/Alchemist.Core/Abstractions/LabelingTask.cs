using System.Collections.ObjectModel;

namespace Alchemist;

/// <summary>Represents what to label: a name, a description for people and LLMs, and the class names.</summary>
/// <remarks>
/// The index of a class name is its label: <c>ClassNames[k]</c> is class <c>k</c>, and <see cref="Label.Abstain"/>
/// (<c>-1</c>) means a labeling function has no opinion. Instances are immutable and thread-safe.
/// </remarks>
public sealed class LabelingTask
{
    /// <summary>Initializes a new instance of the <see cref="LabelingTask"/> class.</summary>
    /// <param name="name">A short name, for example <c>"youtube-spam"</c>.</param>
    /// <param name="description">What an item is and what the classes mean, in plain words.</param>
    /// <param name="classNames">The class names; the index of each is its label. At least two, at most <see cref="Label.MaxClassCount"/>, all distinct.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is blank, or <paramref name="classNames"/> has fewer than two, more than <see cref="Label.MaxClassCount"/>, blank or repeated names.</exception>
    public LabelingTask(string name, string description, IEnumerable<string> classNames)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(classNames);

        string[] names = [.. classNames];
        if (names.Length < 2 || names.Length > Label.MaxClassCount)
        {
            throw new ArgumentException($"A labeling task needs between 2 and {Label.MaxClassCount} classes; {names.Length} were given.", nameof(classNames));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(names[i]))
            {
                throw new ArgumentException($"Class {i} has a blank name; give every class a name.", nameof(classNames));
            }

            if (!seen.Add(names[i]))
            {
                throw new ArgumentException($"The class name '{names[i]}' appears more than once; class names must be distinct.", nameof(classNames));
            }
        }

        Name = name;
        Description = description;
        ClassNames = new ReadOnlyCollection<string>(names);
    }

    /// <summary>Gets the short name of the task.</summary>
    public string Name { get; }

    /// <summary>Gets the description of the task.</summary>
    public string Description { get; }

    /// <summary>Gets the class names; the index of each is its label.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Gets the number of classes, <c>K</c>.</summary>
    public int ClassCount => ClassNames.Count;

    /// <summary>Gets the label of a class from its name.</summary>
    /// <param name="className">The class name, compared ordinally.</param>
    /// <returns>The label of the class.</returns>
    /// <exception cref="ArgumentException">No class has that name.</exception>
    public int GetLabel(string className)
    {
        ArgumentNullException.ThrowIfNull(className);
        for (int i = 0; i < ClassNames.Count; i++)
        {
            if (string.Equals(ClassNames[i], className, StringComparison.Ordinal))
            {
                return i;
            }
        }

        throw new ArgumentException($"The task '{Name}' has no class named '{className}'. Its classes are: {string.Join(", ", ClassNames)}.", nameof(className));
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({string.Join(", ", ClassNames)})";
}
