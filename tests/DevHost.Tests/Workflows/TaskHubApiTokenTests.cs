using Grpc.Core;
using Grpc.Net.Client;
using Dapr.DurableTask.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace DaprPlatform.DevHost.Tests.Workflows;

/// <summary>With DAPR_API_TOKEN set, daprd's gRPC API (TaskHubSidecarService included) requires the dapr-api-token metadata.</summary>
public sealed class TaskHubApiTokenTests : IAsyncLifetime
{
    private const string Token = "workflow-api-token";
    private WorkflowHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await WorkflowHarness.StartAsync(Token);

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Calls_without_the_api_token_are_unauthenticated_and_calls_with_it_are_served()
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{_harness.GrpcPort}");
        var anonymous = new TaskHubSidecarService.TaskHubSidecarServiceClient(channel);
        var refused = await Assert.ThrowsAsync<RpcException>(() => anonymous.HelloAsync(new Empty()).ResponseAsync);
        refused.StatusCode.Should().Be(StatusCode.Unauthenticated);

        (await _harness.Client.HelloAsync(new Empty()).ResponseAsync).Should().NotBeNull();
        var id = await _harness.StartAsync("Secured", null);
        (await _harness.GetAsync(id)).Exists.Should().BeTrue();
    }
}
