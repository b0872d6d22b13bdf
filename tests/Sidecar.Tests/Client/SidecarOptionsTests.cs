using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Sidecar.Tests.Client;

public sealed class SidecarOptionsTests
{
    private static Func<string, string?> Env(params (string Key, string Value)[] vars) =>
        name => vars.FirstOrDefault(v => v.Key == name).Value;

    [Fact]
    public void No_variables_means_default_port_3500_and_no_sidecar_expected()
    {
        var options = SidecarOptions.FromEnvironment(Env());

        options.HttpEndpoint.Should().Be(new Uri("http://127.0.0.1:3500"));
        options.SidecarExpected.Should().BeFalse();
        options.ApiToken.Should().BeNull();
    }

    [Fact]
    public void DAPR_HTTP_PORT_selects_the_loopback_port_like_the_official_SDKs()
    {
        var options = SidecarOptions.FromEnvironment(Env(("DAPR_HTTP_PORT", "3507"), ("DAPR_API_TOKEN", "t1"), ("APP_API_TOKEN", "t2"), ("APP_ID", "notifications")));

        options.HttpEndpoint.Should().Be(new Uri("http://127.0.0.1:3507"));
        options.SidecarExpected.Should().BeTrue();
        options.ApiToken.Should().Be("t1");
        options.AppApiToken.Should().Be("t2");
        options.AppId.Should().Be("notifications");
    }

    [Fact]
    public void DAPR_HTTP_ENDPOINT_wins_over_DAPR_HTTP_PORT()
    {
        var options = SidecarOptions.FromEnvironment(Env(("DAPR_HTTP_ENDPOINT", "http://sidecar.local:4000"), ("DAPR_HTTP_PORT", "3507")));

        options.HttpEndpoint.Should().Be(new Uri("http://sidecar.local:4000"));
        options.SidecarExpected.Should().BeTrue();
    }

    [Fact]
    public void A_malformed_port_is_rejected_at_startup()
    {
        var read = () => SidecarOptions.FromEnvironment(Env(("DAPR_HTTP_PORT", "not-a-port")));

        read.Should().Throw<InvalidOperationException>().WithMessage("*DAPR_HTTP_PORT*");
    }

    [Fact]
    public async Task AddSidecarClient_resolves_a_typed_client_with_configured_options()
    {
        await using var sidecar = await Infrastructure.FakeSidecar.StartAsync(204);
        var services = new ServiceCollection().AddLogging();
        services.AddSidecarClient(o => o.HttpEndpoint = sidecar.Endpoint);
        services.AddSidecarClient(o => o.ApiToken = "second-call");
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<SidecarClient>();
        (await client.CheckOutboundHealthAsync()).Should().BeTrue();

        client.Options.ApiToken.Should().Be("second-call");
        provider.GetRequiredService<TimeProvider>().Should().BeSameAs(TimeProvider.System);
        sidecar.Single.Header("dapr-api-token").Should().Be("second-call");
    }
}
