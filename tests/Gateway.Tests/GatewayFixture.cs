using DaprPlatform.TestSupport;

namespace DaprPlatform.Gateway.Tests;

/// <summary>One fake sidecar + one gateway per test class; each test sets the sidecar's handler it needs.</summary>
public class GatewayFixture : IAsyncLifetime
{
    public FakeSidecar Sidecar { get; private set; } = null!;

    public GatewayFactory Gateway { get; private set; } = null!;

    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Limits:MaxRequestBodyBytes"] = (64L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public async Task InitializeAsync()
    {
        Sidecar = await FakeSidecar.StartAsync();
        Gateway = new GatewayFactory(Sidecar.Endpoint, Settings);
        Gateway.StartServer();
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Sidecar.DisposeAsync();
    }

    public void Reset()
    {
        Sidecar.Received.Clear();
        Sidecar.Handler = FakeSidecar.AnswerOk;
    }
}
