using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Json;
using DaprPlatform.ServiceDefaults.Tests.Infrastructure;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DaprPlatform.ServiceDefaults.Tests;

/// <summary>JWT bearer validation: RS256 only, issuer/audience/lifetime enforced, claims kept as written.</summary>
public sealed class AccessTokenValidationTests : IAsyncLifetime
{
    private readonly TestAccessTokens _tokens = new();
    // Same key source as _tokens plus these issuers' keys, so issuer and audience are the only thing wrong with their tokens.
    private readonly TestAccessTokens _wrongIssuer = new(issuer: "someone-else");
    private readonly TestAccessTokens _wrongAudience = new(audience: "another-platform");
    private InProcessApp _app = null!;

    public async Task InitializeAsync() =>
        _app = await InProcessApp.StartAsync(
            MapEndpoints,
            beforeDefaults: b => b.Services.AddSingleton<IAccessTokenKeySource>(
                new CombinedKeySource(_tokens.KeySource, _wrongIssuer.KeySource, _wrongAudience.KeySource)));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static void MapEndpoints(WebApplication app)
    {
        app.MapGet("/me", (ClaimsPrincipal user) => Results.Ok(new
        {
            userId = user.GetUserId(),
            sub = user.FindFirst(PlatformClaims.Subject)?.Value,
            role = user.FindFirst(PlatformClaims.Role)?.Value,
            email = user.FindFirst(PlatformClaims.Email)?.Value,
            displayName = user.FindFirst(PlatformClaims.Name)?.Value,
            name = user.Identity?.Name,
            isStudent = user.IsInRole(PlatformRoles.Student),
            isAdmin = user.IsAdmin(),
        })).RequireAuthorization();
        app.MapGet("/admin-only", () => Results.Ok()).RequireAuthorization(p => p.RequireRole(PlatformRoles.Admin));
    }

    private async Task<HttpResponseMessage> GetWithTokenAsync(string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await _app.Client.SendAsync(request);
    }

    private static async Task ShouldBeRejectedAsync(HttpResponseMessage response, string? reason = null)
    {
        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        challenge.Should().StartWith("Bearer");
        if (reason is not null)
        {
            challenge.Should().Contain(reason);
        }

        var problem = await response.ReadProblemAsync();
        problem.GetProperty("title").GetString().Should().NotBeNullOrWhiteSpace();
        problem.GetProperty("traceId").GetString().Should().NotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task Valid_token_authenticates_with_claims_as_written()
    {
        var userId = Guid.NewGuid();
        using var response = await GetWithTokenAsync("/me", _tokens.Issue(userId, PlatformRoles.Student, "ada@example.com", "Ada"));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var me = body.RootElement;
        me.GetProperty("userId").GetGuid().Should().Be(userId);
        me.GetProperty("sub").GetString().Should().Be(userId.ToString());
        me.GetProperty("role").GetString().Should().Be(PlatformRoles.Student);
        me.GetProperty("email").GetString().Should().Be("ada@example.com");
        me.GetProperty("displayName").GetString().Should().Be("Ada");
        me.GetProperty("name").GetString().Should().Be(userId.ToString(), "the name claim type is sub");
        me.GetProperty("isStudent").GetBoolean().Should().BeTrue();
        me.GetProperty("isAdmin").GetBoolean().Should().BeFalse();
    }

    [Fact]
    public async Task Role_policy_admits_the_role_and_forbids_others_with_a_403_problem()
    {
        using (var admin = await GetWithTokenAsync("/admin-only", _tokens.Issue(Guid.NewGuid(), PlatformRoles.Admin)))
        {
            admin.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        using var student = await GetWithTokenAsync("/admin-only", _tokens.Issue(Guid.NewGuid(), PlatformRoles.Student));
        student.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        await student.ReadProblemAsync();
    }

    [Fact]
    public async Task Missing_token_is_a_401_problem()
    {
        using var response = await GetWithTokenAsync("/me", null);
        await ShouldBeRejectedAsync(response);
    }

    [Fact]
    public async Task Garbage_token_is_a_401_problem()
    {
        using var response = await GetWithTokenAsync("/me", "not-a-jwt");
        await ShouldBeRejectedAsync(response);
    }

    [Fact]
    public async Task Expired_token_is_a_401_problem()
    {
        using var response = await GetWithTokenAsync("/me", _tokens.IssueExpired(Guid.NewGuid(), PlatformRoles.Student));
        await ShouldBeRejectedAsync(response, "expired");
    }

    [Fact]
    public async Task Token_expired_within_the_clock_skew_is_still_accepted()
    {
        // AccessTokenOptions.ClockSkew defaults to 30 s; a token that expired 10 s ago is within it.
        var token = _tokens.Issue(Guid.NewGuid(), PlatformRoles.Student, lifetime: TimeSpan.FromMinutes(1), now: DateTimeOffset.UtcNow.AddSeconds(-70));
        using var response = await GetWithTokenAsync("/me", token);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Token_signed_by_a_foreign_key_with_a_trusted_kid_is_a_401_problem()
    {
        using var response = await GetWithTokenAsync("/me", _tokens.IssueWithForeignKey(Guid.NewGuid(), PlatformRoles.Admin));
        await ShouldBeRejectedAsync(response);
    }

    [Fact]
    public async Task Unsigned_alg_none_token_is_a_401_problem()
    {
        using var response = await GetWithTokenAsync("/me", _tokens.IssueUnsigned(Guid.NewGuid(), PlatformRoles.Admin));
        await ShouldBeRejectedAsync(response);
    }

    [Fact]
    public async Task Wrong_issuer_is_a_401_problem()
    {
        using var response = await GetWithTokenAsync("/me", _wrongIssuer.Issue(Guid.NewGuid(), PlatformRoles.Student));
        await ShouldBeRejectedAsync(response, "issuer");
    }

    [Fact]
    public async Task Wrong_audience_is_a_401_problem()
    {
        using var response = await GetWithTokenAsync("/me", _wrongAudience.Issue(Guid.NewGuid(), PlatformRoles.Student));
        await ShouldBeRejectedAsync(response, "audience");
    }

    [Fact]
    public async Task Hs256_token_is_a_401_problem_even_with_the_trusted_kid()
    {
        // Only RS256 is accepted; a symmetric signature must never be taken for the platform's.
        var key = new SymmetricSecurityKey(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) { KeyId = _tokens.KeyId };
        var now = DateTime.UtcNow;
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "daprplatform-identity",
            Audience = "daprplatform",
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(15),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
            Subject = new ClaimsIdentity([new Claim(PlatformClaims.Subject, Guid.NewGuid().ToString()), new Claim(PlatformClaims.Role, PlatformRoles.Admin)]),
        });
        using var response = await GetWithTokenAsync("/me", token);
        await ShouldBeRejectedAsync(response);
    }

    [Fact]
    public async Task Token_without_expiry_is_a_401_problem()
    {
        using var rsa = System.Security.Cryptography.RSA.Create();
        rsa.ImportFromPem(_tokens.PrivateKeyPem);
        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "daprplatform-identity",
            Audience = "daprplatform",
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = _tokens.KeyId }, SecurityAlgorithms.RsaSha256),
            Subject = new ClaimsIdentity([new Claim(PlatformClaims.Subject, Guid.NewGuid().ToString()), new Claim(PlatformClaims.Role, PlatformRoles.Student)]),
        });
        using var response = await GetWithTokenAsync("/me", token);
        await ShouldBeRejectedAsync(response);
    }

    private sealed class CombinedKeySource(params IAccessTokenKeySource[] sources) : IAccessTokenKeySource
    {
        public async Task<IReadOnlyCollection<SecurityKey>> GetSigningKeysAsync(bool forceRefresh, CancellationToken ct)
        {
            var keys = new List<SecurityKey>();
            foreach (var source in sources)
            {
                keys.AddRange(await source.GetSigningKeysAsync(forceRefresh, ct));
            }

            return keys;
        }
    }
}
