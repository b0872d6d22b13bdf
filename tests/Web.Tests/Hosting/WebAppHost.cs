using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Npgsql;

namespace DaprPlatform.Web.Tests.Hosting;

/// <summary>
/// The web app in-process on its own DevHost sidecar (<see cref="SidecarAppHost{TProgram}"/>) with a real state store in
/// Postgres, and stand-ins for identity and workflows that answer like the real ones for the accounts below.
/// </summary>
public class WebAppHost : IAsyncLifetime
{
    public const string Email = "ada@example.com";
    public const string Password = "the right password 1";

    private readonly PostgresDatabase _state = new("webstate");
    private SidecarAppHost<Program>? _host;
    private int _issued;

    /// <summary>Refresh tokens identity refuses (revoked, reused).</summary>
    public ConcurrentDictionary<string, bool> RevokedRefreshTokens { get; } = new(StringComparer.Ordinal);

    /// <summary>Every request identity's stand-in received: "METHOD path" with the Authorization header and body.</summary>
    public ConcurrentQueue<(string Route, string? Authorization, string Body)> IdentityRequests { get; } = new();

    /// <summary>The one export reports' stand-in has (for the signed-in person): its id and PDF bytes.</summary>
    public static readonly Guid KnownExportId = Guid.Parse("0193b0c4-1d2e-7f30-8a41-52b3c4d5e6f7");

    public static readonly byte[] KnownExportPdf = "%PDF-1.7 the owner's report"u8.ToArray();

    /// <summary>Every request reports' stand-in received: path and Authorization header.</summary>
    public ConcurrentQueue<(string Path, string? Authorization)> ReportsRequests { get; } = new();

    /// <summary>Access token lifetime identity's stand-in hands out (seconds).</summary>
    public int AccessTokenLifetime { get; set; } = 900;

    protected virtual int SignInPermitLimit => 10_000;

    public SidecarAppHost<Program> Host => _host ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        await _state.InitializeAsync();
        _host = await SidecarAppHost<Program>.StartAsync(new SidecarAppHostOptions
        {
            AppId = "web",
            Prefix = "web",
            StandIns = new Dictionary<string, Action<WebApplication>> { ["identity"] = MapIdentity, ["workflows"] = MapWorkflows, ["reports"] = MapReports },
            Components = new Dictionary<string, string> { ["statestore.yaml"] = ComponentYaml.PostgresStateStore(_state.ConnectionString) },
            Settings = new Dictionary<string, string> { ["Web:SignInRateLimit:PermitLimit"] = SignInPermitLimit.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        });
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await _state.DisposeAsync();
    }

    /// <summary>A browser-like client: no redirects followed, cookies kept by hand (the session cookie is Secure, sent here over loopback http).</summary>
    public Visitor NewVisitor() => new(NewVisitorBase());

    public Uri NewVisitorBase() => new($"http://127.0.0.1:{Host.AppPort}");

    /// <summary>The state store's keys that hold browser sessions, with their expiry.</summary>
    public async Task<IReadOnlyList<(string Key, DateTime? ExpiresAt)>> StoredSessionsAsync()
    {
        await using var connection = new NpgsqlConnection(_state.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT key, expiredate FROM state WHERE key LIKE '%browser-session-%'", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var sessions = new List<(string, DateTime?)>();
        while (await reader.ReadAsync())
        {
            sessions.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetDateTime(1)));
        }

        return sessions;
    }

    public int CountIdentity(string route) => IdentityRequests.Count(r => r.Route == route);

    private (string Access, string Refresh) Issue()
    {
        var n = Interlocked.Increment(ref _issued);
        return ($"access-{n}", $"refresh-{n}");
    }

    private void MapIdentity(WebApplication app) => app.Run(async http =>
    {
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync(http.RequestAborted);
        var route = $"{http.Request.Method} {http.Request.Path}";
        IdentityRequests.Enqueue((route, http.Request.Headers.Authorization.FirstOrDefault(), body));
        var json = body.Length > 0 ? JsonDocument.Parse(body).RootElement : default;
        string? Field(string name) => json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        IResult result = route switch
        {
            "POST /api/auth/login" when string.IsNullOrEmpty(Field("email")) || string.IsNullOrEmpty(Field("password")) =>
                Results.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["email"] = string.IsNullOrEmpty(Field("email")) ? ["Email is required."] : [],
                    ["password"] = string.IsNullOrEmpty(Field("password")) ? ["Password is required."] : [],
                }.Where(e => e.Value.Length > 0).ToDictionary()),
            "POST /api/auth/login" when Field("email") == Email && Field("password") == Password => Tokens(Issue()),
            "POST /api/auth/login" => Results.Problem(title: "Authentication is required.", detail: "The email or password is incorrect.", statusCode: 401),
            "POST /api/auth/refresh" when Field("refreshToken") is { } token && !RevokedRefreshTokens.ContainsKey(token) =>
                Rotate(token),
            "POST /api/auth/refresh" => Results.Problem(title: "Authentication is required.", detail: "The refresh token is not valid.", statusCode: 401),
            "POST /api/auth/logout" when http.Request.Headers.Authorization.Count == 0 => Results.StatusCode(401),
            "POST /api/auth/logout" => Revoke(Field("refreshToken")),
            "GET /api/auth/me" => Results.Json(new { id = Guid.Parse("01a24e34-bf4c-7bcf-b8b0-342af3975165"), email = Email, displayName = "Ada", role = "student", createdAt = DateTimeOffset.UnixEpoch }),
            _ => Results.StatusCode(500),
        };
        await result.ExecuteAsync(http);
    });

    private IResult Tokens((string Access, string Refresh) pair) =>
        Results.Json(new { accessToken = pair.Access, refreshToken = pair.Refresh, expiresIn = AccessTokenLifetime, tokenType = "Bearer" });

    private IResult Rotate(string token)
    {
        // Rotation as identity does it: the presented token is spent.
        RevokedRefreshTokens[token] = true;
        return Tokens(Issue());
    }

    private IResult Revoke(string? token)
    {
        if (token is not null)
        {
            RevokedRefreshTokens[token] = true;
        }

        return Results.NoContent();
    }

    /// <summary>reports' owner download: the known export's PDF for a bearer token, 404 for any other export, 401 without a token.</summary>
    private void MapReports(WebApplication app) => app.MapGet("/api/reports/exports/{id:guid}/file", (Guid id, HttpContext http) =>
    {
        var authorization = http.Request.Headers.Authorization.FirstOrDefault();
        ReportsRequests.Enqueue((http.Request.Path, authorization));
        return authorization?.StartsWith("Bearer access-", StringComparison.Ordinal) != true ? Results.Problem(statusCode: 401)
            : id == KnownExportId ? Results.File(KnownExportPdf, "application/pdf", "some-channel-report.pdf")
            : Results.Problem(statusCode: 404, detail: $"Export {id} was not found.");
    });

    /// <summary>A browser signed in as <see cref="Email"/>.</summary>
    public async Task<Visitor> SignedInVisitorAsync()
    {
        var visitor = NewVisitor();
        var (response, _) = await visitor.PostFormAsync("/account/sign-in", "/account/sign-in",
            new Dictionary<string, string> { ["_handler"] = "sign-in", ["Input.Email"] = Email, ["Input.Password"] = Password });
        response.StatusCode.Should().Be(HttpStatusCode.Found);
        return visitor;
    }

    private static void MapWorkflows(WebApplication app) => app.MapPost("/api/onboarding", () =>
        Results.ValidationProblem(new Dictionary<string, string[]> { ["email"] = ["'not-an-email' is not a valid email address."] }));
}

/// <summary>Sign-in limited to 3 posts a minute, for the test of the limit.</summary>
public sealed class RateLimitedWebAppHost : WebAppHost
{
    protected override int SignInPermitLimit => 3;
}

/// <summary>One browser: its cookies, the form's antiforgery token, no redirects followed.</summary>
public sealed partial class Visitor(Uri baseAddress) : IDisposable
{
    private readonly HttpClient _client = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = baseAddress };

    public Dictionary<string, string> Cookies { get; } = new(StringComparer.Ordinal);

    public List<string> SetCookieHeaders { get; } = [];

    public async Task<(HttpResponseMessage Response, string Body)> GetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendAsync(request);
    }

    /// <summary>Loads <paramref name="formPage"/> for its antiforgery token, then posts the form to <paramref name="action"/>.</summary>
    public async Task<(HttpResponseMessage Response, string Body)> PostFormAsync(string formPage, string action, IDictionary<string, string> fields, bool withAntiforgery = true)
    {
        var (_, page) = await GetAsync(formPage);
        var form = new Dictionary<string, string>(fields);
        if (withAntiforgery)
        {
            form["__RequestVerificationToken"] = AntiforgeryToken().Match(page) is { Success: true } match
                ? WebUtility.HtmlDecode(match.Groups[1].Value)
                : throw new InvalidOperationException($"{formPage} has no antiforgery token.");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, action) { Content = new FormUrlEncodedContent(form) };
        return await SendAsync(request);
    }

    private async Task<(HttpResponseMessage, string)> SendAsync(HttpRequestMessage request)
    {
        if (Cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", Cookies.Select(c => $"{c.Key}={c.Value}")));
        }

        var response = await _client.SendAsync(request);
        // A rejected form is sent on to the page that explains it, as a browser would follow it.
        if (response.StatusCode == HttpStatusCode.SeeOther && response.Headers.Location is { } location)
        {
            using var follow = new HttpRequestMessage(HttpMethod.Get, location);
            response.Dispose();
            return await SendAsync(follow);
        }

        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var header in setCookies)
            {
                SetCookieHeaders.Add(header);
                var pair = header.Split(';')[0];
                var name = pair[..pair.IndexOf('=', StringComparison.Ordinal)];
                var value = pair[(name.Length + 1)..];
                var expired = header.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase);
                if (value.Length == 0 || expired) { Cookies.Remove(name); } else { Cookies[name] = value; }
            }
        }

        return (response, await response.Content.ReadAsStringAsync());
    }

    public void Dispose() => _client.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
