using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Web.Infrastructure.Session;

/// <summary>
/// The signed-in person's access token for a call, refreshed (identity rotates the refresh token) when it is about to expire.
/// Works in a static page and in an interactive circuit alike: both know the person from <see cref="AuthenticationStateProvider"/>,
/// whose principal carries the session id from the cookie.
/// </summary>
public sealed class AccessTokens(
    AuthenticationStateProvider authentication,
    BrowserSessionStore sessions,
    IdentityTokens identity,
    SessionRefreshGate gate,
    IOptions<BrowserSessionOptions> options,
    IHttpContextAccessor http,
    TimeProvider time,
    ILogger<AccessTokens> logger)
{
    /// <summary>The token, or null when nobody is signed in or the session has ended.</summary>
    public async Task<string?> GetAsync(CancellationToken ct)
    {
        var sessionId = (await CurrentUserAsync()).FindFirst(SessionClaims.SessionId)?.Value;
        if (sessionId is null)
        {
            return null;
        }

        var margin = options.Value.RefreshMargin;
        var session = await sessions.GetAsync(sessionId, ct);
        if (session is null || session.AccessTokenFreshFor(time.GetUtcNow(), margin))
        {
            return session?.AccessToken;
        }

        // One refresh per session at a time: a refresh token is good once, and presenting it twice revokes its family.
        using var turn = await gate.EnterAsync(sessionId, ct);
        session = await sessions.GetAsync(sessionId, ct);
        if (session is null || session.AccessTokenFreshFor(time.GetUtcNow(), margin))
        {
            return session?.AccessToken;
        }

        var refreshed = await identity.RefreshAsync(session.RefreshToken, ct);
        if (!refreshed.Succeeded)
        {
            if (refreshed.Problem.Status is 400 or 401)
            {
                // Revoked, expired or reused: the session cannot go on.
                logger.LogInformation("Session of user {UserId} ended: identity refused its refresh token", session.UserId);
                await sessions.DeleteAsync(sessionId, ct);
                return null;
            }

            // Identity unreachable: the old token may still work for a few seconds; the call will say if not.
            return session.AccessToken;
        }

        session = session.WithTokens(refreshed.Value, time.GetUtcNow());
        await sessions.SaveAsync(session, ct);
        return session.AccessToken;
    }

    /// <summary>
    /// Components (static or interactive) know the person from the authentication state; a plain endpoint (the account steps)
    /// has no component scope, and there the request's own user is the person.
    /// </summary>
    private async Task<System.Security.Claims.ClaimsPrincipal> CurrentUserAsync()
    {
        try
        {
            return (await authentication.GetAuthenticationStateAsync()).User;
        }
        catch (InvalidOperationException) when (http.HttpContext is { } context)
        {
            return context.User;
        }
    }
}
