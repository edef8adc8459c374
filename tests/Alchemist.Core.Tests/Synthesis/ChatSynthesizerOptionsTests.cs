namespace Alchemist.Tests.Synthesis;

public class ChatSynthesizerOptionsTests
{
    [Fact]
    public void Validate_Defaults_AreValid() => Assert.True(new ChatSynthesizerOptionsValidator().Validate(null, new ChatSynthesizerOptions()).Succeeded);

    [Fact]
    public void Validate_EveryProblem_IsNamed()
    {
        var options = new ChatSynthesizerOptions
        {
            MaxConcurrency = 65,
            MaxRepairs = -1,
            ExamplesPerPrompt = 201,
            MaxItemCharacters = 10,
            MaxOutputTokens = 10,
            ModelId = " ",
        };
        options.Temperatures.Add(float.NaN);
        options.Prices[" "] = new ModelPrice(1m, 1m);
        options.Prices["m"] = null!;

        string[] failures = [.. new ChatSynthesizerOptionsValidator().Validate(null, options).Failures!];

        // A range per number, with the member's name and its bounds; a sentence per cross-field problem.
        foreach ((string member, string bounds) in new[] { ("MaxConcurrency", "1 and 64"), ("MaxRepairs", "0 and 10"), ("ExamplesPerPrompt", "0 and 200"), ("MaxItemCharacters", "20 and 100000"), ("MaxOutputTokens", "64 and 10000000") })
        {
            Assert.Single(failures, f => f.Contains(member, StringComparison.Ordinal) && f.Contains(bounds, StringComparison.Ordinal));
        }

        Assert.Contains(failures, f => f.Contains("ChatSynthesizerOptions.Temperatures[4] is NaN; every temperature must be between 0 and 2.", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("ChatSynthesizerOptions.ModelId is blank; give a model id, or null for the client's default.", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("ChatSynthesizerOptions.Prices has a blank model id; key every price by the model id the provider reports.", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("ChatSynthesizerOptions.Prices['m'] is null; give its input and output prices per million tokens.", StringComparison.Ordinal));
        Assert.Equal(9, failures.Length);

        ArgumentException thrown = Assert.Throws<ArgumentException>("options", () => new ChatProgramSynthesizer(new Alchemist.Testing.ScriptedChatClient(), options));
        Assert.Contains("MaxConcurrency", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("Prices['m'] is null", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Synthesizer_ReadsItsOptionsAsItWorks()
    {
        // No copy is taken: the synthesizer works with the options object it was given (as DI gives it IOptions<T>.Value).
        var client = new Alchemist.Testing.ScriptedChatClient().Reply(SynthesisTestData.Fenced(SynthesisTestData.GoodProgram));
        var options = new ChatSynthesizerOptions();
        var synthesizer = new ChatProgramSynthesizer(client, options);
        options.Temperatures.Clear();
        options.Temperatures.Add(1.5f);

        await synthesizer.SynthesizeAsync(new SynthesisRequest<string>(SynthesisTestData.SpamTask) { ProgramCount = 1 }).ToListAsync();

        Assert.Same(options, synthesizer.Options);
        Assert.Equal(1.5f, client.Requests[0].Options!.Temperature);
    }
}
