using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Gateway.Tests;

/// <summary>The real gateway on Kestrel (real sockets, so limits, aborts and client IPs behave as in production).</summary>
public sealed class GatewayFactory : WebApplicationFactory<Program>
{
    public const string SidecarApiToken = "gateway-sidecar-token";

    private readonly Uri _sidecarEndpoint;
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;
    private Uri? _baseAddress;

    public GatewayFactory(Uri sidecarEndpoint, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        _sidecarEndpoint = sidecarEndpoint;
        _settings = settings ?? new Dictionary<string, string?>();
        _services = services;
        UseKestrel(0);
    }

    public TestAccessTokens Tokens { get; } = new();

    /// <summary>
    /// A plain client: the default test client follows redirects and, to replay them, buffers every request body,
    /// which would hide both redirects the gateway must pass through and request streaming.
    /// </summary>
    public HttpClient CreatePlainClient()
    {
        // The first default client starts Kestrel and tells us the address it bound.
        using (var starter = CreateClient())
        {
            _baseAddress ??= starter.BaseAddress;
        }

        return CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = _baseAddress!, AllowAutoRedirect = false, HandleCookies = false });
    }

    public HttpClient CreateClientWithToken(Guid? userId = null)
    {
        var client = CreatePlainClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", Tokens.Issue(userId ?? Guid.NewGuid(), PlatformRoles.Student));
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Gateway:RateLimit:PermitLimit", "10000");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        // Read by the SDK's invocation client, as under `dapr run` (configuration first, then environment).
        builder.UseSetting("DAPR_HTTP_ENDPOINT", _sidecarEndpoint.ToString().TrimEnd('/'));
        builder.UseSetting("DAPR_API_TOKEN", SidecarApiToken);
        // The stand-in serves invocation only; configuration comes from the test, not a secret store.
        builder.UseSetting("Sidecar:SecretStore", "none");
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton(Tokens.KeySource);
            if (_settings.TryGetValue("Limits:MaxRequestBodyBytes", out var limit) && long.TryParse(limit, out var bytes))
            {
                // Program reads the limit while building; pin it here too so the test does not depend on when settings land.
                services.Configure<ServiceLimits>(o => o.MaxRequestBodyBytes = bytes);
                services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = bytes);
            }

            _services?.Invoke(services);
        });
    }
}
