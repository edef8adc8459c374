using System.Globalization;
using System.Text.Json;
using Alchemist.Tests.Shared;

namespace Alchemist.Cli.Tests.Llm;

/// <summary>
/// <c>alchemist synthesize</c> and <c>alchemist run</c> end to end against loopback fake servers, through the real SDK
/// clients (<c>--llm openai:</c> with <c>OPENAI_BASE_URL</c>, <c>azure:</c> with <c>AZURE_OPENAI_ENDPOINT</c>,
/// <c>ollama:</c> with <c>OLLAMA_HOST</c>) given as the command's environment. The clock runs fast, so waits of seconds
/// take milliseconds while the figures stay those of the provider.
/// </summary>
public sealed class LlmCommandTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "alchemist-cli-llm-" + Guid.NewGuid().ToString("N"));

    public LlmCommandTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    public static TheoryData<FakeApi> Apis => [FakeApi.OpenAI, FakeApi.Azure, FakeApi.Ollama];

    [Theory]
    [MemberData(nameof(Apis))]
    public void Synthesize_ConnectionRefused_ExitsWith4AndOneLineNamingTheAddress(FakeApi api)
    {
        int port = FakeLlmServer.ClosedPort();
        string spec = Spec(api);

        (int code, string output, string error) = Run(
            FakeLlmServer.EnvironmentFor(api, port), speed: 1, "synthesize", "--llm", spec, "--count", "3", "--max-retries", "0", "--out", Out("refused"));

        Assert.Equal(ExitCodes.LlmFailed, code);
        Assert.Equal(
            $"error: every call to {spec} failed (3 calls); the provider's error: Connection refused (127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)})",
            Assert.Single(Lines(error)));
        Assert.Contains("Kept 0 program(s)", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Out("refused"), "synthesis-report.json")));
    }

    [Fact]
    public void Run_ConnectionRefused_WritesTheOfflineRunThenExitsWith4()
    {
        int port = FakeLlmServer.ClosedPort();
        string output = Out("run-refused");

        (int code, string stdout, string error) = Run(
            FakeLlmServer.EnvironmentFor(FakeApi.Ollama, port), speed: 50, "run", "--data", SmallYouTube(), "--llm", "ollama:llama-fake", "--programs", "4", "--out", output);

        Assert.Equal(ExitCodes.LlmFailed, code);
        string line = Assert.Single(Lines(error), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Matches(
            $@"^error: every call to ollama:llama-fake failed \(\d+ calls(, \d+ retries)?\); the provider's error: Connection refused \(127\.0\.0\.1:{port.ToString(CultureInfo.InvariantCulture)}\)$",
            line);

        // The offline programs still made a run, written whole, and its figures count the failed calls.
        JsonElement cost = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "run.json"))).RootElement.GetProperty("cost");
        int calls = cost.GetProperty("llmCalls").GetInt32();
        Assert.True(calls >= 4, $"{calls} calls");
        Assert.Equal(calls, cost.GetProperty("failedCalls").GetInt32());
        Assert.Contains($"LLM calls    {calls} calls, {calls} failed;", stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(output, "labels.jsonl")));
    }

    [Theory]
    [MemberData(nameof(Apis))]
    public void Synthesize_RateLimitedWithRetryAfter12_WaitsThe12SecondsAndKeepsThePrograms(FakeApi api)
    {
        using FakeLlmServer server = Serve(
            api,
            FakeStep.Status(429, retryAfter: "12"),
            FakeStep.Reply(FakePrograms.Fenced(FakePrograms.CheckOut), 700, 80),
            FakeStep.Reply(FakePrograms.Fenced(FakePrograms.Links), 700, 80));

        // 12 s of the command's clock pass in 0.3 s; the timeout is long, so a busy machine adds no timeout of its own.
        (int code, string output, string error) = Run(
            server.Environment(), speed: 40, "synthesize", "--llm", Spec(api), "--count", "2", "--concurrency", "1", "--timeout", "3600", "--out", Out("throttled"), "--json");

        Assert.True(code == 0, error);
        Assert.Empty(Lines(error));
        JsonElement json = JsonDocument.Parse(output).RootElement;
        Assert.Equal(["llm-000", "llm-001"], json.GetProperty("kept").EnumerateArray().Select(k => k.GetProperty("name").GetString()));
        JsonElement cost = json.GetProperty("cost");
        Assert.Equal((2, 0, 1, 0), (cost.GetProperty("calls").GetInt32(), cost.GetProperty("failedCalls").GetInt32(), cost.GetProperty("retries").GetInt32(), cost.GetProperty("timeouts").GetInt32()));
        Assert.Equal(12.0, cost.GetProperty("retryWaitSeconds").GetDouble());
        Assert.Equal(1, json.GetProperty("attempts")[0].GetProperty("retries").GetInt32());
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public void Synthesize_MidRunFailure_KeepsTheEarlierPrograms_WarnsAndSucceeds()
    {
        using FakeLlmServer server = Serve(
            FakeApi.OpenAI,
            FakeStep.Reply(FakePrograms.Fenced(FakePrograms.CheckOut)),
            FakeStep.Reply(FakePrograms.Fenced(FakePrograms.Links)),
            FakeStep.Status(500));

        (int code, string output, string error) = Run(
            server.Environment(), speed: 40, "synthesize", "--llm", "openai:gpt-fake", "--count", "4", "--concurrency", "1", "--max-retries", "1", "--timeout", "3600", "--out", Out("mid-run"));

        Assert.Equal(0, code);
        Assert.Equal(
            "warning: 2 of 4 calls to openai:gpt-fake failed, 2 retries; the programs of the others are kept. The provider's error: HTTP 500 (fake_error: 500) fake failure 500",
            Assert.Single(Lines(error)));
        Assert.Contains("Kept 2 program(s)", output, StringComparison.Ordinal);
        Assert.Equal(["llm-000", "llm-001"], ProgramLibrary.Load(Out("mid-run")).Programs.Select(p => p.Name));
        Assert.Equal(6, server.Requests.Count);  // two answered, two failed twice each (one retry)
    }

    [Fact]
    public void Synthesize_ReplyWithoutCode_SendsTheRepairPrompt()
    {
        using FakeLlmServer server = Serve(FakeApi.Ollama, FakeStep.Reply("Spam is unwanted content."), FakeStep.Reply(FakePrograms.Fenced(FakePrograms.Subscribe)));

        (int code, string output, string error) = Run(
            server.Environment(), speed: 1, "synthesize", "--llm", "ollama:llama-fake", "--count", "1", "--out", Out("garbage"), "--json");

        Assert.True(code == 0, error);
        JsonElement json = JsonDocument.Parse(output).RootElement;
        Assert.Equal("llm-000-r1", Assert.Single(json.GetProperty("kept").EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal(["RejectedReply", "Accepted"], json.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("outcome").GetString()));
        Assert.StartsWith("Your reply holds no program:", server.Requests[1].LastMessage, StringComparison.Ordinal);
        Assert.Equal("/api/chat", server.Requests[1].Target);
    }

    [Fact]
    public void Synthesize_HungProvider_TimeoutOfTheCommandLineIsHonoured()
    {
        using FakeLlmServer server = Serve(FakeApi.Azure, FakeStep.Hang(), FakeStep.Reply(FakePrograms.Fenced(FakePrograms.CheckOut)));

        // --timeout 20: 20 s of the command's clock, 5 s of real time (a reply comes well within it, even on a busy machine).
        (int code, string output, string error) = Run(
            server.Environment(), speed: 4, "synthesize", "--llm", "azure:labeler", "--count", "1", "--timeout", "20", "--out", Out("hung"), "--json");

        Assert.True(code == 0, error);
        JsonElement json = JsonDocument.Parse(output).RootElement;
        Assert.Single(json.GetProperty("kept").EnumerateArray());
        JsonElement cost = json.GetProperty("cost");
        Assert.Equal(1, cost.GetProperty("timeouts").GetInt32());
        Assert.Equal(1, cost.GetProperty("retries").GetInt32());
        Assert.Equal(2, server.Requests.Count);
        Assert.StartsWith("/openai/deployments/labeler/chat/completions?api-version=", server.Requests[0].Target, StringComparison.Ordinal);
        Assert.Equal("azure-fake", server.Requests[0].Headers["api-key"]);
    }

    [Theory]
    [InlineData("--timeout", "0", "--timeout is 0; give the seconds one call may take, between 1 and 3600.")]
    [InlineData("--max-retries", "21", "--max-retries is 21; use between 0 and 20.")]
    public void OutOfRange_IsBadInput(string option, string value, string message)
    {
        (int code, _, string error) = Run(new Dictionary<string, string?>(), speed: 1, "synthesize", "--llm", "replay:x.jsonl", "--out", Out("bad"), option, value);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    private static string Spec(FakeApi api) => api switch
    {
        FakeApi.OpenAI => "openai:gpt-fake",
        FakeApi.Azure => "azure:labeler",
        _ => "ollama:llama-fake",
    };

    private static FakeLlmServer Serve(FakeApi api, params FakeStep[] script) => FakeLlmServer.Start(api, script);

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static (int Code, string Output, string Error) Run(Dictionary<string, string?> environment, double speed, params string[] args) =>
        CliRunner.Run(new CliContext(name => environment.GetValueOrDefault(name), new FastClock(speed)), args);

    private string Out(string name) => Path.Combine(_root, name);

    private string SmallYouTube() => CliRunner.SmallYouTube(_root);
}
