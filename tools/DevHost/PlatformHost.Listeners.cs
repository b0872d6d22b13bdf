using DaprPlatform.DevHost.Sidecar;
using DaprPlatform.DevHost.Telegram;

namespace DaprPlatform.DevHost;

/// <summary>Each sidecar's two listeners, HTTP (daprHTTPPort) and gRPC (daprGRPCPort), with the building blocks mapped on them.</summary>
public sealed partial class PlatformHost
{
    private WebApplication BuildListener(SidecarRuntime sidecar)
    {
        var app = LoopbackListener.Build(sidecar.App.DaprHttpPort, _platform.LoggerFactory);

        // Before anything looks at the path (the token check's health exemption, every route, the invocation fallback),
        // daprd cleans it: "//v1.0/actors/..." is the actors API and "//v1.0/healthz" a health check.
        SidecarPaths.UseCleanPaths(app);

        // DAPR_API_TOKEN: every call except the health endpoints needs the dapr-api-token header (401 otherwise).
        app.Use(async (ctx, next) =>
        {
            if (sidecar.ApiToken is { } token && !ctx.Request.Path.StartsWithSegments("/v1.0/healthz", StringComparison.Ordinal)
                && ctx.Request.Headers["dapr-api-token"].ToString() != token)
            {
                ctx.Response.StatusCode = 401;
                ctx.Response.ContentType = "text/plain; charset=utf-8";
                await ctx.Response.WriteAsync("invalid api token", ctx.RequestAborted);
                return;
            }

            await next(ctx);
        });

        HealthAndMetadataEndpoints.Map(app, sidecar, StopAppAsync, _platform.Actors);
        StateEndpoints.Map(app, sidecar);
        SecretEndpoints.Map(app, sidecar);
        PubSubEndpoints.Map(app, sidecar, _platform);
        Actors.ActorEndpoints.Map(app, sidecar, _platform.Actors!);
        _workflows!.MapHttpApi(app, sidecar);
        UnsupportedEndpoints.Map(app);
        InvocationEndpoints.Map(app, sidecar, _platform);
        return app;
    }

    private WebApplication BuildGrpcListener(SidecarRuntime sidecar)
        => Grpc.SidecarGrpcListener.Build(
            sidecar, new Grpc.RuntimeGrpcService(sidecar, _platform, _platform.Actors, StopAppAsync, new Workflows.WorkflowApi(sidecar.AppId, _workflows!.Engine)), _workflows!.Engine, _platform.LoggerFactory);

    /// <summary>Stops a gRPC listener: GetWorkItems streams never end by themselves, so after a short grace Kestrel aborts them (the work is in Postgres).</summary>
    private static async Task StopGrpcListenerAsync(WebApplication listener)
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await listener.StopAsync(grace.Token);
        await listener.DisposeAsync();
    }
}
