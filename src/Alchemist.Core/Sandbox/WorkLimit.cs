namespace Alchemist;

/// <summary>
/// A sandbox limit on work (a compilation, a worker's start, load or compile request, one call of a program), charged
/// in processor time, with the clock only as a far backstop, so that whether a limit passes does not depend on how
/// busy the machine is.
/// </summary>
/// <remarks>
/// <para>
/// The rule: the limit has passed once <em>both</em> the clock and the processor time of the process doing the work
/// have run past it since the work started, or once the clock alone has run past <see cref="BackstopFactor"/> times it.
/// A program that really runs away burns processor time, so it is stopped after the same work on an idle machine and
/// on a loaded one (on an idle machine at the same moment as under a clock-only limit, since the two then advance
/// together). A process that is only waiting for a processor on a busy machine uses none, so its work is not cut
/// short; a process that neither works nor answers is still stopped by the backstop. Neither half alone ever stops work
/// earlier than the clock-only limit did.
/// </para>
/// <para>
/// Processor time is that of the whole process doing the work: in a worker process, that is the work itself (and the
/// runtime's own threads); in the host process, other threads' work counts too, which can only make the limit pass
/// sooner, never before the clock passes it.
/// </para>
/// </remarks>
internal sealed class WorkLimit
{
    /// <summary>How many times the limit the clock alone may run before the work is stopped whatever its processor time.</summary>
    public const int BackstopFactor = 10;

    private readonly WorkClock _clock;
    private readonly long _startedAt;
    private readonly TimeSpan _startedProcessorTime;

    private WorkLimit(WorkClock clock, TimeSpan limit)
    {
        _clock = clock;
        Limit = limit;
        _startedAt = clock.Wall.GetTimestamp();
        _startedProcessorTime = clock.ProcessorTime();
    }

    /// <summary>Gets the limit.</summary>
    public TimeSpan Limit { get; }

    /// <summary>Gets the clock's backstop: <see cref="BackstopFactor"/> times the limit.</summary>
    public TimeSpan Backstop => Limit >= TimeSpan.MaxValue / BackstopFactor ? TimeSpan.MaxValue : Limit * BackstopFactor;

    /// <summary>Gets the time on the clock since the work started.</summary>
    public TimeSpan Elapsed => _clock.Wall.GetElapsedTime(_startedAt);

    /// <summary>Gets the processor time the process has used since the work started.</summary>
    public TimeSpan ProcessorTime => _clock.ProcessorTime() - _startedProcessorTime;

    /// <summary>Starts timing a piece of work now.</summary>
    /// <param name="clock">The clocks.</param>
    /// <param name="limit">The limit, above zero.</param>
    public static WorkLimit Start(WorkClock clock, TimeSpan limit) => new(clock, limit);

    /// <summary>Gets a value indicating whether the limit has passed (see the rule in the remarks).</summary>
    public bool HasPassed => Remaining <= TimeSpan.Zero;

    /// <summary>
    /// Gets the shortest time on the clock before the limit can pass; zero when it has passed. Processor time of one
    /// thread grows no faster than the clock, so waiting this long before looking again misses nothing the work itself does.
    /// </summary>
    public TimeSpan Remaining
    {
        get
        {
            TimeSpan elapsed = Elapsed;
            if (elapsed >= Backstop)
            {
                return TimeSpan.Zero;
            }

            // Both must pass, so the processor time is read only once the clock has passed the limit.
            TimeSpan untilWork = elapsed < Limit ? Limit - elapsed : Limit - ProcessorTime;
            TimeSpan untilBackstop = Backstop - elapsed;
            return untilWork <= TimeSpan.Zero ? TimeSpan.Zero : untilWork < untilBackstop ? untilWork : untilBackstop;
        }
    }

    /// <summary>Describes what passed, for a message: "used 31.2 s of processor time" or "took 300 s on the clock without finishing".</summary>
    public string Describe()
    {
        TimeSpan elapsed = Elapsed;
        return elapsed >= Backstop
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"took {elapsed.TotalSeconds:0.#} s on the clock ({BackstopFactor} times the limit) without finishing")
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"used {ProcessorTime.TotalSeconds:0.#} s of processor time");
    }
}

/// <summary>The clocks a <see cref="WorkLimit"/> reads: the wall clock, and the processor time of the process doing the work.</summary>
/// <param name="Wall">The wall clock.</param>
/// <param name="ProcessorTime">The processor time the process doing the work has used so far (user and system).</param>
internal sealed record WorkClock(TimeProvider Wall, Func<TimeSpan> ProcessorTime)
{
    /// <summary>Gets the clocks of this process: the system clock and <see cref="Environment.CpuUsage"/>.</summary>
    public static WorkClock ThisProcess { get; } = new(TimeProvider.System, static () => Environment.CpuUsage.TotalTime);
}
