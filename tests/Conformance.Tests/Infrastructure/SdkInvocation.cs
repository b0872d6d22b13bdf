namespace DaprPlatform.Conformance.Tests.Infrastructure;

/// <summary>
/// DaprClient's HTTP invocation calls. They are [Obsolete] in 1.19 ("use a native HTTP or gRPC client") but still ship, and
/// what they send must work against the sidecar, so the suite calls them — from this one place.
/// </summary>
public static class SdkInvocation
{
#pragma warning disable CS0618
    /// <summary>DaprClient.InvokeMethodAsync&lt;T&gt;(HttpRequestMessage): throws InvocationException on a non-2xx answer.</summary>
    public static Task<T> InvokeAsync<T>(this DaprClient client, HttpRequestMessage request) => client.InvokeMethodAsync<T>(request);

    /// <summary>DaprClient.InvokeMethodWithResponseAsync: hands back whatever the sidecar answered.</summary>
    public static Task<HttpResponseMessage> InvokeWithResponseAsync(this DaprClient client, HttpRequestMessage request) =>
        client.InvokeMethodWithResponseAsync(request);
#pragma warning restore CS0618
}
