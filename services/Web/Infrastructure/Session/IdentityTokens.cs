using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Web.Infrastructure.Services;

namespace DaprPlatform.Web.Infrastructure.Session;

/// <summary>Identity's token endpoints, called through this app's sidecar before (or without) a session.</summary>
public sealed class IdentityTokens(AppInvocationClients invocation, ILogger<IdentityTokens> logger)
{
    public const string AppId = "identity";

    public Task<ApiResult<TokenPair>> LogInAsync(string? email, string? password, CancellationToken ct) =>
        PostAsync<TokenPair>("api/auth/login", new { email, password }, ct);

    /// <summary>Exchanges the refresh token for a new pair (identity rotates it: the old one is spent).</summary>
    public Task<ApiResult<TokenPair>> RefreshAsync(string refreshToken, CancellationToken ct) =>
        PostAsync<TokenPair>("api/auth/refresh", new { refreshToken }, ct);

    /// <summary>Revokes the refresh token's family (identity wants the owner's valid access token with it); the access token lapses by itself within minutes.</summary>
    public async Task LogOutAsync(string accessToken, string refreshToken, CancellationToken ct)
    {
        using var request = Post("api/auth/logout", new { refreshToken });
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        var (problem, _) = await SendAsync(request, ct);
        if (problem is not null)
        {
            logger.LogWarning("Identity did not revoke a refresh token on sign-out: {Status} {Title}", problem.Status, problem.Title);
        }
    }

    public async Task<ApiResult<SignedInUser>> GetUserAsync(string accessToken, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/auth/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return Read<SignedInUser>(await SendAsync(request, ct));
    }

    private async Task<ApiResult<T>> PostAsync<T>(string path, object body, CancellationToken ct)
    {
        using var request = Post(path, body);
        return Read<T>(await SendAsync(request, ct));
    }

    private static HttpRequestMessage Post(string path, object body) =>
        new(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: ServiceCalls.Json) };

    private static ApiResult<T> Read<T>((ApiProblem? Problem, string? Content) answer)
    {
        if (answer.Problem is not null)
        {
            return ApiResult<T>.Failure(answer.Problem);
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(answer.Content!, ServiceCalls.Json);
            return value is null ? ApiResult<T>.Failure(ApiProblem.Read(HttpStatusCode.BadGateway, null)) : ApiResult<T>.Success(value);
        }
        catch (JsonException)
        {
            return ApiResult<T>.Failure(ApiProblem.Read(HttpStatusCode.BadGateway, null));
        }
    }

    private async Task<(ApiProblem? Problem, string? Content)> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ServiceCalls.CallTimeout);
        try
        {
            using var response = await invocation.For(AppId).SendAsync(request, timeout.Token);
            var content = await response.Content.ReadAsStringAsync(timeout.Token);
            return response.IsSuccessStatusCode ? (null, content) : (ApiProblem.Read(response.StatusCode, content), null);
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            logger.LogWarning(e, "Identity did not answer {Path}", request.RequestUri);
            return (ApiProblem.Unreachable(AppId), null);
        }
    }
}
