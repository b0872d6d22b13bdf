namespace DaprPlatform.Messaging.Domain;

/// <summary>Why a participant may not change a message; each maps to its own answer (403 or 409).</summary>
public enum MessagingRule
{
    /// <summary>Only the sender edits or deletes a message.</summary>
    NotSender,

    /// <summary>The edit window after sending has passed.</summary>
    EditWindowClosed,

    /// <summary>A deleted message cannot be edited.</summary>
    MessageDeleted,
}

public sealed class MessagingRuleViolation(MessagingRule rule, string message) : Exception(message)
{
    public MessagingRule Rule { get; } = rule;
}
