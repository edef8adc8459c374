namespace Alchemist.Orleans.Tests;

public sealed class ShardProgramCacheTests
{
    private const string Source = "public static class Short { public static int Label(string item) => item.Length < 20 ? 0 : -1; }";

    [Fact]
    public void Get_SameProgramForManyShards_CompilesItOncePerSilo()
    {
        using var cache = new ShardProgramCache(new ProgramCompiler());
        var program = new ShardProgram("short", Source, LabelingProgram.ComputeHash(Source));
        var renamed = program with { Name = "short-again" };

        ILabelingFunction<string> first = cache.Get(program);
        ILabelingFunction<string> second = cache.Get(program);
        ILabelingFunction<string> third = cache.Get(renamed);

        Assert.Equal(1, cache.Compilations);
        Assert.Same(first, second);
        Assert.Same(first, third);
        Assert.Equal(0, first.Apply("short"));
    }

    [Fact]
    public void Get_ProgramTheSandboxRejects_ThrowsWithTheSandboxReason()
    {
        using var cache = new ShardProgramCache(new ProgramCompiler());
        const string io = "public static class Io { public static int Label(string item) => System.IO.File.Exists(item) ? 1 : -1; }";

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => cache.Get(new ShardProgram("io", io, LabelingProgram.ComputeHash(io))));

        Assert.StartsWith("The sandbox rejected the program 'io' on this silo:", error.Message, StringComparison.Ordinal);
        Assert.Contains("[io]", error.Message, StringComparison.Ordinal);
    }
}
