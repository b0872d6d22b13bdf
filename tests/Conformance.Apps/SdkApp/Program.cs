using Dapr;
using Dapr.Actors;
using Dapr.Actors.Client;
using Dapr.Client;
using DaprPlatform.Conformance.Contracts;
using Dapr.Actors.Runtime;
using Dapr.AspNetCore;
using Dapr.Workflow;
using DaprPlatform.Conformance.SdkApp;

var builder = WebApplication.CreateBuilder(args);
// `dapr run` gives the app its port in APP_PORT; the app listens there, as every Dapr app must.
builder.WebHost.UseUrls($"http://127.0.0.1:{Environment.GetEnvironmentVariable("APP_PORT") ?? "5080"}");
builder.Services.AddSingleton<Recorder>();
builder.Services.AddControllers().AddDapr();
builder.Services.AddActors(options =>
{
    // Idle deactivation is checked every second; only IdleActor idles out quickly.
    options.ActorScanInterval = TimeSpan.FromSeconds(1);
    options.Actors.RegisterActor<CounterActor>();
    options.Actors.RegisterActor<ReentrantActor>(new ActorRuntimeOptions
    {
        ReentrancyConfig = new ActorReentrancyConfig { Enabled = true, MaxStackDepth = 8 },
    });
    options.Actors.RegisterActor<IdleActor>(new ActorRuntimeOptions { ActorIdleTimeout = TimeSpan.FromSeconds(2) });
});
builder.Services.AddDaprWorkflow(options => Workflows.Register(options));

var app = builder.Build();
app.UseCloudEvents(new CloudEventsMiddlewareOptions { ForwardCloudEventPropertiesAsHeaders = true });
app.MapSubscribeHandler();
app.MapControllers();
app.MapActorsHandlers();
Subscriptions.Map(app);

// Test endpoints: what the app observed, and who it is.
app.MapGet("/test/records/{channel}", (string channel, Recorder recorder) => Results.Ok(recorder.Read(channel)));
app.MapGet("/test/pid", () => Results.Ok(Environment.ProcessId));

// The SDK's clients from DI, with no endpoint configured: they find the sidecar through DAPR_HTTP_PORT / DAPR_GRPC_PORT.
app.MapPost("/test/client/state/{key}", async (string key, DaprClient client) =>
{
    await client.SaveStateAsync("statestore", key, new { id = key, n = 42, name = "from-app" });
    return Results.Ok();
});
app.MapPost("/test/client/invoke/{appId}/{**method}", async (string appId, string method) =>
{
    using var http = DaprClient.CreateInvokeHttpClient(appId);
    using var response = await http.GetAsync("/" + method);
    return Results.Text(await response.Content.ReadAsStringAsync(), "application/json", statusCode: (int)response.StatusCode);
});
app.MapPost("/test/proxy/{actorId}/increment/{by:int}", async (string actorId, int by, IActorProxyFactory proxies) =>
    Results.Ok(await proxies.CreateActorProxy<ICounterActor>(new ActorId(actorId), ActorTypes.Counter).IncrementAsync(by)));

app.Run();
