using static Alchemist.Tests.Sandbox.SandboxTestPrograms;

namespace Alchemist.Tests.Sandbox;

public class ItemTypeTests
{
    private static readonly Ticket Refund = new("Refund please", "I want my money back", 2, TicketChannel.Email, new List<string> { "billing" });
    private static readonly Ticket Hello = new("Hello", "Just saying hi", 5, TicketChannel.Chat, new List<string>());

    private static ProgramCompilation<Ticket> Compile(string source) => Compiler.Compile<Ticket>(Program(source));

    [Fact]
    public void Compile_HostRecord_ProgramReadsItsMembersAndEnumsBySimpleName()
    {
        using ProgramCompilation<Ticket> compilation = Compile("""
            public static class RefundRequests
            {
                public static int Label(Ticket ticket)
                {
                    if (ticket.Channel == TicketChannel.Chat && ticket.Priority > 3)
                    {
                        return 0;
                    }

                    bool billing = ticket.Tags.Contains("billing") || ticket.Tags.Any(t => t.StartsWith("bill", StringComparison.Ordinal));
                    return billing && ticket.Summary().Contains("money", StringComparison.OrdinalIgnoreCase) ? 1 : -1;
                }
            }
            """);

        Assert.True(compilation.Succeeded, string.Join("\n", compilation.Diagnostics));
        Assert.Equal(1, compilation.Function!.Apply(Refund));
        Assert.Equal(0, compilation.Function!.Apply(Hello));
    }

    [Fact]
    public void Compile_WithExpressionOnTheItem_IsACopyAndAllowed()
    {
        using ProgramCompilation<Ticket> compilation = Compile("""
            public static class P
            {
                public static int Label(Ticket ticket) => (ticket with { Subject = "x" }).Subject == "x" && ticket.Subject != "x" ? 1 : 0;
            }
            """);

        Assert.True(compilation.Succeeded, string.Join("\n", compilation.Diagnostics));
        Assert.Equal(1, compilation.Function!.Apply(Refund));
        Assert.Equal("Refund please", Refund.Subject);
    }

    [Fact]
    public void Compile_AssigningTheItem_IsRejectedAsItemMutation()
    {
        using ProgramCompilation<Ticket> compilation = Compile("""
            public static class P
            {
                public static int Label(Ticket ticket)
                {
                    ticket.Assignee = "me";
                    return 1;
                }
            }
            """);

        SandboxDiagnostic error = Assert.Single(compilation.Diagnostics);
        Assert.Equal("item-mutation", error.Rule);
        Assert.Equal(5, error.Line);
    }

    [Fact]
    public void Compile_MutatingACollectionOfTheItem_IsRejectedAsItemMutation()
    {
        using ProgramCompilation<Ticket> compilation = Compile("""
            public static class P
            {
                public static int Label(Ticket ticket)
                {
                    var tags = (List<string>)ticket.Tags;
                    tags.Add("seen");
                    return 1;
                }
            }
            """);

        SandboxDiagnostic error = Assert.Single(compilation.Diagnostics);
        Assert.Equal("item-mutation", error.Rule);
        Assert.Equal(6, error.Line);
    }

    [Fact]
    public void Compile_StaticMembersAndConstructorsOfTheItemType_AreRejected()
    {
        using ProgramCompilation<Ticket> compilation = Compile("""
            public static class P
            {
                public static int Label(Ticket ticket)
                {
                    var copy = new Ticket("a", "b", 1, TicketChannel.Phone, new List<string>());
                    return Ticket.Created + copy.Priority;
                }
            }
            """);

        Assert.False(compilation.Succeeded);
        Assert.Contains(compilation.Diagnostics, d => d.Rule == "api" && d.Line == 5);
        Assert.Contains(compilation.Diagnostics, d => d.Rule == "api" && d.Line == 6);
    }

    [Fact]
    public void Compile_StringProgramForTicketItems_ExplainsTheExpectedSignature()
    {
        using ProgramCompilation<Ticket> compilation = Compile("""
            public static class P
            {
                public static int Label(string text) => 1;
            }
            """);

        SandboxDiagnostic error = Assert.Single(compilation.Diagnostics);
        Assert.Equal("entry-point", error.Rule);
        Assert.Contains("public static int Label(Ticket item)", error.Message, StringComparison.Ordinal);
    }
}
