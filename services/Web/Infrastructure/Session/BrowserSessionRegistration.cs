using Dapr.Client;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Web.Infrastructure.Session;

public static class BrowserSessionRegistration
{
    public const string CookieName = "__Host-daprplatform";

    /// <summary>
    /// Cookie authentication over server-side sessions: the cookie is HTTP-only, secure, same-site strict and carries only the
    /// session id; every request checks the session still exists (signed out elsewhere, revoked, past its absolute lifetime).
    /// </summary>
    public static IServiceCollection AddBrowserSessions(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<BrowserSessionOptions>(configuration.GetSection(BrowserSessionOptions.SectionName));
        services.AddSingleton<BrowserSessionStore>();
        services.AddSingleton<SessionRefreshGate>();
        services.AddSingleton<IdentityTokens>();
        services.AddHttpContextAccessor();
        services.AddScoped<AccessTokens>();
        services.AddScoped<BrowserSignIn>();

        // ServiceDefaults makes JWT bearer the default scheme for APIs; people reach this app with the cookie.
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.DefaultAuthenticateScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.DefaultChallengeScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            })
            .AddCookie();
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<BrowserSessionOptions>>((cookie, sessionOptions) =>
            {
                cookie.Cookie.Name = CookieName;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.Path = "/";
                cookie.ExpireTimeSpan = sessionOptions.Value.IdleTimeout;
                cookie.SlidingExpiration = true;
                cookie.LoginPath = "/account/sign-in";
                cookie.LogoutPath = "/account/sign-out";
                cookie.AccessDeniedPath = "/forbidden";
                cookie.ReturnUrlParameter = "returnUrl";
                cookie.Events.OnValidatePrincipal = ValidateSessionAsync;
            });
        services.AddCascadingAuthenticationState();

        services.AddDataProtection().SetApplicationName("daprplatform-web");
        services.AddOptions<KeyManagementOptions>()
            .Configure<DaprClient, IOptions<BrowserSessionOptions>>((keys, dapr, sessionOptions) =>
                keys.XmlRepository = new StateStoreKeyRing(dapr, sessionOptions.Value.StateStore));
        return services;
    }

    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var sessionId = context.Principal?.FindFirst(SessionClaims.SessionId)?.Value;
        var store = context.HttpContext.RequestServices.GetRequiredService<BrowserSessionStore>();
        if (sessionId is null || await store.GetAsync(sessionId, context.HttpContext.RequestAborted) is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }
}
