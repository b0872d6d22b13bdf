using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.ServiceDefaults;

/// <summary>
/// The one place that says how a service's DbContext reaches its database. The running app
/// (<see cref="ServiceDefaultsExtensions.AddServiceDatabase{TContext}"/>) and `dotnet ef` (each service's design-time
/// factory) both configure through here, so the model the tools generate migrations from is the model the app runs
/// with; MigrateAsync checks the running model against the migrations' snapshot at every start.
/// </summary>
public static class ServiceDatabase
{
    /// <summary>
    /// For design time only: `dotnet ef migrations add` and `has-pending-model-changes` build the model and never open
    /// this connection, so no database needs to be reachable. Commands that do connect (`database update`) need --connection.
    /// </summary>
    public const string DesignTimeConnectionString = "Host=localhost;Database=design_time_only_never_opened";

    public static DbContextOptionsBuilder UseServiceDatabase(this DbContextOptionsBuilder options, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.UseNpgsql(connectionString);
    }

    /// <summary>What a service's <c>IDesignTimeDbContextFactory</c> builds its context with.</summary>
    public static DbContextOptions<TContext> DesignTimeOptions<TContext>()
        where TContext : DbContext
    {
        var options = new DbContextOptionsBuilder<TContext>();
        options.UseServiceDatabase(DesignTimeConnectionString);
        return options.Options;
    }
}
