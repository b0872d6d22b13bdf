using System.Net;

namespace DaprPlatform.DevHost.Telegram;

/// <summary>A Kestrel app on one loopback port whose start and stop belong to DevHost (sidecars, the Telegram stand-in).</summary>
internal static class LoopbackListener
{
    public static WebApplication Build(int port, ILoggerFactory? loggerFactory = null)
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
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port);
            k.AddServerHeader = false;
        });
        return builder.Build();
    }
}
