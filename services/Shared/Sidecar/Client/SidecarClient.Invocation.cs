using System.Text.Json;

namespace DaprPlatform.Sidecar;

public partial class SidecarClient
{
    public async Task<TResponse> InvokeMethodAsync<TResponse>(HttpMethod method, string appId, string methodPathAndQuery, CancellationToken ct = default)
    {
        using var request = CreateInvokeMethodRequest(method, appId, methodPathAndQuery);
        return await InvokeForJsonAsync<TResponse>(request, appId, methodPathAndQuery, ct);
    }

    public async Task<TResponse> InvokeMethodAsync<TRequest, TResponse>(HttpMethod method, string appId, string methodPathAndQuery, TRequest request, CancellationToken ct = default)
    {
        using var message = CreateInvokeMethodRequest(method, appId, methodPathAndQuery);
        message.Content = JsonContent(request);
        return await InvokeForJsonAsync<TResponse>(message, appId, methodPathAndQuery, ct);
    }

    public async Task InvokeMethodAsync<TRequest>(HttpMethod method, string appId, string methodPathAndQuery, TRequest request, CancellationToken ct = default)
    {
        using var message = CreateInvokeMethodRequest(method, appId, methodPathAndQuery);
        message.Content = JsonContent(request);
        using var response = await InvokeMethodWithResponseAsync(message, HttpCompletionOption.ResponseContentRead, ct);
        await EnsureInvocationSuccessAsync(response, appId, methodPathAndQuery, ct);
    }

    /// <summary>
    /// /v1.0/invoke/{appId}/method/{methodPathAndQuery}: everything after /method/ (path and query) reaches the app as is.
    /// The caller adds content and headers.
    /// </summary>
    public HttpRequestMessage CreateInvokeMethodRequest(HttpMethod method, string appId, string methodPathAndQuery)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(methodPathAndQuery);
        return CreateSidecarRequest(method, $"v1.0/invoke/{Segment(appId, nameof(appId))}/method/{methodPathAndQuery.TrimStart('/')}");
    }

    /// <summary>Sends an invocation request and returns whatever came back; never throws on a non-2xx status.</summary>
    public Task<HttpResponseMessage> InvokeMethodWithResponseAsync(HttpRequestMessage request, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead, CancellationToken ct = default) =>
        SendToSidecarAsync(request, completion, ct);

    private async Task<TResponse> InvokeForJsonAsync<TResponse>(HttpRequestMessage request, string appId, string methodPath, CancellationToken ct)
    {
        using var response = await InvokeMethodWithResponseAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        await EnsureInvocationSuccessAsync(response, appId, methodPath, ct);
        try
        {
            return (await ReadJsonAsync<TResponse>(response, ct))!;
        }
        catch (JsonException ex)
        {
            throw new InvocationException(appId, methodPath, (int)response.StatusCode, null, await ReadBodyAsync(response, ct), ex);
        }
    }

    private static async Task EnsureInvocationSuccessAsync(HttpResponseMessage response, string appId, string methodPath, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = await ReadBodyAsync(response, ct);
        var (errorCode, _) = ParseDaprError(body);
        throw new InvocationException(appId, methodPath, (int)response.StatusCode, errorCode, body);
    }
}
