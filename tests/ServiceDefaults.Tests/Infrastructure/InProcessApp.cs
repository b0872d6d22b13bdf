using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.ServiceDefaults.Tests.Infrastructure;

/// <summary>
/// A tiny minimal-API app wired exactly as a service wires itself (AddServiceDefaults + UseServiceDefaults),
/// served by real Kestrel on a loopback port the OS picks, so limits and status codes are the real ones.
/// </summary>
public sealed class InProcessApp : IAsyncDisposable
{
    public const string ServiceName = "test";

    private readonly WebApplication _app;

    private InProcessApp(WebApplication app, Uri address, CapturedLogs logs)
    {
        _app = app;
        Logs = logs;
        Address = address;
        Client = new HttpClient { BaseAddress = address };
    }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public CapturedLogs Logs { get; }

    public WebApplication App => _app;

    public IServiceProvider Services => _app.Services;

    public IConfiguration Configuration => _app.Configuration;

    /// <param name="mapEndpoints">Maps the test's endpoints after UseServiceDefaults.</param>
    /// <param name="settings">In-memory configuration, added before AddServiceDefaults reads it.</param>
    /// <param name="beforeDefaults">Runs before AddServiceDefaults: registrations here win over its TryAdd defaults.</param>
    /// <param name="afterDefaults">Runs after AddServiceDefaults (e.g. AddServiceDatabase).</param>
    /// <param name="contentRoot">Folder holding appsettings.json, when a test needs one.</param>
    /// <param name="listenOnAnyFreePort">false: leave the address to the defaults (APP_PORT).</param>
    public static async Task<InProcessApp> StartAsync(
        Action<WebApplication>? mapEndpoints = null,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? beforeDefaults = null,
        Action<WebApplicationBuilder>? afterDefaults = null,
        string? contentRoot = null,
        bool listenOnAnyFreePort = true)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ContentRootPath = contentRoot ?? AppContext.BaseDirectory,
            EnvironmentName = "Production",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        if (listenOnAnyFreePort)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        beforeDefaults?.Invoke(builder);
        builder.AddServiceDefaults(ServiceName);
        afterDefaults?.Invoke(builder);

        // The JSON console logger is the service's; test output stays readable without it.
        var logs = new CapturedLogs();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);

        var app = builder.Build();
        app.UseServiceDefaults();
        mapEndpoints?.Invoke(app);
        await app.StartAsync();
        return new InProcessApp(app, new Uri(app.Urls.Single()), logs);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
