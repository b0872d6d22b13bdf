namespace DaprPlatform.DevHost.Tests;

public sealed class ShutdownTests
{
    [Fact]
    public async Task Post_shutdown_returns_204_and_stops_that_sidecar()
    {
        var http = FreeTcpPort.Next();
        await using var files = TestHost.Create(new Dictionary<string, string>
        {
            ["dapr.yaml"] = Yaml.RunFile(("solo", FreeTcpPort.Next(), http, ""), ("other", FreeTcpPort.Next(), FreeTcpPort.Next(), "")),
            ["solo/.keep"] = "",
            ["other/.keep"] = "",
            ["components/pubsub.yaml"] = Yaml.PubSub,
        });
        var host = await files.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}") };

        // Health API: POST /v1.0/shutdown → 204, then a graceful sidecar shutdown.
        (await client.PostAsync("/v1.0/shutdown", null)).StatusCode.Should().Be(HttpStatusCode.NoContent);

        var until = TimeProvider.System.GetUtcNow().AddSeconds(10);
        while (host.Apps.Single(a => a.AppId == "solo").State != AppState.Stopped && TimeProvider.System.GetUtcNow() < until)
        {
            await Task.Delay(50);
        }

        host.Apps.Single(a => a.AppId == "solo").State.Should().Be(AppState.Stopped);
        host.Apps.Single(a => a.AppId == "other").State.Should().Be(AppState.External);
        using var fresh = new HttpClient();
        await FluentActions.Awaiting(() => fresh.GetAsync($"http://127.0.0.1:{http}/v1.0/healthz")).Should().ThrowAsync<HttpRequestException>();
    }
}
