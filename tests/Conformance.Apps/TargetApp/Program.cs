using System.Collections.Concurrent;
using Dapr;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.UseUrls($"http://127.0.0.1:{Environment.GetEnvironmentVariable("APP_PORT") ?? "5081"}");
// App API token: Dapr.AspNetCore's scheme reads APP_API_TOKEN and checks the dapr-api-token header daprd sends.
builder.Services.AddAuthentication().AddDapr();
builder.Services.AddAuthorization(options => options.AddDapr());

var app = builder.Build();
app.UseCloudEvents();
app.UseAuthentication();
app.UseAuthorization();
app.MapSubscribeHandler();

var received = new ConcurrentQueue<string>();

// Echoes what arrived, so the suite can see what the sidecar forwarded.
app.Map("/echo/{**rest}", async (HttpRequest request) =>
{
    using var reader = new StreamReader(request.Body);
    var body = await reader.ReadToEndAsync();
    return Results.Json(new
    {
        method = request.Method,
        path = request.Path.Value,
        query = request.QueryString.Value,
        contentType = request.ContentType,
        body,
        callerAppId = request.Headers["dapr-caller-app-id"].ToString(),
        hasApiToken = request.Headers.ContainsKey("dapr-api-token"),
        conformanceHeader = request.Headers["x-conformance"].ToString(),
    });
});

// Answers with the status it is asked for, and a body naming it.
app.Map("/status/{code:int}", (int code) => Results.Text($"status {code} from target", "text/plain", statusCode: code));

// Only callers presenting APP_API_TOKEN in dapr-api-token (i.e. the sidecar) get in.
app.MapGet("/secured", () => Results.Text("secured ok")).RequireAuthorization("Dapr");
app.MapPost("/sub/token-topic", async (HttpRequest request) =>
{
    using var reader = new StreamReader(request.Body);
    received.Enqueue(await reader.ReadToEndAsync());
    return Results.Ok();
}).WithTopic("pubsub", "token-topic").RequireAuthorization("Dapr");

app.MapGet("/test/received", () => Results.Ok(received.ToArray()));

app.Run();
