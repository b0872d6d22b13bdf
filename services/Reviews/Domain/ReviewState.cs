namespace DaprPlatform.Reviews.Domain;

/// <summary>Where a review stands. Only visible reviews are public and count in a tutor's rating.</summary>
public enum ReviewState
{
    Visible,
    Hidden,
    Deleted,
}

public static class ReviewStateNames
{
    /// <summary>The name on the wire (API and events): visible, hidden, deleted.</summary>
    public static string ToWireName(this ReviewState state) => state switch
    {
        ReviewState.Visible => "visible",
        ReviewState.Hidden => "hidden",
        ReviewState.Deleted => "deleted",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };
}
