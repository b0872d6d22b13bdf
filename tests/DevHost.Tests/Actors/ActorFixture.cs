using System.Net;
using System.Text;
using System.Text.Json;
using FluentAssertions;
using Xunit;

namespace DaprPlatform.DevHost.Tests.Actors;

/// <summary>One harness shared by the tests of a class (they run one after another, each with its own actor ids).</summary>
public sealed class ActorFixture : IAsyncLifetime
{
    // Counter: defaults; Idle: deactivated after 1 s; Reentrant: reentrancy with a stack depth of 3.
    public const string HostConfig = """
        {"entities":["Counter","Idle","Reentrant"],"actorIdleTimeout":"1h","actorScanInterval":"200ms",
         "entitiesConfig":[{"entities":["Idle"],"actorIdleTimeout":"1s"},{"entities":["Reentrant"],"reentrancy":{"enabled":true,"maxStackDepth":3}}]}
        """;

    public ActorHarness Harness { get; private set; } = null!;

    public async Task InitializeAsync() => Harness = await ActorHarness.StartAsync(HostConfig);

    public async Task DisposeAsync() => await Harness.DisposeAsync();
}
