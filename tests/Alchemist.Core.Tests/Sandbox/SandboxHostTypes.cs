namespace Alchemist.Tests.Sandbox;

/// <summary>The channel a support ticket came through; a host enum that programs see through the item type.</summary>
public enum TicketChannel
{
    Email,
    Chat,
    Phone,
}

/// <summary>A host record used as the item type of sandboxed programs in tests.</summary>
public sealed record Ticket(string Subject, string Body, int Priority, TicketChannel Channel, IReadOnlyList<string> Tags)
{
    /// <summary>Gets or sets a settable property, which programs must not assign.</summary>
    public string? Assignee { get; set; }

    /// <summary>Gets a static member, which programs must not use.</summary>
    public static int Created => 42;

    /// <summary>A public instance method programs may call.</summary>
    public string Summary() => Subject + ": " + Body;
}

/// <summary>
/// A host item whose <see cref="Word"/> sleeps on its first calls, standing in for a machine that pauses a thread
/// (a busy machine, a garbage collection) while a program's regular expression is matching.
/// </summary>
public sealed class PausingItem(string text, int pauses, TimeSpan pause)
{
    private int _pausesLeft = pauses;
    private int _calls;

    /// <summary>Gets the text of the item.</summary>
    public string Text { get; } = text;

    /// <summary>Gets the number of calls of <see cref="Word"/> so far.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Returns a word, after sleeping if pauses are left.</summary>
    public string Word()
    {
        Interlocked.Increment(ref _calls);
        if (Interlocked.Decrement(ref _pausesLeft) >= 0)
        {
            Thread.Sleep(pause);
        }

        return "x";
    }
}

/// <summary>A host type that declares a nested item type.</summary>
public static class Inbox
{
    /// <summary>A message, nested in <see cref="Inbox"/>.</summary>
    public sealed record Message(string Text, int Likes);
}

/// <summary>A generic host item: the payload and its text.</summary>
/// <typeparam name="T">The payload's type.</typeparam>
public sealed record Envelope<T>(string Text, int Likes, T Payload);
