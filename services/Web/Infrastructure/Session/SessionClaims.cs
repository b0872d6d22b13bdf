using System.Security.Claims;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Web.Infrastructure.Session;

/// <summary>What the cookie says about the person: the session id (the key to everything else) and what the page shows.</summary>
public static class SessionClaims
{
    public const string SessionId = "sid";

    public static ClaimsPrincipal For(BrowserSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var identity = new ClaimsIdentity(
            [
                new Claim(SessionId, session.Id),
                new Claim(PlatformClaims.Subject, session.UserId.ToString()),
                new Claim(PlatformClaims.Email, session.Email),
                new Claim(PlatformClaims.Name, session.DisplayName),
                new Claim(PlatformClaims.Role, session.Role),
            ],
            authenticationType: "browser-session",
            nameType: PlatformClaims.Name,
            roleType: PlatformClaims.Role);
        return new ClaimsPrincipal(identity);
    }

}
