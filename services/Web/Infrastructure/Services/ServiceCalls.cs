using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Web.Infrastructure.Session;

namespace DaprPlatform.Web.Infrastructure.Services;

/// <summary>
/// Calls a service's public API through this app's own sidecar (service invocation, <c>http://{appId}/…</c>) as the signed-in
/// person: their access token, held server-side in the session, goes in the Authorization header; the browser never sees it.
/// Every outcome is an <see cref="ApiResult{T}"/>: a page never meets an exception for a 4xx, a timeout or a service that is down.
/// </summary>
public sealed class ServiceCalls(AppInvocationClients invocation, AccessTokens tokens, ILogger<ServiceCalls> logger)
{
    /// <summary>How long a page waits for one answer before it says the service is not answering.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(15);

    public static JsonSerializerOptions Json { get; } = CreateJsonOptions();

    public Task<ApiResult<T>> GetAsync<T>(string appId, string path, CancellationToken ct) =>
        SendAsync<T>(HttpMethod.Get, appId, path, body: null, ct);

    /// <param name="headers">Extra request headers, e.g. an <c>Idempotency-Key</c> that makes a retried call safe.</param>
    public async Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string appId, string path, object? body, CancellationToken ct,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        var (problem, content) = await ExchangeAsync(method, appId, path, body, headers, ct);
        return Read<T>(problem, content, appId, path, logger);
    }

    /// <summary>A call whose success has no body worth reading (204, or a 202 the page does not need).</summary>
    public async Task<ApiResult> SendAsync(HttpMethod method, string appId, string path, object? body, CancellationToken ct)
    {
        var (problem, _) = await ExchangeAsync(method, appId, path, body, headers: null, ct);
        return problem is null ? ApiResult.Success : new ApiResult(problem);
    }

    /// <summary>
    /// A file a service answers (a report's CSV or PDF, or whatever a public link serves), read whole: the services bound their
    /// files' size. <paramref name="anonymous"/> calls go without the person's token (a public link is its own credential), and a
    /// 401 then is the service's answer (a password is needed), not a session that ended.
    /// </summary>
    public async Task<ApiResult<ServiceFile>> GetFileAsync(string appId, string path, CancellationToken ct,
        IReadOnlyDictionary<string, string>? headers = null, bool anonymous = false)
    {
        var token = anonymous ? null : await tokens.GetAsync(ct);
        using var request = NewRequest(HttpMethod.Get, path, token, headers);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(CallTimeout);
        try
        {
            using var response = await invocation.For(appId).SendAsync(request, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                var problem = await ReadProblemAsync(response, timeout.Token);
                return ApiResult<ServiceFile>.Failure(!anonymous && token is null && problem.Status == (int)HttpStatusCode.Unauthorized ? ApiProblem.SignedOut : problem);
            }

            var content = await response.Content.ReadAsByteArrayAsync(timeout.Token);
            var headersOfContent = response.Content.Headers;
            var fileName = headersOfContent.ContentDisposition?.FileNameStar ?? headersOfContent.ContentDisposition?.FileName?.Trim('"');
            return ApiResult<ServiceFile>.Success(new ServiceFile(content, headersOfContent.ContentType?.MediaType ?? "application/octet-stream", fileName));
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            logger.LogWarning(e, "{AppId} did not answer GET {Path}", appId, path);
            return ApiResult<ServiceFile>.Failure(ApiProblem.Unreachable(appId));
        }
    }

    /// <summary>
    /// Opens a long-lived response (Server-Sent Events) as the signed-in person; the caller reads and disposes it. No call
    /// timeout: the stream lives until <paramref name="ct"/> or the service ends it.
    /// </summary>
    public async Task<(HttpResponseMessage? Response, ApiProblem? Problem)> OpenStreamAsync(string appId, string path, CancellationToken ct)
    {
        var token = await tokens.GetAsync(ct);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        try
        {
            var response = await invocation.For(appId).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if (response.IsSuccessStatusCode)
            {
                return (response, null);
            }

            using (response)
            {
                return (null, ApiProblem.Read(response.StatusCode, await response.Content.ReadAsStringAsync(ct)));
            }
        }
        catch (HttpRequestException e)
        {
            logger.LogWarning(e, "Could not open {AppId} {Path}", appId, path);
            return (null, ApiProblem.Unreachable(appId));
        }
    }

    private async Task<(ApiProblem? Problem, string? Content)> ExchangeAsync(
        HttpMethod method, string appId, string path, object? body, IReadOnlyDictionary<string, string>? headers, CancellationToken ct)
    {
        var token = await tokens.GetAsync(ct);
        using var request = NewRequest(method, path, token, headers);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        var (problem, content) = await ExchangeAsync(invocation.For(appId), appId, request, logger, ct);
        // Without a token a 401 means the session behind the cookie has ended.
        return problem?.Status == (int)HttpStatusCode.Unauthorized && token is null ? (ApiProblem.SignedOut, null) : (problem, content);
    }

    /// <summary>
    /// One call through the sidecar, bounded by <see cref="CallTimeout"/>: the body of a success, or the problem to show (the
    /// service's own, or "not answering" for a transport failure or a timeout). Identity's token calls use it too.
    /// </summary>
    internal static async Task<(ApiProblem? Problem, string? Content)> ExchangeAsync(
        HttpClient appClient, string appId, HttpRequestMessage request, ILogger logger, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(CallTimeout);
        try
        {
            using var response = await appClient.SendAsync(request, timeout.Token);
            return response.IsSuccessStatusCode
                ? (null, await response.Content.ReadAsStringAsync(timeout.Token))
                : (await ReadProblemAsync(response, timeout.Token), null);
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            logger.LogWarning(e, "{AppId} did not answer {Method} {Path}", appId, request.Method, request.RequestUri);
            return (ApiProblem.Unreachable(appId), null);
        }
    }

    private static HttpRequestMessage NewRequest(HttpMethod method, string path, string? token, IReadOnlyDictionary<string, string>? headers)
    {
        var request = new HttpRequestMessage(method, path);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    /// <summary>A non-success answer as the problem to show, with the wait its <c>Retry-After</c> asked for.</summary>
    private static async Task<ApiProblem> ReadProblemAsync(HttpResponseMessage response, CancellationToken ct) =>
        ApiProblem.Read(response.StatusCode, await response.Content.ReadAsStringAsync(ct)) with { RetryAfter = ApiProblem.ReadRetryAfter(response.Headers) };

    /// <summary>The value of a successful answer; a body that cannot be read is a bad gateway, not an exception.</summary>
    internal static ApiResult<T> Read<T>(ApiProblem? problem, string? content, string appId, string path, ILogger logger)
    {
        if (problem is not null)
        {
            return ApiResult<T>.Failure(problem);
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(content!, Json);
            return value is null ? ApiResult<T>.Failure(ApiProblem.Read(HttpStatusCode.BadGateway, null)) : ApiResult<T>.Success(value);
        }
        catch (JsonException e)
        {
            logger.LogWarning(e, "{AppId} answered {Path} with a body this page cannot read", appId, path);
            return ApiResult<T>.Failure(ApiProblem.Read(HttpStatusCode.BadGateway, null));
        }
    }

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver() };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.MakeReadOnly();
        return options;
    }
}
