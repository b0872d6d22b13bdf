using DaprPlatform.Web.Infrastructure.Services;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Web.Infrastructure.Session;

/// <summary>Turns identity's tokens into a browser session (state store + cookie), and ends one.</summary>
public sealed class BrowserSignIn(
    IdentityTokens identity, BrowserSessionStore sessions, IOptions<BrowserSessionOptions> options, TimeProvider time)
{
    /// <summary>Logs in with identity and, on success, issues the session cookie on <paramref name="http"/>'s response.</summary>
    public async Task<ApiProblem?> SignInAsync(HttpContext http, string? email, string? password, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var tokens = await identity.LogInAsync(email, password, ct);
        if (!tokens.Succeeded)
        {
            return tokens.Problem;
        }

        var user = await identity.GetUserAsync(tokens.Value.AccessToken, ct);
        if (!user.Succeeded)
        {
            await identity.LogOutAsync(tokens.Value.AccessToken, tokens.Value.RefreshToken, ct);
            return user.Problem;
        }

        var now = time.GetUtcNow();
        var session = new BrowserSession(
            BrowserSessionStore.NewId(), user.Value.Id, user.Value.Email, user.Value.DisplayName, user.Value.Role,
            tokens.Value.AccessToken, now.AddSeconds(tokens.Value.ExpiresIn), tokens.Value.RefreshToken,
            now, now + options.Value.AbsoluteLifetime);
        await sessions.SaveAsync(session, ct);
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, SessionClaims.For(session),
            new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });
        return null;
    }

    /// <summary>Revokes the refresh token with identity, forgets the session and clears the cookie.</summary>
    public async Task SignOutAsync(HttpContext http, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var sessionId = http.User.FindFirst(SessionClaims.SessionId)?.Value;
        if (sessionId is not null && await sessions.GetAsync(sessionId, ct) is { } session)
        {
            await RevokeAsync(session, ct);
            await sessions.DeleteAsync(sessionId, ct);
        }

        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }

    private async Task RevokeAsync(BrowserSession session, CancellationToken ct)
    {
        var (access, refresh) = (session.AccessToken, session.RefreshToken);
        if (!session.AccessTokenFreshFor(time.GetUtcNow(), options.Value.RefreshMargin))
        {
            // Identity wants a valid access token with the logout; a refused refresh means there is nothing left to revoke.
            var renewed = await identity.RefreshAsync(refresh, ct);
            if (!renewed.Succeeded)
            {
                return;
            }

            (access, refresh) = (renewed.Value.AccessToken, renewed.Value.RefreshToken);
        }

        await identity.LogOutAsync(access, refresh, ct);
    }
}
