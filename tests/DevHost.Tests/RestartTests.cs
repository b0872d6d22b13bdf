namespace DaprPlatform.DevHost.Tests;

/// <summary>Undelivered messages and state live in Postgres, so a DevHost restart loses nothing.</summary>
public sealed class RestartTests : IAsyncLifetime
{
    private readonly int _subPort = FreeTcpPort.Next();
    private readonly int _pubHttp = FreeTcpPort.Next();
    private TestHost _files = null!;
    private FakeApp _sub = null!;

    public async Task InitializeAsync()
    {
        _files = TestHost.Create(new Dictionary<string, string>
        {
            ["dapr.yaml"] = Yaml.RunFile(("pub", FreeTcpPort.Next(), _pubHttp, ""), ("sub", _subPort, FreeTcpPort.Next(), "")),
            ["pub/.keep"] = "",
            ["sub/.keep"] = "",
            ["components/statestore.yaml"] = Yaml.StateStore,
            ["components/secretstore.yaml"] = Yaml.SecretStore,
            ["components/secrets.json"] = Yaml.Secrets,
            ["components/pubsub.yaml"] = Yaml.PubSub + "\n    - name: redeliverInterval\n      value: 200ms\n",
        });
        _sub = await FakeApp.StartAsync(_subPort);
        _sub.Handlers["/dapr/subscribe"] = _ => (200, """[{"pubsubname":"pubsub","topic":"events","route":"/events"}]""", "application/json");
        await _files.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _files.DisposeAsync();
        await _sub.DisposeAsync();
    }

    [Fact]
    public async Task Undelivered_messages_and_state_survive_a_restart_and_expired_messages_are_dropped()
    {
        using var pub = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_pubHttp}") };
        _sub.Handlers["/events"] = _ => (503, null, null);
        var marker = Guid.NewGuid().ToString("N");
        (await pub.PostAsync("/v1.0/publish/pubsub/events", SidecarFixture.Json($$$"""{"keep":"{{{marker}}}"}"""))).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await pub.PostAsync("/v1.0/publish/pubsub/events?metadata.ttlInSeconds=1", SidecarFixture.Json($$$"""{"expire":"{{{marker}}}"}"""))).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await pub.PostAsync("/v1.0/state/statestore", SidecarFixture.Json("""[{"key":"durable","value":{"v":42}}]"""))).StatusCode.Should().Be(HttpStatusCode.NoContent);

        // The app keeps failing: the broker redelivers (no resiliency policy, no dead-letter topic).
        (await _sub.WaitForAsync("/events", 2, r => r.BodyText.Contains("keep", StringComparison.Ordinal))).Count.Should().BeGreaterThanOrEqualTo(2);

        await _files.Host!.StopAsync();
        _sub.Handlers["/events"] = _ => (200, null, null);
        await Task.Delay(1200);
        var restartedAt = TimeProvider.System.GetUtcNow();
        await _files.RestartAsync();

        // At-least-once across restarts: the pending message is delivered by the new host.
        var delivered = await _sub.WaitForAsync("/events", 1, r => r.At >= restartedAt && r.BodyText.Contains("\"keep\"", StringComparison.Ordinal));
        delivered.Should().NotBeEmpty();

        // ttlInSeconds: an event past its expiration is dropped, never delivered.
        await Task.Delay(800);
        _sub.To("/events").Where(r => r.At >= restartedAt && r.BodyText.Contains("\"expire\"", StringComparison.Ordinal)).Should().BeEmpty();

        // State API data lives in Postgres: still there after the restart.
        using var get = await pub.GetAsync("/v1.0/state/statestore/durable");
        get.StatusCode.Should().Be(HttpStatusCode.OK);
        JsonDocument.Parse(await get.Content.ReadAsStringAsync()).RootElement.GetProperty("v").GetInt32().Should().Be(42);
    }
}
