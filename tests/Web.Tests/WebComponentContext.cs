using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Bunit;
using Bunit.TestDoubles;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;
using DaprPlatform.Web.Infrastructure;
using DaprPlatform.Web.Infrastructure.Services;
using DaprPlatform.Web.Infrastructure.Session;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Radzen;

namespace DaprPlatform.Web.Tests;

/// <summary>
/// bUnit with the web app's real services: calls go through <see cref="ServiceCalls"/> to a <see cref="FakeSidecar"/> (answers set
/// per test with <see cref="Answer"/>), the browser's time zone is <see cref="BrowserZone"/>, the culture <see cref="Culture"/>.
/// </summary>
public abstract class WebComponentContext : BunitContext, IAsyncLifetime
{
    private FakeSidecar? _sidecar;

    /// <summary>How long a page may take to show what the fake sidecar answered (the machine is shared; bUnit's default is 1 s).</summary>
    protected static TimeSpan Patience { get; } = TimeSpan.FromSeconds(10);

    protected FakeSidecar Sidecar => _sidecar ?? throw new InvalidOperationException("Not started.");

    protected BunitAuthorizationContext Authorization { get; private set; } = default!;

    /// <summary>The IANA zone the fake browser reports.</summary>
    protected virtual string BrowserZone => "Europe/Berlin";

    protected virtual CultureInfo Culture => CultureInfo.GetCultureInfo("en-US");

    /// <summary>The culture is set here, not in <see cref="InitializeAsync"/>: a change made inside an async method does not flow back to the test.</summary>
    protected WebComponentContext()
    {
        CultureInfo.CurrentCulture = Culture;
        CultureInfo.CurrentUICulture = Culture;
    }

    public async Task InitializeAsync()
    {
        _sidecar = await FakeSidecar.StartAsync(recordBodies: true);
        _sidecar.Handler = context =>
        {
            context.Response.StatusCode = 404;
            return Task.CompletedTask;
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DAPR_HTTP_ENDPOINT"] = _sidecar.Endpoint.ToString().TrimEnd('/'),
            ["DAPR_GRPC_ENDPOINT"] = _sidecar.Endpoint.ToString().TrimEnd('/'),
        }).Build();
        Services.AddSingleton<IConfiguration>(configuration);
        Services.AddSingleton(TimeProvider.System);
        Services.AddDaprClient();
        Services.AddSingleton<AppInvocationClients>();
        Services.AddOptions<BrowserSessionOptions>();
        Services.AddSingleton<BrowserSessionStore>();
        Services.AddSingleton<SessionRefreshGate>();
        Services.AddSingleton<IdentityTokens>();
        Services.AddHttpContextAccessor();
        Services.AddScoped<AccessTokens>();
        Services.AddScoped<ServiceCalls>();
        Services.AddScoped<BrowserTimeZone>();
        Services.AddRadzenComponents();
        Services.AddLogging();
        JSInterop.Mode = JSRuntimeMode.Loose;
        JSInterop.Setup<string>("daprPlatform.timeZone").SetResult(BrowserZone);
        Authorization = AddAuthorization();
    }

    /// <summary>Signs in a person of <paramref name="role"/> (no session id: calls go without a token, as the fake needs none).</summary>
    protected Guid SignIn(string role, string name = "Test Person")
    {
        var userId = Guid.NewGuid();
        Authorization.SetAuthorized(name);
        Authorization.SetRoles(role);
        Authorization.SetClaims(new Claim(PlatformClaims.Subject, userId.ToString()), new Claim(PlatformClaims.Role, role));
        return userId;
    }

    /// <summary>The fake sidecar answers <paramref name="method"/> <c>/v1.0/invoke/{appId}/method/{path}</c> (query ignored) with JSON.</summary>
    protected void Answer(string appId, string method, string path, int status, string json = "")
    {
        var expected = $"/v1.0/invoke/{appId}/method/{path.TrimStart('/')}";
        Sidecar.Respond(r => r.Method == method && r.Path == expected ? new SidecarReply(status, json) : null);
    }

    /// <summary>Calls the page made to <paramref name="appId"/> (path and query), in order.</summary>
    protected IReadOnlyList<SidecarRequest> CallsTo(string appId) =>
        Sidecar.Received.Where(r => r.Path.StartsWith($"/v1.0/invoke/{appId}/method/", StringComparison.Ordinal)).ToList();

    /// <summary>RFC 9457 problem details as the services write them; <paramref name="errors"/> are field errors.</summary>
    protected static string Problem(int status, string title, string? detail = null, params (string Field, string Message)[] errors) =>
        JsonSerializer.Serialize(new
        {
            title, status, detail,
            errors = errors.Length == 0 ? null : errors.ToDictionary(e => e.Field, e => new[] { e.Message }),
        }, JsonSerializerOptions.Web);

    /// <summary>
    /// Runs a UI interaction again when the dashboard re-rendered between finding the element and firing its event (a live
    /// feed keeps reconnecting in these tests), as a person's second click would.
    /// </summary>
    protected static void Interact(Action interaction)
    {
        ArgumentNullException.ThrowIfNull(interaction);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                interaction();
                return;
            }
            catch (Exception e) when (attempt < 5 && e is Bunit.Rendering.UnknownEventHandlerIdException or Bunit.ElementRemovedFromDomException)
            {
                Thread.Sleep(50);
            }
        }
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (_sidecar is not null)
        {
            await _sidecar.DisposeAsync();
        }
    }
}
