using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.TestSupport;
using Npgsql;

namespace DaprPlatform.Identity.Tests.Api;

public sealed record RegisteredUser(Guid Id, string Email, string Password, string DisplayName, string Role);

public sealed record TokenPair(string AccessToken, string RefreshToken, int ExpiresIn, string TokenType);

/// <summary>Two registered users and a session of the first, shared by the read-only bad-input cases.</summary>
public sealed record KnownUsers(RegisteredUser User, RegisteredUser Other, TokenPair Session);

/// <summary>The identity app in-process on its own real Postgres database, signing with a test-controlled key.</summary>
public sealed class IdentityApiFixture : IAsyncLifetime
{
    public const string StrongPassword = "Correct horse 42";

    private ServiceFactory<Program>? _factory;
    private readonly Lazy<Task<KnownUsers>> _knownUsers;

    public IdentityApiFixture()
    {
        _knownUsers = new Lazy<Task<KnownUsers>>(async () =>
        {
            var user = await RegisterAsync($"known-{Guid.NewGuid():N}@example.com");
            var other = await RegisterAsync();
            return new KnownUsers(user, other, await LoginAsync(user));
        });
    }

    public Task<KnownUsers> GetKnownUsersAsync() => _knownUsers.Value;

    public PostgresDatabase Database { get; } = new("identity_api");

    /// <summary>Identity signs with this key, so tokens from it (e.g. an admin's) are accepted like identity's own.</summary>
    public TestAccessTokens Tokens { get; } = new();

    public ServiceFactory<Program> Factory => _factory ?? throw new InvalidOperationException("Fixture not initialised.");

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        _factory = new ServiceFactory<Program>(new Dictionary<string, string?>
        {
            ["ConnectionStrings:identity"] = Database.ConnectionString,
            ["jwt:signingKey"] = Tokens.PrivateKeyPem,
            ["jwt:keyId"] = Tokens.KeyId,
        })
        {
            Tokens = Tokens,
            AcceptTestTokens = false,
        };
        _ = _factory.Server; // starts the host, which applies the migrations
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        await Database.DisposeAsync();
    }

    public HttpClient CreateClient(string? bearerToken = null)
    {
        var client = Factory.CreateClient();
        if (bearerToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        }

        return client;
    }

    public async Task<RegisteredUser> RegisterAsync(string? email = null, string? role = null, string displayName = "Ann Example")
    {
        email ??= $"user-{Guid.NewGuid():N}@example.com";
        using var client = CreateClient();
        using var response = await client.PostAsJsonAsync("/api/auth/register", new { email, password = StrongPassword, displayName, role });
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new RegisteredUser(body.GetProperty("id").GetGuid(), email, StrongPassword, displayName, body.GetProperty("role").GetString()!);
    }

    public async Task<TokenPair> LoginAsync(RegisteredUser user, string? password = null)
    {
        using var client = CreateClient();
        using var response = await client.PostAsJsonAsync("/api/auth/login", new { email = user.Email, password = password ?? user.Password });
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<TokenPair>())!;
    }

    public Task<RowCounts> CountRowsAsync() => Database.CountRowsAsync("users", "outbox_messages", "refresh_tokens", "refresh_token_families");

    public async Task<T?> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? default : (T)result;
    }
}
