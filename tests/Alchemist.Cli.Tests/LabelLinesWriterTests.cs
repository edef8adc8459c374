using System.Text;
using System.Text.Json.Nodes;
using Alchemist.Cli.Commands;

namespace Alchemist.Cli.Tests;

public sealed class LabelLinesWriterTests
{
    private static readonly (string Id, int Label, double[] Probabilities)[] Rows =
    [
        ("0", 1, [0.12345678901, 0.87654321099]),
        ("id with \"quotes\", a \\ and <html> & +", 0, [1.0, 0.0]),
        ("é 漢字 \u2028 \ud83d\ude00", 2, [1e-9, 0.333333333333, 0.666666666667]),
        ("tiny", 1, [4.9e-7, 0.9999995]),
        ("", -1, [0.5, 0.5]),
    ];

    [Fact]
    public async Task WriteAsync_ManyLines_GivesTheBytesOfTheJsonObjectFormat()
    {
        var expected = new StringBuilder();
        using var stream = new MemoryStream(); // ToArray works after the writer closed it.
        await using (var writer = new LabelLinesWriter(stream))
        {
            // Enough lines to pass the writer's flush size several times.
            for (int i = 0; i < 60_000; i++)
            {
                (string id, int label, double[] probabilities) = Rows[i % Rows.Length];
                await writer.WriteAsync(id + i, label, probabilities, CancellationToken.None);
                expected.Append(JsonObjectLine(id + i, label, probabilities)).Append(Environment.NewLine);
            }
        }

        Assert.Equal(Encoding.UTF8.GetBytes(expected.ToString()), stream.ToArray());
    }

    [Fact]
    public void LabelLine_EachRow_EqualsTheJsonObjectFormat()
    {
        foreach ((string id, int label, double[] probabilities) in Rows)
        {
            Assert.Equal(JsonObjectLine(id, label, probabilities), RunCommand.LabelLine(id, label, probabilities));
        }
    }

    /// <summary>The format labels.jsonl had before the writer: a JSON node per line.</summary>
    private static string JsonObjectLine(string id, int label, double[] probabilities) => new JsonObject
    {
        ["id"] = id,
        ["label"] = label,
        ["probabilities"] = new JsonArray([.. probabilities.Select(p => (JsonNode?)JsonValue.Create(Math.Round(p, 6)))]),
    }.ToJsonString();
}
