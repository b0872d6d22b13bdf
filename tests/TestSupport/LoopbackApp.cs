using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.TestSupport;

/// <summary>
/// A minimal WebApplication on real Kestrel, bound to 127.0.0.1, for the in-test stand-ins of apps, sidecars
/// and external APIs. Each fake maps its own endpoints and keeps its own recordings.
/// </summary>
public sealed class LoopbackApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackApp(WebApplication app)
    {
        _app = app;
        BaseAddress = new Uri(app.Urls.Single());
    }

    /// <summary>http://127.0.0.1:port, with the port the server actually bound.</summary>
    public Uri BaseAddress { get; }

    public int Port => BaseAddress.Port;

    public IServiceProvider Services => _app.Services;

    /// <param name="mapEndpoints">Maps the endpoints (or a catch-all app.Run) on the built app.</param>
    /// <param name="port">0: any free port the OS picks.</param>
    /// <param name="configure">Registers services or Kestrel limits before the app is built.</param>
    public static async Task<LoopbackApp> StartAsync(
        Action<WebApplication> mapEndpoints,
        int port = 0,
        Action<WebApplicationBuilder>? configure = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(mapEndpoints);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        configure?.Invoke(builder);
        var app = builder.Build();
        mapEndpoints(app);
        try
        {
            await app.StartAsync(ct);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new LoopbackApp(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
