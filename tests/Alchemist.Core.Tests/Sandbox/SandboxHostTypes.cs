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
