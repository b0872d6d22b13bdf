using System.Net.Http.Headers;
using System.Net.Http.Json;
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
        return Read<SignedInUser>(await SendAsync(request, ct), "api/auth/me", logger);
    }

    private async Task<ApiResult<T>> PostAsync<T>(string path, object body, CancellationToken ct)
    {
        using var request = Post(path, body);
        return Read<T>(await SendAsync(request, ct), path, logger);
    }

    private static HttpRequestMessage Post(string path, object body) =>
        new(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: ServiceCalls.Json) };

    private static ApiResult<T> Read<T>((ApiProblem? Problem, string? Content) answer, string path, ILogger logger) =>
        ServiceCalls.Read<T>(answer.Problem, answer.Content, AppId, path, logger);

    private Task<(ApiProblem? Problem, string? Content)> SendAsync(HttpRequestMessage request, CancellationToken ct) =>
        ServiceCalls.ExchangeAsync(invocation.For(AppId), AppId, request, logger, ct);
}
