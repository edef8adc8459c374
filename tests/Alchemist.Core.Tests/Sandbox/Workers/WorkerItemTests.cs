using System.Text.Json.Serialization;
using static Alchemist.Tests.Sandbox.Workers.WorkerTestPrograms;

namespace Alchemist.Tests.Sandbox.Workers;

/// <summary>A record the worker can rebuild, with a settable member left unset on some items.</summary>
public sealed record Review(string Text, int Stars, DateOnly Date, double? Helpfulness, Dictionary<string, int> Votes, TicketChannel Channel);

/// <summary>A type whose constructor parameters do not match its public members: STJ cannot rebuild it.</summary>
public sealed class Opaque(string raw)
{
    public string Text => raw.Trim();
}

/// <summary>A type STJ writes and reads, losing a member with a private setter on the way.</summary>
public sealed class Tally
{
    public Tally()
    {
    }

    public Tally(int count) => Count = count;

    public int Count { get; private set; }
}

/// <summary>A type with a public member left out of its JSON.</summary>
public sealed record WithIgnored(string Text)
{
    [JsonIgnore]
    public string Secret { get; init; } = "";
}

/// <summary>A type with a member declared as object.</summary>
public sealed record WithObject(string Text, object Payload);

/// <summary>A type that can be rebuilt, and one derived from it.</summary>
public record Animal(string Name);

/// <summary>A derived item, which the worker would rebuild as its base type.</summary>
public sealed record Dog(string Name, string Breed) : Animal(Name);

/// <summary>Items other than strings travel as JSON and are rebuilt in the worker; types that cannot make the trip exactly are refused with a message.</summary>
public class WorkerItemTests
{
    private static readonly Review[] Reviews =
    [
        .. Enumerable.Range(0, 300).Select(i => new Review(
            i % 17 == 0 ? "broken \ud800 surrogate " + i : $"review {i}: {(i % 3 == 0 ? "great product" : "refund please")}",
            1 + (i % 5),
            new DateOnly(2024, 1, 1).AddDays(i),
            i % 4 == 0 ? null : i / 7.0,
            new Dictionary<string, int> { ["up"] = i % 11, ["down"] = i % 5 },
            (TicketChannel)(i % 3))),
    ];

    [Fact]
    public void Apply_HostRecords_VotesAndFaultsAreThoseOfTheInProcessSandbox()
    {
        LabelingProgram[] programs =
        [
            Program("stars", "public static class P { public static int Label(Review r) => r.Stars >= 4 ? 1 : r.Stars <= 2 ? 0 : -1; }"),
            Program("text", "public static class P { public static int Label(Review r) => r.Text.Contains(\"refund\") ? 0 : r.Text.Contains('\\ud800') ? 1 : -1; }"),
            Program("helpful", "public static class P { public static int Label(Review r) => r.Helpfulness is double h ? (h > 20 ? 1 : 0) : throw new InvalidOperationException(\"no helpfulness for \" + r.Date); }"),
            Program("votes", "public static class P { public static int Label(Review r) => r.Votes[\"up\"] > r.Votes[\"down\"] && r.Channel != TicketChannel.Phone ? 1 : -1; }"),
        ];
        var compiler = new ProgramCompiler(Options);
        var inProcess = programs.Select(p => compiler.Compile<Review>(p)).ToList();
        using var host = new WorkerProgramHost(HostOptions());
        var inWorkers = programs.Select(p => host.Compile<Review>(p, CancellationToken.None)).ToList();
        try
        {
            Assert.All(inProcess, c => Assert.True(c.Succeeded, string.Join("\n", c.Diagnostics)));
            var applier = new LabelingFunctionApplier();
            LabelingResult expected = applier.Apply(Reviews, [.. inProcess.Select(c => (ILabelingFunction<Review>)c.Function!)], 2);
            LabelingResult actual = applier.Apply(Reviews, [.. inWorkers.Select(c => (ILabelingFunction<Review>)c.Function!)], 2);

            for (int j = 0; j < programs.Length; j++)
            {
                Assert.Equal(expected.Matrix.GetColumn(j), actual.Matrix.GetColumn(j));
            }

            Assert.Equal(expected.Faults, actual.Faults);
            Assert.Equal(75, actual.Faults[2].Exceptions);
            Assert.Contains(actual.Matrix.GetColumn(1), v => v == 1);
        }
        finally
        {
            inProcess.ForEach(c => c.Dispose());
            inWorkers.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public void CheckItemType_TypesTheWorkerCannotRebuild_AreRefusedWithTheReason()
    {
        using var host = new WorkerProgramHost(HostOptions());

        // Opaque passes the type check (STJ finds out that its constructor's parameter binds to nothing only when it
        // reads one), and is refused on the first item.
        host.CheckItemType<Opaque>();
        NotSupportedException opaque = Assert.Throws<NotSupportedException>(() => ItemCodec<Opaque>.Create().Write(new PayloadWriter(), [new Opaque(" x ")], 0, 1, 7));
        NotSupportedException ignored = Assert.Throws<NotSupportedException>(() => host.CheckItemType<WithIgnored>());
        NotSupportedException boxed = Assert.Throws<NotSupportedException>(() => host.CheckItemType<WithObject>());
        NotSupportedException abstraction = Assert.Throws<NotSupportedException>(() => host.CheckItemType<IComparable<int>>());

        Assert.All([opaque, ignored, boxed, abstraction], e =>
        {
            Assert.StartsWith("Items of type ", e.Message, StringComparison.Ordinal);
            Assert.Contains("cannot be carried to a sandbox worker process", e.Message, StringComparison.Ordinal);
            Assert.Contains("ProgramIsolation.InProcess", e.Message, StringComparison.Ordinal);
        });
        Assert.Contains("public member WithIgnored.Secret is left out of its JSON", ignored.Message, StringComparison.Ordinal);
        Assert.Contains("WithObject.Payload is declared as System.Object", boxed.Message, StringComparison.Ordinal);
        Assert.Contains("not a concrete type", abstraction.Message, StringComparison.Ordinal);

        Assert.Contains("item 7 cannot be written as JSON and read back", opaque.Message, StringComparison.Ordinal);

        // Tally passes the type check, but its items lose their count on the way: found on the first item that has one.
        host.CheckItemType<Tally>();
        var codec = (JsonItemCodec<Tally>)ItemCodec<Tally>.Create();
        codec.Write(new PayloadWriter(), [new Tally(0)], 0, 1, 0);
        NotSupportedException lossy = Assert.Throws<NotSupportedException>(() => codec.Write(new PayloadWriter(), [new Tally(0), new Tally(3)], 0, 2, 7));
        Assert.Contains("item 8 does not come back the same when read from its JSON: {\"Count\":3} came back as {\"Count\":0}", lossy.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_DerivedItem_IsRefused()
    {
        var codec = (JsonItemCodec<Animal>)ItemCodec<Animal>.Create();
        var writer = new PayloadWriter();
        codec.Write(writer, [new Animal("Rex")], 0, 1, 0);

        NotSupportedException derived = Assert.Throws<NotSupportedException>(() => codec.Write(writer, [new Animal("Rex"), new Dog("Rex", "Collie")], 0, 2, 40));

        Assert.Contains("item 41 is a Alchemist.Tests.Sandbox.Workers.Dog, a type derived from Animal", derived.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Codecs_RoundTripStringsExactly_UnpairedSurrogatesAndNullsIncluded()
    {
        string?[] texts = ["plain", "", null, "pair \ud83d\ude00", "high \ud800 alone", "low \udc00 alone", "end \ud800", new string('x', 10_000)];
        var writer = new PayloadWriter();
        ItemCodec<string>.Create().Write(writer, texts!, 0, texts.Length, 0);
        string[] read = ItemCodec<string>.ForWorker(WorkerProtocol.StringItems).Read(new PayloadReader(writer.WrittenSpan.ToArray()), texts.Length);
        Assert.Equal(texts, read);

        Review[] reviews = [.. Reviews.Take(20), null!];
        writer.Clear();
        ItemCodec<Review>.Create().Write(writer, reviews, 0, reviews.Length, 0);
        Review[] rebuilt = ItemCodec<Review>.ForWorker(WorkerProtocol.JsonItems).Read(new PayloadReader(writer.WrittenSpan.ToArray()), reviews.Length);
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal((reviews[i].Text, reviews[i].Stars, reviews[i].Date, reviews[i].Helpfulness, reviews[i].Channel), (rebuilt[i].Text, rebuilt[i].Stars, rebuilt[i].Date, rebuilt[i].Helpfulness, rebuilt[i].Channel));
            Assert.Equal(reviews[i].Votes, rebuilt[i].Votes);
        }

        Assert.Null(rebuilt[20]);
        Assert.Equal("broken \ud800 surrogate 0", rebuilt[0].Text);
    }
}
