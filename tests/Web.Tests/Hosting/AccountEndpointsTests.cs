using System.Net;
using System.Security.Claims;
using DaprPlatform.Web.Infrastructure.Session;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Web.Tests.Hosting;

/// <summary>The account steps over real HTTP: the cookie, the server-side session in the state store, bad input changing nothing.</summary>
public sealed class AccountEndpointsTests(WebAppHost web) : IClassFixture<WebAppHost>
{
    private static Dictionary<string, string> SignInForm(string email, string password, string? returnUrl = null)
    {
        var form = new Dictionary<string, string> { ["_handler"] = "sign-in", ["Input.Email"] = email, ["Input.Password"] = password };
        if (returnUrl is not null) { form["Input.ReturnUrl"] = returnUrl; }
        return form;
    }

    /// <summary>Where a redirect goes, resolved against this site (the app answers relative and absolute locations).</summary>
    private Uri Target(HttpResponseMessage response) => new(web.NewVisitorBase(), response.Headers.Location!);

    private async Task<Visitor> SignedInAsync()
    {
        var visitor = web.NewVisitor();
        var (response, _) = await visitor.PostFormAsync("/account/sign-in", "/account/sign-in", SignInForm(WebAppHost.Email, WebAppHost.Password));
        response.StatusCode.Should().Be(HttpStatusCode.Found);
        visitor.Cookies.Should().ContainKey(BrowserSessionRegistration.CookieName);
        return visitor;
    }

    [Fact]
    public async Task Signing_in_keeps_the_tokens_server_side_and_gives_the_browser_only_a_strict_secure_http_only_cookie()
    {
        var before = (await web.StoredSessionsAsync()).Count;
        using var visitor = web.NewVisitor();

        var (response, body) = await visitor.PostFormAsync("/account/sign-in", "/account/sign-in",
            SignInForm(WebAppHost.Email, WebAppHost.Password, returnUrl: "/channels"));

        response.StatusCode.Should().Be(HttpStatusCode.Found);
        Target(response).AbsolutePath.Should().Be("/channels");
        var cookie = visitor.SetCookieHeaders.Should().ContainSingle(h => h.StartsWith(BrowserSessionRegistration.CookieName + "=", StringComparison.Ordinal)).Subject;
        cookie.Should().ContainAll("secure", "httponly", "samesite=strict", "path=/");
        cookie.Should().NotContainAny("expires=", "max-age", "domain=");
        string.Join("\n", response.Headers.Select(h => $"{h.Key}: {string.Join(",", h.Value)}")).Should().NotContain("access-").And.NotContain("refresh-");
        body.Should().NotContain("access-").And.NotContain("refresh-");

        var sessions = await web.StoredSessionsAsync();
        sessions.Should().HaveCount(before + 1);
        sessions.Should().OnlyContain(s => s.ExpiresAt != null, "every session has a TTL in the state store");
    }

    public static TheoryData<string, Dictionary<string, string>, bool, int, string> BadSignIns => new()
    {
        { "no email or password", SignInForm("", ""), true, 200, "Email is required." },
        { "wrong password", SignInForm(WebAppHost.Email, "not it"), true, 200, "The email or password is incorrect." },
        { "no antiforgery token", SignInForm(WebAppHost.Email, WebAppHost.Password), false, 400, "The form could not be accepted" },
    };

    [Theory]
    [MemberData(nameof(BadSignIns))]
    public async Task A_bad_sign_in_says_why_and_creates_no_session(string because, Dictionary<string, string> form, bool antiforgery, int status, string shown)
    {
        var before = (await web.StoredSessionsAsync()).Count;
        using var visitor = web.NewVisitor();

        var (response, body) = await visitor.PostFormAsync("/account/sign-in", "/account/sign-in", form, antiforgery);

        ((int)response.StatusCode).Should().Be(status, because);
        body.Should().Contain(shown, because);
        body.Should().NotContain("{\"", "a person never sees JSON");
        visitor.Cookies.Should().NotContainKey(BrowserSessionRegistration.CookieName, because);
        (await web.StoredSessionsAsync()).Should().HaveCount(before, because);
    }

    [Fact]
    public async Task A_foreign_return_url_is_not_followed()
    {
        using var visitor = web.NewVisitor();

        var (response, _) = await visitor.PostFormAsync("/account/sign-in", "/account/sign-in",
            SignInForm(WebAppHost.Email, WebAppHost.Password, returnUrl: "//evil.example/steal"));

        Target(response).Should().Be(new Uri(web.NewVisitorBase(), "/"));
    }

    [Fact]
    public async Task Signing_out_needs_the_forms_token_then_revokes_the_refresh_token_and_forgets_the_session()
    {
        using var visitor = await SignedInAsync();
        var sessions = (await web.StoredSessionsAsync()).Count;

        var (forged, forgedBody) = await visitor.PostFormAsync("/", "/account/sign-out", new Dictionary<string, string>(), withAntiforgery: false);
        forged.StatusCode.Should().Be(HttpStatusCode.BadRequest, "a cross-site post cannot sign a person out");
        forgedBody.Should().Contain("The form could not be accepted");
        (await web.StoredSessionsAsync()).Should().HaveCount(sessions);

        var logouts = web.CountIdentity("POST /api/auth/logout");
        var (response, _) = await visitor.PostFormAsync("/account/sign-in", "/account/sign-out", new Dictionary<string, string>());

        response.StatusCode.Should().Be(HttpStatusCode.Found);
        visitor.Cookies.Should().NotContainKey(BrowserSessionRegistration.CookieName);
        (await web.StoredSessionsAsync()).Should().HaveCount(sessions - 1);
        web.CountIdentity("POST /api/auth/logout").Should().Be(logouts + 1);
        web.IdentityRequests.Last(r => r.Route == "POST /api/auth/logout").Authorization.Should().StartWith("Bearer access-", "identity wants the owner's access token with a logout");
    }

    public static TheoryData<string, string> AccountStepsWithoutTheirPrecondition => new()
    {
        { "/account/sign-up/complete?instance=0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e", "/account/sign-in" },
        { "/account/renew?returnUrl=%2Faccount%2Fprofile", "/account/sign-in" },
    };

    [Theory]
    [MemberData(nameof(AccountStepsWithoutTheirPrecondition))]
    public async Task An_account_step_without_its_cookie_sends_the_person_to_sign_in_and_changes_nothing(string path, string redirectedTo)
    {
        var before = (await web.StoredSessionsAsync()).Count;
        using var visitor = web.NewVisitor();

        var (response, _) = await visitor.GetAsync(path);

        response.StatusCode.Should().Be(HttpStatusCode.Found);
        Target(response).AbsolutePath.Should().Be(redirectedTo);
        (await web.StoredSessionsAsync()).Should().HaveCount(before);
    }

    [Fact]
    public async Task A_refused_sign_up_shows_the_field_error_and_keeps_no_pending_sign_up()
    {
        using var visitor = web.NewVisitor();

        var (response, body) = await visitor.PostFormAsync("/account/sign-up", "/account/sign-up", new Dictionary<string, string>
        {
            ["_handler"] = "sign-up", ["Input.DisplayName"] = "Ada", ["Input.Email"] = "not-an-email", ["Input.Password"] = WebAppHost.Password, ["Input.Role"] = "student",
        });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        body.Should().Contain("id=\"email-error\"").And.Contain("&#x27;not-an-email&#x27; is not a valid email address.");
        body.Should().MatchRegex("id=\"email\"[^>]*aria-invalid=\"true\"");
        visitor.Cookies.Should().NotContainKey("__Host-daprplatform-signup");
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/account/sign-in")]
    [InlineData("/no-such-page")]
    public async Task Every_page_carries_the_security_headers(string path)
    {
        using var visitor = web.NewVisitor();

        var (response, body) = await visitor.GetAsync(path);

        response.Headers.GetValues("Content-Security-Policy").Single().Should().Contain("default-src 'self'").And.Contain("frame-ancestors 'none'").And.NotContain("unsafe-eval");
        response.Headers.GetValues("X-Content-Type-Options").Single().Should().Be("nosniff");
        response.Headers.GetValues("X-Frame-Options").Single().Should().Be("DENY");
        response.Headers.GetValues("Referrer-Policy").Single().Should().Be("strict-origin-when-cross-origin");
        body.Should().StartWith("<!DOCTYPE html>");
    }

    [Fact]
    public async Task Concurrent_calls_with_an_expiring_token_refresh_it_once_and_a_refused_refresh_ends_the_session()
    {
        web.AccessTokenLifetime = 30; // inside the 60 s refresh margin: the first call refreshes
        try
        {
            using var visitor = await SignedInAsync();
            web.AccessTokenLifetime = 900;
            var sessionId = (await web.StoredSessionsAsync()).Select(s => s.Key).Last();
            var id = sessionId[(sessionId.IndexOf("browser-session-", StringComparison.Ordinal) + "browser-session-".Length)..];
            var refreshes = web.CountIdentity("POST /api/auth/refresh");

            var tokens = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => TokenForAsync(id)));

            web.CountIdentity("POST /api/auth/refresh").Should().Be(refreshes + 1, "one refresh per session at a time; a second would present a spent token");
            tokens.Should().OnlyContain(t => t == tokens[0]).And.NotContainNulls();

            // Identity refuses the next refresh (the family was revoked elsewhere): the session ends.
            var store = web.Host.App.Services.GetRequiredService<BrowserSessionStore>();
            var session = await store.GetAsync(id, CancellationToken.None);
            web.RevokedRefreshTokens[session!.RefreshToken] = true;
            await store.SaveAsync(session with { AccessTokenExpiresAt = DateTimeOffset.UtcNow }, CancellationToken.None);
            (await TokenForAsync(id)).Should().BeNull();
            (await store.GetAsync(id, CancellationToken.None)).Should().BeNull();
        }
        finally
        {
            web.AccessTokenLifetime = 900;
        }
    }

    /// <summary>The access token a request of that session would carry (as a component or endpoint of the app asks for it).</summary>
    private async Task<string?> TokenForAsync(string sessionId)
    {
        await using var scope = web.Host.App.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<IHttpContextAccessor>().HttpContext = new DefaultHttpContext
        {
            User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(SessionClaims.SessionId, sessionId)], "test")),
        };
        return await scope.ServiceProvider.GetRequiredService<AccessTokens>().GetAsync(CancellationToken.None);
    }
}

/// <summary>The web app limits sign-in posts per client address itself (it calls identity past the gateway's limits).</summary>
public sealed class SignInRateLimitTests(RateLimitedWebAppHost web) : IClassFixture<RateLimitedWebAppHost>
{
    [Fact]
    public async Task Posts_beyond_the_limit_get_429_and_the_too_many_attempts_page()
    {
        using var visitor = web.NewVisitor();
        var form = new Dictionary<string, string> { ["_handler"] = "sign-in", ["Input.Email"] = WebAppHost.Email, ["Input.Password"] = "guess" };
        for (var i = 0; i < 3; i++)
        {
            var (allowed, _) = await visitor.PostFormAsync("/account/sign-in", "/account/sign-in", form);
            allowed.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        var (limited, body) = await visitor.PostFormAsync("/account/sign-in", "/account/sign-in", form);

        limited.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        body.Should().Contain("Too many attempts");
        web.CountIdentity("POST /api/auth/login").Should().Be(3, "the limited post never reached identity");
    }
}
