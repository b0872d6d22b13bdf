using DaprPlatform.Sidecar.Actors;
using DaprPlatform.Sidecar.Subscriptions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Sidecar.Tests.Actors;

/// <summary>A real app hosting the test actors on a loopback port, wired to an <see cref="ActorFakeSidecar"/>.</summary>
public sealed class ActorTestApp : IAsyncDisposable
{
    public const string AppToken = "app-token-for-actors";

    private readonly WebApplication _app;

    private ActorTestApp(WebApplication app, ActorFakeSidecar sidecar)
    {
        _app = app;
        Sidecar = sidecar;
        Endpoint = new Uri(app.Urls.First());
        Http = new HttpClient { BaseAddress = Endpoint };
        Http.DefaultRequestHeaders.Add("dapr-api-token", AppToken);
    }

    public Uri Endpoint { get; }

    public HttpClient Http { get; }

    public ActorFakeSidecar Sidecar { get; }

    public ActorProbe Probe => _app.Services.GetRequiredService<ActorProbe>();

    public IServiceProvider Services => _app.Services;

    public static async Task<ActorTestApp> StartAsync(Action<ActorRuntimeOptions>? configure = null, bool requireTokenForAllRoutes = true)
    {
        var sidecar = await ActorFakeSidecar.StartAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton<ActorProbe>();
        builder.Services.AddSidecarClient(o =>
        {
            o.HttpEndpoint = sidecar.Endpoint;
            o.ApiToken = "sidecar-token";
            o.AppApiToken = AppToken;
        });
        builder.Services.AddActors(o =>
        {
            o.RegisterActor<CounterActor>("Counter");
            o.RegisterActor<TurnRecorderActor>("TurnRecorder");
            o.RegisterActor<ReentrantActor>();
            configure?.Invoke(o);
        });
        var app = builder.Build();
        app.UseAppApiToken(requireTokenForAllRoutes);
        app.MapActorsHandlers();
        await app.StartAsync();
        var testApp = new ActorTestApp(app, sidecar);
        sidecar.AppEndpoint = testApp.Endpoint;
        sidecar.AppApiToken = AppToken;
        return testApp;
    }

    /// <summary>Stops the app the way a host shutdown does (hosted services stop), leaving the fake sidecar running.</summary>
    public Task StopAppAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Sidecar.DisposeAsync();
    }
}
