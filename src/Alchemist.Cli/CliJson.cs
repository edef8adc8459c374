using System.Text.Json;
using System.Text.Json.Nodes;

namespace Alchemist.Cli;

/// <summary>Writes the JSON outputs of the commands.</summary>
internal static class CliJson
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Write(TextWriter output, JsonNode node, bool indented = false) =>
        output.WriteLine(node.ToJsonString(indented ? Indented : null));

    /// <summary>Rounds a metric for output so that JSON stays readable; 6 decimals keep every figure exact enough to compare.</summary>
    public static double Round(double value) => Math.Round(value, 6);

    public static JsonNode? Round(double? value) => value is double d ? JsonValue.Create(Round(d)) : null;
}
