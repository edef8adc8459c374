namespace Alchemist.Tests.Sandbox;

/// <summary>The rule of the sandbox's work limits, on scripted clocks: both the clock and the processor time must pass the limit, or the clock alone ten times it.</summary>
public class WorkLimitTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Fact]
    public void HasPassed_ClockPastTheLimitWithoutTheWork_IsFalse_UntilTheWorkIsDone()
    {
        var clocks = new ScriptedClocks();
        WorkLimit limit = WorkLimit.Start(clocks.Clock, Limit);

        clocks.Wall += TimeSpan.FromSeconds(90); // a busy machine: the clock ran three times the limit...
        clocks.Processor += TimeSpan.FromSeconds(2); // ...while the work got two seconds of a processor
        Assert.False(limit.HasPassed);
        Assert.Equal(TimeSpan.FromSeconds(28), limit.Remaining);

        clocks.Processor += TimeSpan.FromSeconds(28.5);
        Assert.True(limit.HasPassed);
        Assert.Equal("used 30.5 s of processor time", limit.Describe());
    }

    [Fact]
    public void HasPassed_WorkPastTheLimitBeforeTheClock_IsFalse_UntilTheClockPassesToo()
    {
        // Several threads can use more processor time than the clock shows; the limit is never shorter than on the clock.
        var clocks = new ScriptedClocks();
        WorkLimit limit = WorkLimit.Start(clocks.Clock, Limit);

        clocks.Wall += TimeSpan.FromSeconds(20);
        clocks.Processor += TimeSpan.FromSeconds(40);
        Assert.False(limit.HasPassed);
        Assert.Equal(TimeSpan.FromSeconds(10), limit.Remaining);

        clocks.Wall += TimeSpan.FromSeconds(10);
        Assert.True(limit.HasPassed);
    }

    [Fact]
    public void HasPassed_ClockPastTheBackstopWithoutAnyWork_IsTrue()
    {
        // A process that neither works nor answers is stopped all the same.
        var clocks = new ScriptedClocks();
        WorkLimit limit = WorkLimit.Start(clocks.Clock, Limit);

        clocks.Wall += Limit * WorkLimit.BackstopFactor - TimeSpan.FromTicks(1);
        Assert.False(limit.HasPassed);
        Assert.Equal(TimeSpan.FromTicks(1), limit.Remaining);

        clocks.Wall += TimeSpan.FromTicks(1);
        Assert.True(limit.HasPassed);
        Assert.Equal("took 300 s on the clock (10 times the limit) without finishing", limit.Describe());
    }

    [Fact]
    public void Start_CountsOnlyWhatComesAfterIt()
    {
        var clocks = new ScriptedClocks { Wall = TimeSpan.FromHours(1), Processor = TimeSpan.FromHours(1) };
        WorkLimit limit = WorkLimit.Start(clocks.Clock, Limit);

        Assert.Equal((TimeSpan.Zero, TimeSpan.Zero), (limit.Elapsed, limit.ProcessorTime));
        Assert.Equal(Limit, limit.Remaining);
    }

    [Fact]
    public void ThisProcess_ProcessorTimeGrowsWithWork()
    {
        TimeSpan before = WorkClock.ThisProcess.ProcessorTime();
        double sink = 0;
        for (int i = 0; i < 20_000_000 && WorkClock.ThisProcess.ProcessorTime() == before; i++)
        {
            sink += Math.Sqrt(i);
        }

        Assert.True(WorkClock.ThisProcess.ProcessorTime() > before, $"no processor time counted ({sink})");
    }

    private sealed class ScriptedClocks
    {
        public TimeSpan Wall { get; set; }

        public TimeSpan Processor { get; set; }

        public WorkClock Clock => new(new WallClock(this), () => Processor);

        private sealed class WallClock(ScriptedClocks clocks) : TimeProvider
        {
            public override long TimestampFrequency => TimeSpan.TicksPerSecond;

            public override long GetTimestamp() => clocks.Wall.Ticks;
        }
    }
}
