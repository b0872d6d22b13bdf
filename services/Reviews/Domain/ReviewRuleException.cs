namespace DaprPlatform.Reviews.Domain;

/// <summary>Which rule of a review an action broke; each is a 409 problem with its own <c>type</c>.</summary>
public enum ReviewRule
{
    EditWindowClosed,
    AlreadyReplied,
    AlreadyFlagged,
    Deleted,
}

/// <summary>An action the review's current state does not allow; nothing was changed.</summary>
public sealed class ReviewRuleException(Guid reviewId, ReviewRule rule, string message) : InvalidOperationException(message)
{
    public Guid ReviewId { get; } = reviewId;

    public ReviewRule Rule { get; } = rule;
}
