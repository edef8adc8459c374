namespace Alchemist.Tests.Sandbox;

/// <summary>
/// The per-thread budget state of <see cref="SandboxRuntime"/>: one object per thread, reused by every call, so these
/// check what that must not change: program code outside a call has no budget, a call nested in another one gets its
/// own budget and gives the outer one back untouched, and an overrun does not outlive its call.
/// </summary>
public class SandboxRuntimeTests
{
    private static readonly SandboxOptions TenSteps = new() { StepBudget = 10 };

    [Fact]
    public void Step_OnAThreadThatNeverRanACall_ThrowsOutsideACall()
    {
        Exception? step = null, enter = null, size = null;
        var thread = new Thread(() =>
        {
            step = Record.Exception(SandboxRuntime.Step);
            enter = Record.Exception(SandboxRuntime.Enter);
            size = Record.Exception(() => SandboxRuntime.Size(100, 4));
        });
        thread.Start();
        thread.Join();

        Assert.All([step, enter, size], e => Assert.Contains("ran outside a call", Assert.IsType<ProgramBudgetExceededException>(e).Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Step_AfterTheCallEnded_ThrowsOutsideACall()
    {
        SandboxRuntime.BudgetFrame saved = SandboxRuntime.Begin(TenSteps);
        SandboxRuntime.Step();
        SandboxRuntime.End(saved);

        var exception = Assert.Throws<ProgramBudgetExceededException>(SandboxRuntime.Step);

        Assert.Contains("ran outside a call", exception.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMilliseconds(100), SandboxRuntime.RegexTimeout);
    }

    [Fact]
    public void Begin_InsideAnotherCall_GivesTheOuterCallItsBudgetBack()
    {
        SandboxRuntime.BudgetFrame outer = SandboxRuntime.Begin(TenSteps);
        try
        {
            for (int i = 0; i < 3; i++)
            {
                SandboxRuntime.Step();
            }

            SandboxRuntime.BudgetFrame inner = SandboxRuntime.Begin(new SandboxOptions { StepBudget = 2, RegexMatchTimeout = TimeSpan.FromMilliseconds(7) });
            Assert.Equal(TimeSpan.FromMilliseconds(7), SandboxRuntime.RegexTimeout);
            SandboxRuntime.Step();
            SandboxRuntime.Step();
            Assert.Throws<ProgramBudgetExceededException>(SandboxRuntime.Step);
            Assert.False(SandboxRuntime.CanCatch(new InvalidOperationException()));
            SandboxRuntime.End(inner);

            Assert.True(SandboxRuntime.CanCatch(new InvalidOperationException()));
            Assert.Equal(TimeSpan.FromMilliseconds(100), SandboxRuntime.RegexTimeout);
            for (int i = 0; i < 7; i++)
            {
                SandboxRuntime.Step();
            }

            var overrun = Assert.Throws<ProgramBudgetExceededException>(SandboxRuntime.Step);
            Assert.Equal(ProgramBudgetKind.Steps, overrun.Kind);
            Assert.Equal(10, overrun.Limit);
        }
        finally
        {
            SandboxRuntime.End(outer);
        }
    }

    [Fact]
    public void Begin_AfterACallOverran_StartsAFreshBudget()
    {
        SandboxRuntime.BudgetFrame first = SandboxRuntime.Begin(TenSteps);
        Assert.Throws<ProgramBudgetExceededException>(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                SandboxRuntime.Step();
            }
        });
        Assert.False(SandboxRuntime.CanCatch(new InvalidOperationException()));
        SandboxRuntime.End(first);

        SandboxRuntime.BudgetFrame second = SandboxRuntime.Begin(TenSteps);
        try
        {
            for (int i = 0; i < 10; i++)
            {
                SandboxRuntime.Step();
            }

            Assert.True(SandboxRuntime.CanCatch(new InvalidOperationException()));
        }
        finally
        {
            SandboxRuntime.End(second);
        }
    }

    [Fact]
    public void Enter_PastTheCallDepth_ThrowsAndExitGivesTheLevelBack()
    {
        SandboxRuntime.BudgetFrame saved = SandboxRuntime.Begin(new SandboxOptions { MaxCallDepth = 2 });
        try
        {
            SandboxRuntime.Enter();
            SandboxRuntime.Enter();
            SandboxRuntime.Exit();
            SandboxRuntime.Enter();

            var overrun = Assert.Throws<ProgramBudgetExceededException>(SandboxRuntime.Enter);

            Assert.Equal(ProgramBudgetKind.CallDepth, overrun.Kind);
            Assert.Equal(2, overrun.Limit);
        }
        finally
        {
            SandboxRuntime.End(saved);
        }
    }
}
