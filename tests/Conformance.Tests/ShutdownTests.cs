using DaprPlatform.DevHost;

namespace DaprPlatform.Conformance.Tests;

/// <summary>
/// DaprClient.ShutdownSidecarAsync (gRPC Shutdown): daprd answers, then shuts itself down, so its ports stop answering.
/// A DevHost of its own with one app-less sidecar, so the main fixture's sidecars are untouched.
/// </summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task ShutdownSidecar_answers_and_then_the_sidecar_stops_serving()
    {
        var prefix = "cfs" + Guid.NewGuid().ToString("N")[..10] + "_";
        var (httpPort, grpcPort) = (FreeTcpPort.Next(), FreeTcpPort.Next());
        using var files = TemporaryRunFile.Create("conformance-shutdown-", [new RunFileApp("lonely", httpPort) { DaprGrpcPort = grpcPort }]);
        var host = await PlatformHost.StartAsync(new DevHostOptions
        {
            RunFilePath = files.RunFilePath,
            PostgresConnectionString = PostgresDatabase.AdminConnectionString,
            DatabasePrefix = prefix,
            StartApps = false,
            Output = TextWriter.Null,
        });
        try
        {
            using var client = new DaprClientBuilder()
                .UseGrpcEndpoint($"http://127.0.0.1:{grpcPort}")
                .UseHttpEndpoint($"http://127.0.0.1:{httpPort}")
                .Build();
            (await client.CheckHealthAsync()).Should().BeTrue();

            await client.ShutdownSidecarAsync();

            await Eventually.UntilAsync("the sidecar to stop answering its health check", _ => client.CheckHealthAsync(), healthy => !healthy,
                TimeSpan.FromSeconds(30), healthy => healthy ? "still healthy" : "down", TimeSpan.FromMilliseconds(250));
        }
        finally
        {
            await host.DisposeAsync();
            await PostgresDatabase.DropAllWithPrefixAsync(prefix);
        }
    }
}
