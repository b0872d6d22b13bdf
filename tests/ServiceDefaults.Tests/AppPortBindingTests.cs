using System.Globalization;
using System.Net;
using DaprPlatform.ServiceDefaults.Tests.Infrastructure;
using DaprPlatform.TestSupport;

namespace DaprPlatform.ServiceDefaults.Tests;

/// <summary>
/// `dapr run` tells the app its port in APP_PORT and reaches it on loopback; the defaults bind there.
/// Sets process-wide environment variables, so it runs in the non-parallel collection.
/// </summary>
[Collection(DevHostCollection.Name)]
public sealed class AppPortBindingTests
{
    [Fact]
    public async Task App_listens_on_loopback_at_APP_PORT()
    {
        var port = FreeTcpPort.Next();
        var names = new[] { "APP_PORT", "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "DAPR_HTTP_PORT", "DAPR_HTTP_ENDPOINT" };
        var saved = names.ToDictionary(n => n, Environment.GetEnvironmentVariable);
        try
        {
            foreach (var name in names)
            {
                Environment.SetEnvironmentVariable(name, null);
            }

            Environment.SetEnvironmentVariable("APP_PORT", port.ToString(CultureInfo.InvariantCulture));
            await using var app = await InProcessApp.StartAsync(listenOnAnyFreePort: false);

            app.Address.Should().Be(new Uri($"http://127.0.0.1:{port}"));
            using var response = await app.Client.GetAsync("/healthz");
            response.StatusCode.Should().Be(HttpStatusCode.OK);
        }
        finally
        {
            foreach (var (name, value) in saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }
}
