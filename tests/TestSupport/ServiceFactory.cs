using System.Net.Http.Headers;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DaprPlatform.TestSupport;

/// <summary>
/// A service's <c>Program</c> in-process (TestServer) in the Testing environment, with the given settings, accepting the access
/// tokens of <see cref="Tokens"/>; without a sidecar unless <see cref="Sidecar"/> names one.
/// </summary>
/// <param name="settings">Configuration of the app (connection string, options).</param>
/// <param name="services">Test services registered after the app's own (fakes, options).</param>
public class ServiceFactory<TProgram>(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    : WebApplicationFactory<TProgram>
    where TProgram : class
{
    public TestAccessTokens Tokens { get; init; } = new();

    /// <summary>The app accepts tokens from <see cref="Tokens"/>; false: it checks them with its own keys (identity, which signs them).</summary>
    public bool AcceptTestTokens { get; init; } = true;

    /// <summary>The HTTP API of the app's own sidecar (e.g. a <see cref="FakeSidecar"/> or a DevHost's); null: no sidecar.</summary>
    public Uri? Sidecar { get; init; }

    /// <summary>The gRPC API of the app's own sidecar (actors, the runtime API), with <see cref="Sidecar"/>.</summary>
    public Uri? SidecarGrpc { get; init; }

    /// <summary>A client sending a fresh access token of <paramref name="userId"/> in <paramref name="role"/>.</summary>
    public HttpClient CreateClientFor(Guid userId, string role, string name = "Test User", TimeSpan? lifetime = null)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.Issue(userId, role, name: name, lifetime: lifetime));
        return client;
    }

    /// <summary>A client that calls like another app through its sidecar: daprd stamps the caller's app id.</summary>
    public HttpClient CreateAppClient(string callerAppId = "workflows")
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add(SidecarCallerEndpointExtensions.CallerAppIdHeader, callerAppId);
        return client;
    }

    /// <summary>Validates scopes and the container on build, as the Development environment would (the app runs in Testing).</summary>
    protected override IHost CreateHost(IHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseDefaultServiceProvider(options =>
        {
            options.ValidateScopes = true;
            options.ValidateOnBuild = true;
        });
        return base.CreateHost(builder);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        if (Sidecar is null)
        {
            builder.UseNoSidecar();
        }
        else
        {
            builder.UseSidecar(Sidecar, SidecarGrpc);
        }

        builder.ConfigureTestServices(testServices =>
        {
            if (AcceptTestTokens)
            {
                testServices.AddSingleton(Tokens.KeySource);
            }

            services?.Invoke(testServices);
        });
    }
}

/// <summary>A <see cref="ServiceFactory{TProgram}"/> whose app keeps its data in <typeparamref name="TDbContext"/>.</summary>
public class ServiceFactory<TProgram, TDbContext>(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    : ServiceFactory<TProgram>(settings, services)
    where TProgram : class
    where TDbContext : DbContext
{
    /// <summary>Runs <paramref name="work"/> on a fresh scope's DbContext of the running app.</summary>
    public async Task<T> WithDbAsync<T>(Func<TDbContext, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TDbContext>());
    }
}
