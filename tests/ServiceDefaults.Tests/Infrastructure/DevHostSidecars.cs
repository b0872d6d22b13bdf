using System.Collections.Concurrent;
using System.Security.Cryptography;
using DaprPlatform.DevHost;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace DaprPlatform.ServiceDefaults.Tests.Infrastructure;

/// <summary>
/// The real DevHost serving two sidecars from a temp run file: "identity", whose app side is hosted here and
/// publishes a JWKS the test controls, and "consumer", the sidecar of the app under test. Both have the
/// dev secret store (secretstores.local.file with nested keys).
/// </summary>
public sealed class DevHostSidecars : IAsyncLifetime
{
    public const string IdentityAppId = "identity";
    public const string ConsumerAppId = "consumer";

    /// <summary>What the consumer's secret store holds (nested JSON, flattened with ':' by the store).</summary>
    public const string SecretsJson = """
        {
          "jwt": { "signingKey": "signing-key-from-store" },
          "feature": { "mode": "from-store", "flag": "from-store" },
          "plain": "plain-from-store"
        }
        """;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sd-tests-" + Guid.NewGuid().ToString("N"));
    private readonly string _prefix = "sd" + Guid.NewGuid().ToString("N")[..8] + "_";
    private PlatformHost? _host;
    private WebApplication? _identity;

    public JwksPublisher Jwks { get; } = new();

    public int ConsumerSidecarHttpPort { get; private set; }

    public Uri ConsumerSidecarEndpoint => new($"http://127.0.0.1:{ConsumerSidecarHttpPort}");

    public async Task InitializeAsync()
    {
        _identity = await StartIdentityAsync();
        var identityPort = new Uri(_identity.Urls.Single()).Port;
        ConsumerSidecarHttpPort = FreeTcpPort.Next();

        var components = Path.Combine(_directory, "components");
        Directory.CreateDirectory(components);
        await File.WriteAllTextAsync(Path.Combine(_directory, "dapr.yaml"), $"""
            version: 1
            apps:
              - appID: {IdentityAppId}
                appDirPath: .
                appPort: {identityPort}
                daprHTTPPort: {FreeTcpPort.Next()}
                daprGRPCPort: {FreeTcpPort.Next()}
                command: ["true"]
                resourcesPaths: ["./components"]
              - appID: {ConsumerAppId}
                appDirPath: .
                daprHTTPPort: {ConsumerSidecarHttpPort}
                daprGRPCPort: {FreeTcpPort.Next()}
                command: ["true"]
                resourcesPaths: ["./components"]
            """);
        await File.WriteAllTextAsync(Path.Combine(components, "secretstore.yaml"), """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: secretstore
            spec:
              type: secretstores.local.file
              version: v1
              metadata:
                - name: secretsFile
                  value: ./secrets.json
                - name: nestedSeparator
                  value: ":"
            """);
        await File.WriteAllTextAsync(Path.Combine(_directory, "secrets.json"), SecretsJson);

        _host = await PlatformHost.StartAsync(new DevHostOptions
        {
            RunFilePath = Path.Combine(_directory, "dapr.yaml"),
            PostgresConnectionString = PostgresDatabase.AdminConnectionString,
            StartApps = false,
            DatabasePrefix = _prefix,
            Output = TextWriter.Null,
        });
    }

    private async Task<WebApplication> StartIdentityAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/.well-known/jwks.json", (HttpRequest request) => Jwks.Serve(request));
        await app.StartAsync();
        return app;
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_identity is not null)
        {
            await _identity.StopAsync();
            await _identity.DisposeAsync();
        }

        await DropDevHostDatabasesAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Temp files only; a leftover folder is harmless.
        }
    }

    private async Task DropDevHostDatabasesAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(PostgresDatabase.AdminConnectionString);
        await admin.OpenAsync();
        var names = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT datname FROM pg_database WHERE datname LIKE @p", admin))
        {
            list.Parameters.AddWithValue("p", _prefix + "%");
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }
        }

        foreach (var name in names)
        {
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }
}

/// <summary>Identity's JWKS endpoint as the test drives it: which keys are published, how often it was asked, and by whom.</summary>
public sealed class JwksPublisher
{
    private volatile IReadOnlyList<object> _keys = [];
    private volatile bool _failing;
    private int _requests;

    public int Requests => Volatile.Read(ref _requests);

    public ConcurrentQueue<string> Callers { get; } = new();

    /// <summary>Publishes exactly these issuers' public keys (a rotation publishes old and new together).</summary>
    public void Publish(params TestAccessTokens[] issuers)
    {
        _keys = issuers.Select(ToJsonWebKey).ToList();
        _failing = false;
    }

    /// <summary>Makes the endpoint answer 503, as an identity instance that is down would through the sidecar.</summary>
    public void Fail() => _failing = true;

    public void ResetCounters()
    {
        Interlocked.Exchange(ref _requests, 0);
        Callers.Clear();
    }

    internal IResult Serve(HttpRequest request)
    {
        Interlocked.Increment(ref _requests);
        Callers.Enqueue(request.Headers["dapr-caller-app-id"].ToString());
        return _failing
            ? Results.StatusCode(StatusCodes.Status503ServiceUnavailable)
            : Results.Json(new { keys = _keys });
    }

    private static object ToJsonWebKey(TestAccessTokens issuer)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(issuer.PrivateKeyPem);
        var p = rsa.ExportParameters(includePrivateParameters: false);
        return new
        {
            kty = "RSA",
            use = "sig",
            alg = "RS256",
            kid = issuer.KeyId,
            n = Base64UrlEncoder.Encode(p.Modulus),
            e = Base64UrlEncoder.Encode(p.Exponent),
        };
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DevHostCollection : ICollectionFixture<DevHostSidecars>
{
    // Not parallel: the secret store tests set DAPR_HTTP_PORT for the whole test process while they run.
    public const string Name = "DevHost sidecars";
}
