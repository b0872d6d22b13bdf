using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.TestSupport;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DaprPlatform.Identity.Tests.Api;

public sealed class TokenTests(IdentityApiFixture api) : IClassFixture<IdentityApiFixture>
{
    [Fact]
    public async Task Login_returns_an_RS256_bearer_pair_with_the_platform_claims()
    {
        var user = await api.RegisterAsync(role: "channel-owner", displayName: "Chan Owner");

        var pair = await api.LoginAsync(user with { Email = user.Email.ToUpperInvariant() });

        pair.TokenType.Should().Be("Bearer");
        pair.ExpiresIn.Should().Be(900);
        pair.RefreshToken.Should().HaveLength(43);
        var token = new JsonWebToken(pair.AccessToken);
        token.Alg.Should().Be("RS256");
        token.Kid.Should().Be(api.Tokens.KeyId);
        token.Subject.Should().Be(user.Id.ToString());
        token.GetClaim("email").Value.Should().Be(user.Email);
        token.GetClaim("name").Value.Should().Be("Chan Owner");
        token.GetClaim("role").Value.Should().Be("channel-owner");
        token.Id.Should().NotBeNullOrEmpty();
        token.Issuer.Should().Be("daprplatform-identity");
        token.Audiences.Should().Equal("daprplatform");
        (token.ValidTo - token.IssuedAt).Should().Be(TimeSpan.FromMinutes(15));
        token.ValidFrom.Should().Be(token.IssuedAt);

        var hashes = await api.ScalarAsync<long>("SELECT count(*) FROM refresh_tokens t JOIN refresh_token_families f ON f.id = t.family_id WHERE f.user_id = @id AND length(t.token_hash) = 32", ("id", user.Id));
        hashes.Should().Be(1, "only a 32-byte SHA-256 of the refresh token is stored");
    }

    [Fact]
    public async Task Jwks_publishes_the_public_key_that_validates_a_login_token()
    {
        var user = await api.RegisterAsync();
        var pair = await api.LoginAsync(user);
        using var client = api.CreateClient();

        using var response = await client.GetAsync("/.well-known/jwks.json");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var json = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(json);
        var key = document.RootElement.GetProperty("keys").EnumerateArray().Should().ContainSingle().Subject;
        key.GetProperty("kty").GetString().Should().Be("RSA");
        key.GetProperty("use").GetString().Should().Be("sig");
        key.GetProperty("alg").GetString().Should().Be("RS256");
        key.GetProperty("kid").GetString().Should().Be(api.Tokens.KeyId);
        key.TryGetProperty("d", out _).Should().BeFalse("the private exponent must never be published");

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(pair.AccessToken, new TokenValidationParameters
        {
            IssuerSigningKeys = new JsonWebKeySet(json).GetSigningKeys(),
            ValidIssuer = "daprplatform-identity",
            ValidAudience = "daprplatform",
            ValidAlgorithms = ["RS256"],
        });
        result.IsValid.Should().BeTrue(result.Exception?.Message);
    }

    [Fact]
    public async Task Refresh_rotates_and_reusing_a_consumed_token_revokes_the_whole_family()
    {
        var user = await api.RegisterAsync();
        var first = await api.LoginAsync(user);
        var otherLogin = await api.LoginAsync(user);
        using var client = api.CreateClient();

        using var rotated = await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = first.RefreshToken });
        rotated.StatusCode.Should().Be(HttpStatusCode.OK);
        var second = (await rotated.Content.ReadFromJsonAsync<TokenPair>())!;
        second.RefreshToken.Should().NotBe(first.RefreshToken);
        new JsonWebToken(second.AccessToken).Subject.Should().Be(user.Id.ToString());

        using var reuse = await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = first.RefreshToken });
        reuse.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        await reuse.ReadProblemAsync();

        // The descendant issued before the reuse dies with its family.
        using var descendant = await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = second.RefreshToken });
        descendant.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await api.ScalarAsync<string>(
            "SELECT f.revocation_reason FROM refresh_token_families f JOIN refresh_tokens t ON t.family_id = f.id WHERE t.token_hash = sha256(convert_to(@token, 'UTF8'))",
            ("token", first.RefreshToken))).Should().Be("Reuse");

        // Another login's family is independent.
        using var independent = await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = otherLogin.RefreshToken });
        independent.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Concurrent_exchanges_of_one_refresh_token_succeed_at_most_once()
    {
        var user = await api.RegisterAsync();
        var pair = await api.LoginAsync(user);

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            using var client = api.CreateClient();
            return await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = pair.RefreshToken });
        }));

        // The family row lock serialises the exchanges: the first wins, every later one is a reuse.
        responses.Count(r => r.StatusCode == HttpStatusCode.OK).Should().Be(1);
        responses.Count(r => r.StatusCode == HttpStatusCode.Unauthorized).Should().Be(3);
        (await api.ScalarAsync<string>(
            "SELECT revocation_reason FROM refresh_token_families WHERE user_id = @id", ("id", user.Id))).Should().Be("Reuse");
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Logout_revokes_the_family_and_refuses_another_users_token()
    {
        var user = await api.RegisterAsync();
        var other = await api.RegisterAsync();
        var pair = await api.LoginAsync(user);
        var otherPair = await api.LoginAsync(other);
        using var client = api.CreateClient(pair.AccessToken);

        using var foreign = await client.PostAsJsonAsync("/api/auth/logout", new { refreshToken = otherPair.RefreshToken });
        foreign.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        await foreign.ReadProblemAsync();

        using var logout = await client.PostAsJsonAsync("/api/auth/logout", new { refreshToken = pair.RefreshToken });
        logout.StatusCode.Should().Be(HttpStatusCode.NoContent);

        using var anonymous = api.CreateClient();
        using var refresh = await anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = pair.RefreshToken });
        refresh.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        using var otherRefresh = await anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = otherPair.RefreshToken });
        otherRefresh.StatusCode.Should().Be(HttpStatusCode.OK, "the refused logout must not have touched the other user's session");
    }

    [Fact]
    public async Task Unknown_email_and_wrong_password_fail_alike_and_cost_comparable_time()
    {
        var user = await api.RegisterAsync();
        using var client = api.CreateClient();

        async Task<(JsonElement Problem, TimeSpan Elapsed)> FailAsync(string email, string password)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            using var response = await client.PostAsJsonAsync("/api/auth/login", new { email, password });
            var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            return (await response.ReadProblemAsync(), elapsed);
        }

        var wrongPassword = new List<(JsonElement Problem, TimeSpan Elapsed)>();
        var unknownEmail = new List<(JsonElement Problem, TimeSpan Elapsed)>();
        for (var i = 0; i < 3; i++)
        {
            wrongPassword.Add(await FailAsync(user.Email, "Wrong password 99"));
            unknownEmail.Add(await FailAsync($"nobody-{Guid.NewGuid():N}@example.com", "Wrong password 99"));
        }

        foreach (var field in new[] { "type", "title", "status", "detail" })
        {
            unknownEmail[0].Problem.GetProperty(field).ToString().Should().Be(wrongPassword[0].Problem.GetProperty(field).ToString());
        }

        // Both paths run one 600k-iteration PBKDF2; without the decoy hash the unknown-email path would be ~100x faster.
        var median = static (List<(JsonElement, TimeSpan Elapsed)> runs) => runs.Select(r => r.Elapsed).Order().ElementAt(1);
        median(unknownEmail).Should().BeGreaterThan(median(wrongPassword) * 0.4);
    }

    [Fact]
    public async Task OpenApi_document_describes_every_contract_path()
    {
        using var client = api.CreateClient();

        var document = await client.GetFromJsonAsync<JsonElement>("/swagger/v1/swagger.json");

        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        paths.Should().Contain(
        [
            "/api/auth/register", "/api/auth/login", "/api/auth/refresh", "/api/auth/logout", "/api/auth/me",
            "/api/users/{id}", "/api/users/{id}/change-password", "/.well-known/jwks.json",
        ]);
    }
}
