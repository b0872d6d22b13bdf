namespace DaprPlatform.Web.Infrastructure.Session;

/// <summary>
/// One signed-in browser, kept server-side in the Dapr state store under <see cref="Id"/>; the browser's cookie carries only
/// that id (and the person's name and role for the page). Tokens never leave this app.
/// </summary>
public sealed record BrowserSession(
    string Id,
    Guid UserId,
    string Email,
    string DisplayName,
    string Role,
    string AccessToken,
    DateTimeOffset AccessTokenExpiresAt,
    string RefreshToken,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt)
{
    public bool HasEnded(DateTimeOffset now) => now >= ExpiresAt;

    /// <summary>The access token is still good for at least <paramref name="margin"/> (a call made now will not meet its expiry).</summary>
    public bool AccessTokenFreshFor(DateTimeOffset now, TimeSpan margin) => AccessTokenExpiresAt - now > margin;

    public BrowserSession WithTokens(TokenPair tokens, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        return this with
        {
            AccessToken = tokens.AccessToken,
            AccessTokenExpiresAt = now.AddSeconds(tokens.ExpiresIn),
            RefreshToken = tokens.RefreshToken,
        };
    }
}

/// <summary>Identity's answer to a login or a refresh.</summary>
public sealed record TokenPair(string AccessToken, string RefreshToken, int ExpiresIn);

/// <summary>Identity's view of the signed-in person (<c>GET /api/auth/me</c>).</summary>
public sealed record SignedInUser(Guid Id, string Email, string DisplayName, string Role, DateTimeOffset CreatedAt);
