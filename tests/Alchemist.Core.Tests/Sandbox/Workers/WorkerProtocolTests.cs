using static Alchemist.Tests.Sandbox.Workers.WorkerTestPrograms;

namespace Alchemist.Tests.Sandbox.Workers;

/// <summary>The framing of requests into a reused buffer, and large batches through the workers.</summary>
public class WorkerProtocolTests
{
    [Fact]
    public void ReadFrame_IntoReusedBuffer_ReadsLargeSmallAndLargerFramesExactly()
    {
        using var stream = new MemoryStream();
        int[] sizes = [300_000, 10, 0, 1_000_000, 5];
        foreach (int size in sizes)
        {
            var payload = new PayloadWriter();
            Bytes(size).CopyTo(payload.Take(size));
            WorkerProtocol.WriteFrame(stream, WorkerProtocol.Apply, payload);
        }

        stream.Position = 0;
        byte[] buffer = new byte[16];
        byte[] previous = buffer;
        foreach (int size in sizes)
        {
            Assert.Equal((WorkerProtocol.Apply, size), WorkerProtocol.ReadFrame(stream, WorkerProtocol.MaxRequestLength, ref buffer));
            Assert.Equal(Bytes(size), buffer.AsSpan(0, size).ToArray());
            Assert.Equal(size, new PayloadReader(buffer, size).Remaining);
            if (size <= previous.Length)
            {
                Assert.Same(previous, buffer); // A frame that fits reuses the buffer.
            }

            previous = buffer;
        }

        Assert.Null(WorkerProtocol.ReadFrame(stream, WorkerProtocol.MaxRequestLength, ref buffer));
    }

    [Fact]
    public void ReadFrame_IntoReusedBuffer_RefusesMalformedFrames()
    {
        byte[] buffer = new byte[16];
        using var cut = new MemoryStream([10, 0, 0, 0, WorkerProtocol.Apply, 1, 2]);
        Assert.Throws<WorkerProtocolException>(() => WorkerProtocol.ReadFrame(cut, WorkerProtocol.MaxRequestLength, ref buffer));
        using var tooLong = new MemoryStream([0xFF, 0xFF, 0xFF, 0x7F, WorkerProtocol.Apply]);
        Assert.Throws<WorkerProtocolException>(() => WorkerProtocol.ReadFrame(tooLong, WorkerProtocol.MaxRequestLength, ref buffer));
        using var header = new MemoryStream([1, 0]);
        Assert.Throws<WorkerProtocolException>(() => WorkerProtocol.ReadFrame(header, WorkerProtocol.MaxRequestLength, ref buffer));
        Assert.Equal(16, buffer.Length);

        // A payload read from a longer buffer ends at its length.
        var reader = new PayloadReader([1, 0, 0, 0, 9, 9], 4);
        Assert.Equal(1, reader.ReadInt32());
        reader.End();
        Assert.Throws<WorkerProtocolException>(() => new PayloadReader([1, 0, 0, 0, 9, 9], 3).ReadInt32());
    }

    [Fact]
    public void Apply_LargeAndSmallSlicesInTurn_VotesAreThoseOfEachText()
    {
        // Texts of very different sizes, so that the reused request buffers grow, then carry smaller slices after larger ones.
        string[] texts = [.. Enumerable.Range(0, 20_000).Select(i => (i / 3_000 % 2 == 0 ? new string('x', 20 + (i % 5)) : new string('y', 2_000 + (i % 7))) + i)];
        var program = new LabelingProgram("parity", """
            public static class Parity
            {
                public static int Label(string text) => text.Length % 2 == 0 ? (text[0] == 'x' ? 1 : 0) : -1;
            }
            """, new ProgramProvenance { Synthesizer = "hand-written" });
        using var host = new WorkerProgramHost(HostOptions());
        using WorkerCompilation<string> compiled = host.Compile<string>(program, CancellationToken.None);

        LabelMatrix votes = new LabelingFunctionApplier(new LabelingApplierOptions { ChunkSize = 3_000 }).Apply(texts, [compiled.Function!], 2).Matrix;

        Assert.Equal(texts.Select(t => t.Length % 2 == 0 ? (t[0] == 'x' ? 1 : 0) : -1), votes.GetColumn(0).Select(v => (int)v));
    }

    private static byte[] Bytes(int size) => [.. Enumerable.Range(0, size).Select(i => (byte)((i * 7) + size))];
}
