using System.Text.Json;

namespace Alchemist.Cli.Llm;

/// <summary>Reads the <c>--prices</c> file: model prices in US dollars per million tokens, so that prices stay configuration.</summary>
/// <remarks>
/// The file is one JSON object from model id to price:
/// <c>{"gpt-4o-mini": {"inputUsdPerMillionTokens": 0.15, "outputUsdPerMillionTokens": 0.6}}</c>.
/// </remarks>
internal static class PriceFile
{
    public static Dictionary<string, ModelPrice> Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"The prices file '{path}' does not exist. Give a JSON object such as {{\"gpt-4o-mini\": {{\"inputUsdPerMillionTokens\": 0.15, \"outputUsdPerMillionTokens\": 0.6}}}}.");
        }

        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Reads the model prices shipped with the tool (prices.json, list prices at the time of writing); --prices replaces them.</summary>
    public static Dictionary<string, ModelPrice> LoadDefaults()
    {
        using Stream stream = typeof(PriceFile).Assembly.GetManifestResourceStream("prices.json")
            ?? throw new InvalidOperationException("The tool's default prices.json is missing from its resources.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), "prices.json (the tool's defaults)");
    }

    private static Dictionary<string, ModelPrice> Parse(string text, string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new DataFormatException(path, null, null, $"The prices file is not valid JSON ({ex.Message}).", ex);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new DataFormatException(path, null, null, "The prices file must be one JSON object from model id to price.");
            }

            var prices = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);
            foreach (JsonProperty model in document.RootElement.EnumerateObject())
            {
                prices[model.Name] = new ModelPrice(Read(path, model, "inputUsdPerMillionTokens"), Read(path, model, "outputUsdPerMillionTokens"));
            }

            return prices;
        }
    }

    private static decimal Read(string path, JsonProperty model, string field)
    {
        if (model.Value.ValueKind != JsonValueKind.Object ||
            !model.Value.TryGetProperty(field, out JsonElement value) ||
            value.ValueKind != JsonValueKind.Number ||
            !value.TryGetDecimal(out decimal price) ||
            price < 0)
        {
            throw new DataFormatException(path, model.Name, field, "must be a number of US dollars per million tokens, 0 or more.");
        }

        return price;
    }
}
