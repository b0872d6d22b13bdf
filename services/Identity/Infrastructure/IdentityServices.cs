using DaprPlatform.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DaprPlatform.Identity.Infrastructure;

public static class IdentityServices
{
    /// <summary>Call after AddServiceDefaults: replaces the sidecar JWKS key source with identity's own key.</summary>
    public static WebApplicationBuilder AddIdentityServices(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure<TokenLifetimeOptions>(builder.Configuration.GetSection(TokenLifetimeOptions.SectionName));
        builder.Services.TryAddSingleton(TimeProvider.System);
        // Read lazily so test hosts and the secret store can supply the key after the builder is created.
        builder.Services.AddSingleton(sp => AccessTokenSigningKey.FromConfiguration(sp.GetRequiredService<IConfiguration>()));
        builder.Services.Replace(ServiceDescriptor.Singleton<IAccessTokenKeySource, LocalAccessTokenKeySource>());
        builder.Services.AddSingleton<AccessTokenIssuer>();
        builder.Services.AddSingleton<Pbkdf2PasswordHasher>();
        // Lazily too: the secret store's "identity:admins" is loaded with the other secrets.
        builder.Services.AddSingleton(sp => ConfiguredAdmins.FromConfiguration(
            sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<ILogger<ConfiguredAdmins>>()));
        return builder;
    }

    /// <summary>Resolves the signing key once so a missing or broken key stops start-up with a clear message.</summary>
    public static WebApplication EnsureSigningKeyConfigured(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        _ = app.Services.GetRequiredService<AccessTokenSigningKey>();
        return app;
    }

    /// <summary>Reads the admin list once so a malformed address stops start-up (and its size is logged).</summary>
    public static WebApplication EnsureAdminListConfigured(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        _ = app.Services.GetRequiredService<ConfiguredAdmins>();
        return app;
    }
}
