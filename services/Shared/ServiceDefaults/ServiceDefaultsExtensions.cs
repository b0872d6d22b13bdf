using Dapr;
using DaprPlatform.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace DaprPlatform.ServiceDefaults;

/// <summary>The one call per service that wires what every DaprPlatform app needs.</summary>
public static class ServiceDefaultsExtensions
{
    private const string LiveTag = "live";
    private const string ReadyTag = "ready";
    private const long DefaultMaxRequestBodyBytes = 1024 * 1024;

    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, string serviceName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        var sidecar = SidecarPresence.From(builder.Configuration);

        AddSecretStoreConfiguration(builder, sidecar);
        BindAppPort(builder);
        ConfigureLogging(builder);
        // After ConfigureLogging: its ClearProviders would drop the OpenTelemetry logger provider.
        builder.AddPlatformTelemetry(serviceName, sidecar.AppId);

        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sidecar);
        // The official client; it finds the sidecar through DAPR_GRPC_PORT / DAPR_HTTP_PORT and sends DAPR_API_TOKEN.
        services.AddDaprClient();
        services.TryAddSingleton<AppInvocationClients>();
        services.TryAddSingleton<PubSubDeliveryMetrics>();

        var maxBody = builder.Configuration.GetValue("Limits:MaxRequestBodyBytes", DefaultMaxRequestBodyBytes);
        services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = maxBody);
        services.Configure<ServiceLimits>(o => o.MaxRequestBodyBytes = maxBody);

        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            ctx.ProblemDetails.Instance ??= ctx.HttpContext.Request.Path;
            ctx.ProblemDetails.Extensions["traceId"] = System.Diagnostics.Activity.Current?.TraceId.ToString() ?? ctx.HttpContext.TraceIdentifier;
            ctx.ProblemDetails.Extensions.TryAdd("service", serviceName);
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        // Bad bodies (malformed JSON, wrong content type) become exceptions the handler turns into problem details.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase)));

        AddAccessTokenValidation(builder);

        services.AddEndpointsApiExplorer();
        services.AddPlatformSwagger(serviceName);

        services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), tags: [LiveTag])
            .AddCheck<SidecarHealthCheck>("sidecar", tags: [ReadyTag]);

        return builder;
    }

    public static WebApplicationBuilder AddServiceDatabase<TContext>(this WebApplicationBuilder builder, string connectionName)
        where TContext : DbContext
    {
        // Resolved lazily: tests and DevHost supply the connection string after Program starts reading configuration.
        builder.Services.AddDbContext<TContext>((sp, options) =>
        {
            var connectionString = sp.GetRequiredService<IConfiguration>().GetConnectionString(connectionName);
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException(
                    $"No connection string 'ConnectionStrings:{connectionName}'. DevHost passes it as ConnectionStrings__{connectionName}; " +
                    $"under real Dapr it comes from the secret store (secret 'connectionStrings:{connectionName}').");
            }

            options.UseServiceDatabase(connectionString);
        });
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck<TContext>>("database", tags: [ReadyTag]);
        return builder;
    }

    public static WebApplication UseServiceDefaults(this WebApplication app, bool requireAppApiTokenForAllRoutes = true)
    {
        var limits = app.Services.GetRequiredService<IOptions<ServiceLimits>>().Value;

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseDeclaredBodyLimit(limits.MaxRequestBodyBytes);
        app.UseAppApiTokenGuard(requireAppApiTokenForAllRoutes);
        app.UseAuthentication();
        app.UseAuthorization();

        app.UseSwagger();
        app.UseSwaggerUI();

        app.MapHealthChecks("/healthz", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains(LiveTag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains(ReadyTag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        }).AllowAnonymous();
        return app;
    }

    public static async Task MigrateDatabaseAsync<TContext>(this WebApplication app, CancellationToken ct = default)
        where TContext : DbContext
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("DaprPlatform.Migrations");
        var time = app.Services.GetRequiredService<TimeProvider>();
        const int attempts = 10;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var scope = app.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<TContext>();
                await RefuseForeignMigrationHistoryAsync(db, ct);
                await db.Database.MigrateAsync(ct);
                return;
            }
            catch (Npgsql.NpgsqlException ex) when (attempt < attempts && ex.IsTransient)
            {
                // The database server may still be starting next to us (DevHost, Kubernetes).
                logger.LogWarning(ex, "Database not reachable (attempt {Attempt}/{Attempts}); retrying", attempt, attempts);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 5)), time, ct);
            }
        }
    }

    /// <summary>
    /// A database whose history shares no migration id with this build was migrated by another line of migrations
    /// (before ADR 0015: the hand-written ones). Migrating it would try to create tables that already exist, so stop
    /// with a message that says what to do; the data is left alone.
    /// </summary>
    private static async Task RefuseForeignMigrationHistoryAsync(DbContext db, CancellationToken ct)
    {
        var applied = (await db.Database.GetAppliedMigrationsAsync(ct)).ToList();
        var known = db.Database.GetMigrations().ToHashSet(StringComparer.Ordinal);
        if (applied.Count == 0 || applied.Exists(known.Contains))
        {
            return;
        }

        throw new InvalidOperationException(
            $"Database '{db.Database.GetDbConnection().Database}' ({db.GetType().Name}) holds migrations this build does not know " +
            $"({string.Join(", ", applied)}; this build starts with {known.Order(StringComparer.Ordinal).FirstOrDefault() ?? "none"}). " +
            "It was most likely created by the hand-written migrations that docs/adr/0015-ef-core-migrations-by-dotnet-ef.md replaced. " +
            "Nothing was changed. For a local database, drop it (it is created and migrated again at the next start): " +
            "see the README, 'Migrations'.");
    }

    private static void AddSecretStoreConfiguration(WebApplicationBuilder builder, SidecarPresence sidecar)
    {
        var storeName = builder.Configuration["Sidecar:SecretStore"] ?? "secretstore";
        if (!sidecar.Expected || string.Equals(storeName, "none", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        // Insert before environment variables and command line, so an operator's explicit setting still wins.
        var sources = builder.Configuration.Sources;
        var index = sources.ToList().FindLastIndex(s => s is Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationSource { Prefix: null or "" });
        var source = new SidecarSecretStoreConfigurationSource(storeName, builder.Configuration, TimeSpan.FromSeconds(60));
        if (index < 0)
        {
            builder.Configuration.Sources.Add(source);
        }
        else
        {
            builder.Configuration.Sources.Insert(index, source);
        }

        // Inserting into Sources does not reload; build once more so the values are visible now.
        ((IConfigurationRoot)builder.Configuration).Reload();
    }

    private static void BindAppPort(WebApplicationBuilder builder)
    {
        var appPort = Environment.GetEnvironmentVariable("APP_PORT");
        var urlsConfigured = !string.IsNullOrEmpty(builder.Configuration["urls"])
            || !string.IsNullOrEmpty(builder.Configuration["http_ports"])
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_URLS"))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS"));
        if (!urlsConfigured && int.TryParse(appPort, out var port))
        {
            // The sidecar reaches the app on the loopback interface, as `dapr run` sets it up.
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        }
    }

    private static void ConfigureLogging(WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        if (builder.Environment.IsDevelopment())
        {
            // A person reads these (DevHost prefixes each line with the app id): one short line per event.
            // Scopes stay out; the trace id is in the exported spans and in the JSON lines outside Development.
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.IncludeScopes = false;
                o.TimestampFormat = "HH:mm:ss.fff ";
            });
        }
        else
        {
            // Machines read these (log collectors): one JSON object per event, with scopes and UTC timestamps.
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        // Quiet by default: per-command SQL (the outbox polls every second) and per-request HttpClient lines
        // drown what matters. These defaults are fixed here so every service logs alike.
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Routing", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Http.Result", LogLevel.Warning);
        builder.Logging.Configure(o => o.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
    }

    private static void AddAccessTokenValidation(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.Configure<AccessTokenOptions>(builder.Configuration.GetSection(AccessTokenOptions.SectionName));
        services.TryAddSingleton<IAccessTokenKeySource, SidecarJwksKeySource>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer()
            .AddDapr(o => o.Token = DaprDefaults.GetDefaultAppApiToken(builder.Configuration));
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IAccessTokenKeySource, IOptions<AccessTokenOptions>>((jwt, keys, tokenOptions) =>
            {
                var settings = tokenOptions.Value;
                jwt.MapInboundClaims = false;
                jwt.RefreshOnIssuerKeyNotFound = true;
                jwt.ConfigurationManager = new AccessTokenKeyConfigurationManager(keys, settings.Issuer) { UseLastKnownGoodConfiguration = false };
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = settings.Issuer,
                    ValidAudience = settings.Audience,
                    ValidateIssuer = true,
                    ValidateAudience = true,
                    ValidateLifetime = true,
                    ValidateIssuerSigningKey = true,
                    RequireSignedTokens = true,
                    RequireExpirationTime = true,
                    ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
                    ClockSkew = settings.ClockSkew,
                    NameClaimType = PlatformClaims.Subject,
                    RoleClaimType = PlatformClaims.Role,
                };
            });
        services.AddAuthorization();
    }
}

/// <summary>Request limits shared by Kestrel and the declared-length check.</summary>
public sealed class ServiceLimits
{
    public long MaxRequestBodyBytes { get; set; }
}
