using System.Net;
using System.Text;
using DaprPlatform.DevHost;
using DaprPlatform.Sidecar.Actors;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Sidecar.Tests.Actors;

/// <summary>
/// The real DevHost (PlatformHost) as the sidecar of an in-process app hosting actors: placement from GET /dapr/config,
/// callbacks, actor state in Postgres and reminders, all through the documented protocol.
/// </summary>
public sealed class ActorDevHostContractFixture : IAsyncLifetime
{
    public const string AppId = "actorcontract";

    private readonly string _prefix = "ac" + Guid.NewGuid().ToString("N")[..8] + "_";
    private TemporaryRunFile? _runFile;
    private WebApplication? _app;
    private PlatformHost? _host;
    private HttpClient? _http;
    private DevHostOptions? _hostOptions;

    public SidecarClient Client { get; private set; } = null!;

    public ActorProxyFactory Proxies { get; private set; } = null!;

    public ActorProbe Probe { get; } = new();

    public async Task InitializeAsync()
    {
        // Named with the prefix, so DropAllWithPrefixAsync removes it with DevHost's own databases.
        var stateDatabase = new PostgresDatabase(_prefix + "state");
        await stateDatabase.InitializeAsync();
        var (appPort, httpPort, grpcPort) = (FreeTcpPort.Next(), FreeTcpPort.Next(), FreeTcpPort.Next());
        _runFile = TemporaryRunFile.Create("actor-contract-", [new RunFileApp(AppId, httpPort, appPort) { DaprGrpcPort = grpcPort }])
            .WithComponent("statestore.yaml", ComponentYaml.PostgresStateStore(stateDatabase.ConnectionString, actorStateStore: true));

        var sidecarEndpoint = new Uri($"http://127.0.0.1:{httpPort}");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{appPort}");
        builder.Services.AddSingleton(Probe);
        builder.Services.AddSidecarClient(o => o.HttpEndpoint = sidecarEndpoint);
        builder.Services.AddActors(o => o.RegisterActor<CounterActor>("Counter"));
        _app = builder.Build();
        _app.MapActorsHandlers();
        await _app.StartAsync();

        _hostOptions = new DevHostOptions
        {
            RunFilePath = _runFile.RunFilePath,
            PostgresConnectionString = PostgresDatabase.AdminConnectionString,
            StartApps = false,
            DatabasePrefix = _prefix,
            Output = TextWriter.Null,
        };
        await StartHostAsync();
        _http = new HttpClient();
        Client = new SidecarClient(_http, new SidecarOptions { HttpEndpoint = sidecarEndpoint });
        await Client.WaitForSidecarAsync(TimeSpan.FromSeconds(30));
        Proxies = new ActorProxyFactory(Client);
    }

    /// <summary>Stops DevHost and starts a fresh one on the same ports and databases (the app keeps running).</summary>
    public async Task RestartHostAsync()
    {
        await StopHostAsync();
        await StartHostAsync();
        await Client.WaitForSidecarAsync(TimeSpan.FromSeconds(30));
    }

    public async Task StopHostAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
            _host = null;
        }
    }

    public async Task DisposeAsync()
    {
        await StopHostAsync();

        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _http?.Dispose();
        await PostgresDatabase.DropAllWithPrefixAsync(_prefix);
        _runFile?.Dispose();
    }

    private async Task StartHostAsync()
    {
        _host = await PlatformHost.StartAsync(_hostOptions!);
        // The app is already up, so ask DevHost to read GET /dapr/config now (placement of "Counter").
        await _host.RefreshSubscriptionsAsync(AppId);
    }
}

public sealed class ActorDevHostContractTests(ActorDevHostContractFixture fixture) : IClassFixture<ActorDevHostContractFixture>
{
    [Fact]
    public async Task Proxy_call_through_devhost_activates_the_actor_and_its_turn_state_lands_in_the_actor_state_store()
    {
        // Rules: placement from GET /dapr/config; callbacks succeed on 200; one state transaction per turn;
        // GET /v1.0/actors/{type}/{id}/state/{key} returns the raw stored value.
        var id = new ActorId("c-" + Guid.NewGuid().ToString("N")[..8]);
        var counter = fixture.Proxies.CreateActorProxy<ICounterActor>(id, "Counter");

        (await counter.IncrementAsync(2)).Should().Be(2);
        (await counter.IncrementAsync(3)).Should().Be(5);
        (await counter.GreetAsync(new Greeting("dev", 1), CancellationToken.None)).Should().Be("hello dev");

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(fixture.Client.Options.HttpEndpoint, $"v1.0/actors/Counter/{id}/state/count"));
        using var http = new HttpClient();
        using var stored = await http.SendAsync(request);
        stored.StatusCode.Should().Be(HttpStatusCode.OK);
        (await stored.Content.ReadAsStringAsync()).Should().Be("5");
        fixture.Probe.Count($"activate:{id}").Should().Be(1);
    }

    [Fact]
    public async Task Failing_actor_method_surfaces_as_an_invocation_error_and_unknown_methods_fail_too()
    {
        var id = new ActorId("f-" + Guid.NewGuid().ToString("N")[..8]);
        var counter = fixture.Proxies.CreateActorProxy<ICounterActor>(id, "Counter");
        var proxy = fixture.Proxies.Create(id, "Counter");

        var failing = () => counter.FailAfterWriteAsync(9);
        var unknown = () => proxy.InvokeMethodAsync("NoSuchMethod");

        (await failing.Should().ThrowAsync<ActorMethodInvocationException>()).Which.StatusCode.Should().BeGreaterThanOrEqualTo(400);
        (await unknown.Should().ThrowAsync<ActorMethodInvocationException>()).Which.StatusCode.Should().BeGreaterThanOrEqualTo(400);
        (await counter.GetAsync()).Should().Be(0, "the failed turn's write was discarded");
    }

    [Fact]
    public async Task Reminder_registered_through_devhost_fires_back_and_cancels_itself()
    {
        // Rules: reminders API (PUT …/reminders/{name}, Go durations, base64 data); reminder callback body;
        // X-DaprReminderCancel: true stops the reminder.
        var id = new ActorId("r-" + Guid.NewGuid().ToString("N")[..8]);
        var counter = fixture.Proxies.CreateActorProxy<ICounterActor>(id, "Counter");

        await counter.ScheduleReminderAsync(new ScheduleRequest("stop-after-first", "ping", 0, 200));

        var expected = $"reminder:{id}:stop-after-first:ping:";
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!fixture.Probe.Events.Any(e => e.StartsWith(expected, StringComparison.Ordinal)) && clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(50);
        }

        fixture.Probe.Events.Should().Contain(e => e.StartsWith(expected, StringComparison.Ordinal));
        await Task.Delay(1000);
        fixture.Probe.Events.Count(e => e.StartsWith(expected, StringComparison.Ordinal)).Should().Be(1, "the actor cancelled the reminder on its first firing");
    }
}

/// <summary>Its own DevHost, because the test restarts it.</summary>
public sealed class ActorDevHostRestartTests : IAsyncLifetime
{
    private readonly ActorDevHostContractFixture _fixture = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    [Fact]
    public async Task Reminder_registered_before_a_devhost_restart_fires_after_it()
    {
        // Rule: reminders are durable (they survive a sidecar restart); timers are not.
        var id = new ActorId("p-" + Guid.NewGuid().ToString("N")[..8]);
        var counter = _fixture.Proxies.CreateActorProxy<ICounterActor>(id, "Counter");
        await counter.ScheduleReminderAsync(new ScheduleRequest("durable", "kept", 3000, 0));
        var expected = $"reminder:{id}:durable:kept:";

        await _fixture.StopHostAsync();
        _fixture.Probe.Events.Should().NotContain(e => e.StartsWith(expected, StringComparison.Ordinal), "it was not due before the restart");
        await _fixture.RestartHostAsync();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!_fixture.Probe.Events.Any(e => e.StartsWith(expected, StringComparison.Ordinal)) && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(50);
        }

        _fixture.Probe.Events.Should().ContainSingle(e => e.StartsWith(expected, StringComparison.Ordinal));
    }
}
