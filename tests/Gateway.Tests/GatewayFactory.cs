using System.Globalization;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Gateway.Tests;

/// <summary>The real gateway on Kestrel (real sockets, so limits, aborts and client IPs behave as in production).</summary>
public sealed class GatewayFactory : ServiceFactory<Program>
{
    public const string SidecarApiToken = "gateway-sidecar-token";

    private Uri? _baseAddress;

    public GatewayFactory(Uri sidecarEndpoint, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
        : base(WithDefaults(settings), testServices =>
        {
            if (settings is not null && settings.TryGetValue("Limits:MaxRequestBodyBytes", out var limit) && long.TryParse(limit, CultureInfo.InvariantCulture, out var bytes))
            {
                // Program reads the limit while building; pin it here too so the test does not depend on when settings land.
                testServices.Configure<ServiceLimits>(o => o.MaxRequestBodyBytes = bytes);
                testServices.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = bytes);
            }

            services?.Invoke(testServices);
        })
    {
        Sidecar = sidecarEndpoint;
        UseKestrel(0);
    }

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

    // A rate limit no ordinary test reaches and the sidecar API token the gateway sends (DAPR_API_TOKEN, read by the SDK); the test's settings win.
    private static Dictionary<string, string?> WithDefaults(IReadOnlyDictionary<string, string?>? settings)
    {
        var all = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Gateway:RateLimit:PermitLimit"] = "10000",
            ["DAPR_API_TOKEN"] = SidecarApiToken,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return all;
    }
}
