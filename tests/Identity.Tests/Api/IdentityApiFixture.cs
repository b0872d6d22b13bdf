using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.TestSupport;
using Npgsql;

namespace DaprPlatform.Identity.Tests.Api;

public sealed record RegisteredUser(Guid Id, string Email, string Password, string DisplayName, string Role);

public sealed record TokenPair(string AccessToken, string RefreshToken, int ExpiresIn, string TokenType);

/// <summary>Two registered users, a session of the first, and a listed admin with a session, shared by the read-only bad-input cases.</summary>
public sealed record KnownUsers(RegisteredUser User, RegisteredUser Other, TokenPair Session, RegisteredUser Admin, TokenPair AdminSession);

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
            var admin = await RegisterAsync(ListedAdminEmail);
            return new KnownUsers(user, other, await LoginAsync(user), admin, await LoginAsync(admin));
        });
    }

    public Task<KnownUsers> GetKnownUsersAsync() => _knownUsers.Value;

    /// <summary>Listed in the host's <c>Identity:Admins</c>: whoever registers with it is an admin (the known admin does).</summary>
    public string ListedAdminEmail { get; } = $"listed-admin-{Guid.NewGuid():N}@example.com";

    /// <summary>Listed too, in capitals and after a semicolon: the list matches addresses as registration does, whatever the case.</summary>
    public string SecondListedAdminEmail { get; } = $"second-listed-{Guid.NewGuid():N}@example.com";

    public PostgresDatabase Database { get; } = new("identity_api");

    /// <summary>Identity signs with this key, so tokens from it (e.g. an admin's) are accepted like identity's own.</summary>
    public TestAccessTokens Tokens { get; } = new();

    public ServiceFactory<Program> Factory => _factory ?? throw new InvalidOperationException("Fixture not initialised.");

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        _factory = CreateHost($"{ListedAdminEmail}, ; {SecondListedAdminEmail.ToUpperInvariant()}");
        _ = _factory.Server; // starts the host, which applies the migrations
    }

    /// <summary>
    /// Another identity host on the same database and signing key with its own <c>Identity:Admins</c>: the operator's edit
    /// of the list and restart. The caller disposes it.
    /// </summary>
    public ServiceFactory<Program> CreateHost(string? admins) =>
        new(new Dictionary<string, string?>
        {
            ["ConnectionStrings:identity"] = Database.ConnectionString,
            ["jwt:signingKey"] = Tokens.PrivateKeyPem,
            ["jwt:keyId"] = Tokens.KeyId,
            ["Identity:Admins"] = admins,
        })
        {
            Tokens = Tokens,
            AcceptTestTokens = false,
        };

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        await Database.DisposeAsync();
    }

    public HttpClient CreateClient(string? bearerToken = null) => CreateClient(Factory, bearerToken);

    public static HttpClient CreateClient(ServiceFactory<Program> host, string? bearerToken = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        var client = host.CreateClient();
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

    public async Task<TokenPair> LoginAsync(RegisteredUser user, string? password = null, ServiceFactory<Program>? host = null)
    {
        using var client = CreateClient(host ?? Factory);
        using var response = await client.PostAsJsonAsync("/api/auth/login", new { email = user.Email, password = password ?? user.Password });
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<TokenPair>())!;
    }

    /// <summary>Exchanges a refresh token for a new pair, as a client does when its access token ends.</summary>
    public async Task<TokenPair> RefreshAsync(string refreshToken, ServiceFactory<Program>? host = null)
    {
        using var client = CreateClient(host ?? Factory);
        using var response = await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken });
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<TokenPair>())!;
    }

    /// <summary>The outbox payloads of <paramref name="topic"/> about <paramref name="userId"/>, oldest first.</summary>
    public async Task<List<JsonElement>> EventsAsync(string topic, Guid userId)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT payload::text FROM outbox_messages WHERE topic = @topic AND payload->>'userId' = @id ORDER BY created_at, id", connection);
        command.Parameters.AddWithValue("topic", topic);
        command.Parameters.AddWithValue("id", userId.ToString());
        var events = new List<JsonElement>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            events.Add(JsonDocument.Parse(reader.GetString(0)).RootElement.Clone());
        }

        return events;
    }

    /// <summary>Every account's role, to show that a refused request changed none.</summary>
    public async Task<string> RolesAsync() =>
        (await ScalarAsync<string>("SELECT coalesce(string_agg(id::text || '=' || role, ',' ORDER BY id), '') FROM users"))!;

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
