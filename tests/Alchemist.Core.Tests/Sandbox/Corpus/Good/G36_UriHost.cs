// good: parses URLs with System.Uri and votes on the host
// family: 8
// sample: 1 <= see https://spam.example.ru/win now
// sample: -1 <= see https://docs.microsoft.com/dotnet
// sample: -1 <= no link at all
using System.Linq;

public static class UriHost
{
    public static int Label(string text)
    {
        foreach (string token in text.Split(' '))
        {
            if (Uri.TryCreate(token, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            {
                return uri.Host.EndsWith(".ru", StringComparison.OrdinalIgnoreCase) ? 1 : -1;
            }
        }

        return -1;
    }
}
