using Microsoft.Extensions.Time.Testing;

namespace Alchemist.Tests.Shared;

/// <summary>A fake clock that also records the due time of every timer set on it (created, or changed to a finite time), so a test can wait until code is waiting (a retry's delay, a timeout) before it advances the clock.</summary>
internal sealed class RecordingTimeProvider : FakeTimeProvider
{
    private readonly List<TimeSpan> _waits = [];

    /// <summary>Gets the due times of the timers set so far, in order; <see cref="Timeout.InfiniteTimeSpan"/> for one created unset.</summary>
    public IReadOnlyList<TimeSpan> Waits
    {
        get
        {
            lock (_waits)
            {
                return [.. _waits];
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Record(dueTime);
        return new RecordingTimer(base.CreateTimer(callback, state, dueTime, period), this);
    }

    private void Record(TimeSpan dueTime)
    {
        lock (_waits)
        {
            _waits.Add(dueTime);
        }
    }

    /// <summary>Waits (in real time, at most 30 s) until the recorded timers meet a condition.</summary>
    public async Task WaitForTimersAsync(Func<IReadOnlyList<TimeSpan>, bool> condition)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition(Waits))
        {
            await Task.Delay(5, bound.Token);
        }
    }

    private sealed class RecordingTimer(ITimer inner, RecordingTimeProvider owner) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                owner.Record(dueTime);
            }

            return inner.Change(dueTime, period);
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
