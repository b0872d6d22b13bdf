namespace DaprPlatform.DevHost.Tests;

/// <summary>Apps started after the host: RefreshSubscriptionsAsync re-reads GET /dapr/subscribe.</summary>
public sealed class LateSubscriberTests
{
    [Fact]
    public async Task Messages_published_before_the_app_subscribed_are_delivered_once_it_does()
    {
        var subPort = FreeTcpPort.Next();
        var pubHttp = FreeTcpPort.Next();
        await using var files = TestHost.Create(new Dictionary<string, string>
        {
            ["dapr.yaml"] = Yaml.RunFile(("pub", FreeTcpPort.Next(), pubHttp, ""), ("late", subPort, FreeTcpPort.Next(), "")),
            ["pub/.keep"] = "",
            ["late/.keep"] = "",
            ["components/pubsub.yaml"] = Yaml.PubSub,
        });
        var host = await files.StartAsync();

        // The app is not running yet: no subscriptions are known.
        using var pub = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{pubHttp}") };
        (await pub.PostAsync("/v1.0/publish/pubsub/late-topic", SidecarFixture.Json("""{"n":1}"""))).StatusCode.Should().Be(HttpStatusCode.NoContent);

        await using var app = await FakeApp.StartAsync(subPort);
        app.Handlers["/dapr/subscribe"] = _ => (200, """[{"pubsubname":"pubsub","topic":"late-topic","route":"/late"}]""", "application/json");
        await host.RefreshSubscriptionsAsync("late");

        // Consumer-group semantics of the Redis stream behind pubsub.redis: a new group reads the stream from the start.
        var delivered = await app.WaitForAsync("/late", 1);
        delivered.Should().ContainSingle().Which.Json.GetProperty("data").GetProperty("n").GetInt32().Should().Be(1);

        // The sidecar asked with the dapr-app-id header, like daprd.
        app.To("/dapr/subscribe").Last().Headers["dapr-app-id"].Should().Be("late");
    }

    [Fact]
    public async Task Subscribe_404_means_no_programmatic_subscriptions()
    {
        var appPort = FreeTcpPort.Next();
        var http = FreeTcpPort.Next();
        await using var files = TestHost.Create(new Dictionary<string, string>
        {
            ["dapr.yaml"] = Yaml.RunFile(("quiet", appPort, http, "")),
            ["quiet/.keep"] = "",
            ["components/pubsub.yaml"] = Yaml.PubSub,
        });
        await using var app = await FakeApp.StartAsync(appPort);
        app.Handlers["/dapr/subscribe"] = _ => (404, null, null);
        await files.StartAsync();

        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}") };
        var metadata = JsonDocument.Parse(await client.GetStringAsync("/v1.0/metadata")).RootElement;
        metadata.GetProperty("subscriptions").GetArrayLength().Should().Be(0);
        app.To("/dapr/subscribe").Should().ContainSingle();
    }
}
