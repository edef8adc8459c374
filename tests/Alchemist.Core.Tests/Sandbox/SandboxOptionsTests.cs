namespace Alchemist.Tests.Sandbox;

public class SandboxOptionsTests
{
    [Fact]
    public void Defaults_AreTheDocumentedLimits()
    {
        var options = new SandboxOptions();
        Assert.Equal(1_000_000, options.StepBudget);
        Assert.Equal(256, options.MaxCallDepth);
        Assert.Equal(TimeSpan.FromMilliseconds(100), options.RegexMatchTimeout);
        Assert.Equal(2, options.RegexTimeoutRetries);
        Assert.Equal(100_000, options.MaxSourceLength);
        Assert.Equal(256L * 1024 * 1024, options.MaxAllocatedBytes);
        Assert.Equal(TimeSpan.FromSeconds(30), options.CompileTimeout);
    }

    [Theory]
    [InlineData(nameof(SandboxOptions.StepBudget))]
    [InlineData(nameof(SandboxOptions.MaxCallDepth))]
    [InlineData(nameof(SandboxOptions.RegexMatchTimeout))]
    [InlineData(nameof(SandboxOptions.MaxSourceLength))]
    [InlineData(nameof(SandboxOptions.MaxAllocatedBytes))]
    [InlineData(nameof(SandboxOptions.CompileTimeout))]
    [InlineData(nameof(SandboxOptions.RegexTimeoutRetries), -1)]
    [InlineData(nameof(SandboxOptions.RegexTimeoutRetries), 11)]
    public void Constructor_OptionOutOfRange_ThrowsNamingIt(string option, int value = 0)
    {
        var options = new SandboxOptions();
        switch (option)
        {
            case nameof(SandboxOptions.StepBudget): options.StepBudget = 0; break;
            case nameof(SandboxOptions.MaxCallDepth): options.MaxCallDepth = 0; break;
            case nameof(SandboxOptions.RegexMatchTimeout): options.RegexMatchTimeout = TimeSpan.Zero; break;
            case nameof(SandboxOptions.MaxSourceLength): options.MaxSourceLength = 0; break;
            case nameof(SandboxOptions.MaxAllocatedBytes): options.MaxAllocatedBytes = 1000; break;
            case nameof(SandboxOptions.RegexTimeoutRetries): options.RegexTimeoutRetries = value; break;
            default: options.CompileTimeout = TimeSpan.FromSeconds(-1); break;
        }

        OptionsAssert.Rejects(() => new ProgramCompiler(options), option);
    }

    [Fact]
    public void Constructor_KeepsTheOptionsItWasGiven()
    {
        var options = new SandboxOptions { StepBudget = 500, RegexTimeoutRetries = 0 };
        Assert.Same(options, new ProgramCompiler(options).Options);
    }
}
