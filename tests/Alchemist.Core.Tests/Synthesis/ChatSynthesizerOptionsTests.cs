namespace Alchemist.Tests.Synthesis;

public class ChatSynthesizerOptionsTests
{
    [Fact]
    public void Validate_Defaults_AreValid() => Assert.Empty(new ChatSynthesizerOptions().Validate());

    [Fact]
    public void Validate_EveryProblem_HasAnExactMessage()
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

        Assert.Equal(
            [
                "ChatSynthesizerOptions.MaxConcurrency is 65; it must be between 1 and 64.",
                "ChatSynthesizerOptions.MaxRepairs is -1; it must be between 0 and 10.",
                "ChatSynthesizerOptions.Temperatures[4] is NaN; every temperature must be between 0 and 2.",
                "ChatSynthesizerOptions.ExamplesPerPrompt is 201; it must be between 0 and 200.",
                "ChatSynthesizerOptions.MaxItemCharacters is 10; it must be between 20 and 100000.",
                "ChatSynthesizerOptions.MaxOutputTokens is 10; it must be at least 64, or null for the model's default.",
                "ChatSynthesizerOptions.ModelId is blank; give a model id, or null for the client's default.",
                "ChatSynthesizerOptions.Prices has a blank model id; key every price by the model id the provider reports.",
                "ChatSynthesizerOptions.Prices['m'] is null; give its input and output prices per million tokens.",
            ],
            options.Validate());
    }

    [Fact]
    public async Task Synthesizer_CopiesOptions_LaterChangesHaveNoEffect()
    {
        var client = new Alchemist.Testing.ScriptedChatClient().Reply(SynthesisTestData.Fenced(SynthesisTestData.GoodProgram));
        var options = new ChatSynthesizerOptions();
        var synthesizer = new ChatProgramSynthesizer(client, options);
        options.Temperatures.Clear();
        options.Temperatures.Add(1.5f);

        await synthesizer.SynthesizeAsync(new SynthesisRequest<string>(SynthesisTestData.SpamTask) { ProgramCount = 1 }).ToListAsync();

        Assert.Equal(0.2f, client.Requests[0].Options!.Temperature);
    }
}
