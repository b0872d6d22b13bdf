using DaprPlatform.Web.Infrastructure.Services;
using DaprPlatform.Web.Infrastructure.Session;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

namespace DaprPlatform.Web.Features.Account;

/// <summary>The account steps that must answer with a real HTTP response (they set or clear the cookie).</summary>
public static class AccountEndpoints
{
    public static IServiceCollection AddAccountFeatures(this IServiceCollection services) =>
        services.AddSingleton<PendingSignUps>();

    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/account").ExcludeFromDescription();

        // A form post with the antiforgery token (the [FromForm] parameter makes the middleware check it).
        account.MapPost("/sign-out", async (HttpContext http, BrowserSignIn signIn, [FromForm] string? returnUrl, CancellationToken ct) =>
        {
            await signIn.SignOutAsync(http, ct);
            return TypedResults.LocalRedirect(LocalReturnUrl.Or(returnUrl, "/"));
        });

        // The onboarding page comes here once the saga completed; the pending sign-up (in this browser's cookie) signs the person in.
        account.MapGet("/sign-up/complete", async (HttpContext http, PendingSignUps pending, ServiceCalls services, BrowserSignIn signIn,
            [FromQuery] string? instance, CancellationToken ct) =>
        {
            var taken = await pending.TakeAsync(http.Request.Cookies[PendingSignUps.CookieName], ct);
            http.Response.Cookies.Delete(PendingSignUps.CookieName, PendingSignUps.CookieOptions());
            if (taken is not { } signUp || !string.Equals(signUp.Pending.InstanceId, instance, StringComparison.Ordinal))
            {
                return TypedResults.LocalRedirect("/account/sign-in");
            }

            var status = await services.GetAsync<OnboardingStatus>(OnboardingStatus.AppId, OnboardingStatus.PathFor(signUp.Pending.InstanceId), ct);
            var problem = status.Succeeded && status.Value.Completed
                ? await signIn.SignInAsync(http, signUp.Pending.Email, signUp.Password, ct)
                : status.Problem ?? ApiProblem.Read(System.Net.HttpStatusCode.Conflict, null);
            return problem is null
                ? TypedResults.LocalRedirect("/")
                : TypedResults.LocalRedirect($"/account/sign-in?email={Uri.EscapeDataString(signUp.Pending.Email)}");
        });

        // After the profile page changed the name: the cookie's copy is re-issued from the session.
        account.MapGet("/renew", async (HttpContext http, BrowserSessionStore sessions, [FromQuery] string? returnUrl, CancellationToken ct) =>
        {
            var sessionId = http.User.FindFirst(SessionClaims.SessionId)?.Value;
            if (sessionId is not null && await sessions.GetAsync(sessionId, ct) is { } session)
            {
                await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, SessionClaims.For(session));
            }

            return TypedResults.LocalRedirect(LocalReturnUrl.Or(returnUrl, "/"));
        }).RequireAuthorization();
        return app;
    }
}
