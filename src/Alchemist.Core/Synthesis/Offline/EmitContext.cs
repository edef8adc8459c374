namespace Alchemist;

/// <summary>Collects the static fields and helper methods an emitted program needs, with unique field names.</summary>
internal sealed class EmitContext
{
    private readonly List<(string Name, string Declaration)> _fields = [];
    private readonly List<string> _helpers = [];

    /// <summary>Gets the field declarations, in the order they were added, without modifiers.</summary>
    public IReadOnlyList<(string Name, string Declaration)> Fields => _fields;

    /// <summary>Gets the helper methods, in the order they were first added.</summary>
    public IReadOnlyList<string> Helpers => _helpers;

    /// <summary>Adds a field; <paramref name="declaration"/> writes its declaration (without modifiers) from its unique name.</summary>
    /// <returns>The unique name given to the field.</returns>
    public string AddField(string baseName, Func<string, string> declaration)
    {
        string name = baseName;
        for (int suffix = 2; _fields.Exists(f => f.Name == name); suffix++)
        {
            name = baseName + suffix.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        _fields.Add((name, declaration(name)));
        return name;
    }

    /// <summary>Adds a helper method once.</summary>
    public void AddHelper(string source)
    {
        if (!_helpers.Contains(source))
        {
            _helpers.Add(source);
        }
    }
}
