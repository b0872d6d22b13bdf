using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace DaprPlatform.DevHost.Telegram;

/// <summary>A Kestrel app on one loopback port whose start and stop belong to DevHost (sidecars, the Telegram stand-in).</summary>
internal static class LoopbackListener
{
    /// <param name="http2Only">Cleartext HTTP/2 with prior knowledge only, as gRPC clients speak to daprd's gRPC port.</param>
    /// <param name="services">Registrations the listener's own container needs (gRPC services).</param>
    public static WebApplication Build(int port, ILoggerFactory? loggerFactory = null, bool http2Only = false, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(PlatformHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        builder.Logging.ClearProviders();
        if (loggerFactory is not null) { builder.Services.AddSingleton(loggerFactory); }

        // No Ctrl-C/SIGTERM hooks or status messages of its own.
        builder.Services.AddSingleton<IHostLifetime, HostOwnedLifetime>();
        services?.Invoke(builder.Services);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port, l =>
            {
                if (http2Only) { l.Protocols = HttpProtocols.Http2; }
            });
            k.AddServerHeader = false;
        });
        return builder.Build();
    }
}
