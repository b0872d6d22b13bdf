using System.Collections.Concurrent;
using System.Security.Cryptography;
using DaprPlatform.DevHost;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;

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

    private readonly string _prefix = "sd" + Guid.NewGuid().ToString("N")[..8] + "_";
    private PlatformHost? _host;
    private LoopbackApp? _identity;
    private TemporaryRunFile? _runFile;

    public JwksPublisher Jwks { get; } = new();

    public int ConsumerSidecarHttpPort { get; private set; }

    public int ConsumerSidecarGrpcPort { get; private set; }

    public Uri ConsumerSidecarEndpoint => new($"http://127.0.0.1:{ConsumerSidecarHttpPort}");

    public async Task InitializeAsync()
    {
        _identity = await LoopbackApp.StartAsync(app => app.MapGet("/.well-known/jwks.json", (HttpRequest request) => Jwks.Serve(request)));
        ConsumerSidecarHttpPort = FreeTcpPort.Next();
        ConsumerSidecarGrpcPort = FreeTcpPort.Next();
        _runFile = TemporaryRunFile.Create("sd-tests-", [
                new RunFileApp(IdentityAppId, FreeTcpPort.Next(), _identity.Port),
                new RunFileApp(ConsumerAppId, ConsumerSidecarHttpPort) { DaprGrpcPort = ConsumerSidecarGrpcPort },
            ])
            .WithComponent("secretstore.yaml", ComponentYaml.LocalFileSecretStore("./secrets.json", nestedSeparator: ":"))
            .WithFile("secrets.json", SecretsJson);

        _host = await PlatformHost.StartAsync(new DevHostOptions
        {
            RunFilePath = _runFile.RunFilePath,
            PostgresConnectionString = PostgresDatabase.AdminConnectionString,
            StartApps = false,
            DatabasePrefix = _prefix,
            Output = TextWriter.Null,
        });
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_identity is not null)
        {
            await _identity.DisposeAsync();
        }

        await PostgresDatabase.DropAllWithPrefixAsync(_prefix);
        _runFile?.Dispose();
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
