namespace DaprPlatform.Conformance.Tests;

/// <summary>DaprClient's metadata (gRPC GetMetadata/SetMetadata) and health calls (HTTP /v1.0/healthz[/outbound]).</summary>
[Collection(ConformanceCollection.Name)]
public sealed class MetadataAndHealthTests(ConformanceFixture fixture)
{
    private DaprClient Client => fixture.Client;

    [Fact]
    public async Task GetMetadata_names_the_app_its_components_and_its_actor_types()
    {
        var metadata = await Client.GetMetadataAsync();

        metadata.Id.Should().Be(ConformanceFixture.SdkAppId);
        metadata.Components.Select(c => (c.Name, c.Type, c.Version)).Should().Contain(
        [
            (ConformanceFixture.StateStore, "state.postgresql", "v1"),
            (ConformanceFixture.PubSub, "pubsub.redis", "v1"),
            (ConformanceFixture.SecretStore, "secretstores.local.file", "v1"),
        ]);
        metadata.Actors.Select(a => a.Type).Should().Contain([ActorTypes.Counter, ActorTypes.Reentrant, ActorTypes.Idle]);
    }

    [Fact]
    public async Task SetMetadata_adds_an_attribute_that_GetMetadata_returns_under_extended()
    {
        var value = Marker.New("value");
        await Client.SetMetadataAsync("conformance-attribute", value);

        (await Client.GetMetadataAsync()).Extended.Should().Contain("conformance-attribute", value);
    }

    [Fact]
    public async Task CheckHealth_and_CheckOutboundHealth_are_true_and_WaitForSidecar_returns()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Client.WaitForSidecarAsync(timeout.Token);

        (await Client.CheckHealthAsync()).Should().BeTrue();
        (await Client.CheckOutboundHealthAsync()).Should().BeTrue();
    }
}
