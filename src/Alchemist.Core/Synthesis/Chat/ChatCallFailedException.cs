namespace Alchemist;

/// <summary>The exception a <see cref="ResilientChatClient"/> throws when a chat call failed for good: its retries were used up, the failure was not transient, or the circuit was open.</summary>
/// <remarks>
/// <see cref="Exception.InnerException"/> is the provider's last failure (for an open circuit, the failure that came
/// before), so the provider's own message is never lost; <see cref="Resilience"/> says how many retries and timeouts
/// the call had.
/// </remarks>
public sealed class ChatCallFailedException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="ChatCallFailedException"/> class.</summary>
    public ChatCallFailedException()
        : this("The chat call failed.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ChatCallFailedException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public ChatCallFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ChatCallFailedException"/> class with a message and the failure behind it.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The provider's failure.</param>
    public ChatCallFailedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ChatCallFailedException"/> class with everything the resilient client knows.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The provider's last failure.</param>
    /// <param name="resilience">The retries, timeouts and waits of the call.</param>
    /// <param name="circuitOpen">Whether the call was refused because the circuit was open.</param>
    public ChatCallFailedException(string message, Exception? innerException, ChatCallResilience resilience, bool circuitOpen)
        : base(message, innerException)
    {
        Resilience = resilience;
        CircuitOpen = circuitOpen;
    }

    /// <summary>Gets the retries, timeouts and waits of the call.</summary>
    public ChatCallResilience Resilience { get; }

    /// <summary>Gets a value indicating whether the call was refused (or its retries stopped) because the circuit breaker was open after repeated failures.</summary>
    public bool CircuitOpen { get; }
}
