namespace DaprPlatform.Conformance.Tests.Infrastructure;

public static class DaprAssertions
{
    /// <summary>The SDK wraps a failed gRPC call in DaprException; asserts the runtime's gRPC status underneath.</summary>
    public static async Task ShouldFailWithAsync(this Func<Task> call, StatusCode expected, string because = "")
    {
        var failure = await FluentActions.Awaiting(call).Should().ThrowAsync<DaprException>(because);
        failure.Which.InnerException.Should().BeOfType<RpcException>(because).Which.StatusCode.Should().Be(expected, because);
    }
}
