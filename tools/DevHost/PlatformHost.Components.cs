using System.Globalization;
using DaprPlatform.DevHost.Configuration;
using DaprPlatform.DevHost.Postgres;
using DaprPlatform.DevHost.Secrets;
using DaprPlatform.DevHost.Sidecar;
using DaprPlatform.DevHost.State;
using Npgsql;

namespace DaprPlatform.DevHost;

/// <summary>How each app's components are served: the stores built from the component files, and where their data lives.</summary>
public sealed partial class PlatformHost
{
    /// <summary>Stripe calls the public edge: the gateway's webhook route, else the payments app directly; null when neither has a port.</summary>
    private static Uri? StripeWebhookUrl(RunFile runFile) =>
        (runFile.Apps.FirstOrDefault(a => a.AppId == "gateway" && a.AppPort is not null) ?? runFile.Apps.FirstOrDefault(a => a.AppId == "payments" && a.AppPort is not null)) is { AppPort: { } port }
            ? new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/api/payments/webhooks/stripe")
            : null;

    private NpgsqlDataSource DataSource(string connectionString) => _dataSources.GetOrAdd(connectionString, cs => NpgsqlDataSource.Create(cs));

    /// <summary>
    /// Decides for every app's components how they are served (<see cref="ComponentSupport"/>). As daprd does not start when
    /// a component fails to initialise, a component DevHost cannot serve stops start-up, naming its file and the reason,
    /// unless it sets <c>spec.ignoreErrors: true</c> (docs: component-schema): then it is left out with a warning, so calls
    /// to it get Dapr's not-found error and GET /v1.0/metadata does not list it.
    /// </summary>
    private Dictionary<string, IReadOnlyList<ServedComponent>> RefuseUnservedComponents(Dictionary<string, ResourceSet> resources, StartupReport report)
    {
        var decisions = resources.ToDictionary(kv => kv.Key, kv => ComponentSupport.DecideAll(kv.Value.Components, out _), StringComparer.Ordinal);
        var fatal = decisions
            .SelectMany(kv => kv.Value.OfType<RefusedComponent>().Where(r => !r.Component.IgnoreErrors).Select(r => (kv.Key, r)))
            .ToList();
        if (fatal.Count > 0) { throw new DevHostConfigurationException(ComponentSupport.FatalMessage(fatal)); }

        var served = new Dictionary<string, IReadOnlyList<ServedComponent>>(StringComparer.Ordinal);
        foreach (var (appId, appDecisions) in decisions)
        {
            foreach (var ignored in appDecisions.OfType<RefusedComponent>())
            {
                report.Add(appId, true, ComponentSupport.IgnoredLine(ignored, _platform.RunFile.Directory));
            }

            served[appId] = appDecisions.OfType<ServedComponent>().ToList();
            resources[appId] = resources[appId] with { Components = served[appId].Select(c => c.Component).ToList() };
        }

        return served;
    }

    private async Task ConfigureComponentsAsync(
        SidecarRuntime sidecar, IReadOnlyList<ServedComponent> served, string devhostDb, NpgsqlDataSource devhostSource, StartupReport report, CancellationToken ct)
    {
        void ReportServed(ServedComponent component, string detail)
            => report.Add(sidecar.AppId, false, ComponentSupport.ServedLine(component, _platform.RunFile.Directory, detail));

        // Secret stores first: a state store may resolve its connectionString through one.
        foreach (var s in served.Where(s => s.Server is ComponentServer.LocalFileSecretStore or ComponentServer.LocalEnvSecretStore))
        {
            var c = s.Component;
            ISecretStore store = s.Server == ComponentServer.LocalFileSecretStore
                ? new LocalFileSecretStore(c, _platform.RunFile.Directory, sidecar.App.AppDirectory)
                : new LocalEnvSecretStore(c, sidecar.Environment);
            sidecar.SecretStores[c.Name] = store;
            ReportServed(s, (s.Server == ComponentServer.LocalFileSecretStore ? "file " : "") + store.Description);
        }

        foreach (var s in served.Where(s => s.Server == ComponentServer.PostgresStateStore))
        {
            var c = s.Component;
            var table = c.PlainValue("tableName") ?? "state";
            var (source, where) = await StateDatabaseAsync(sidecar, s, table, devhostDb, devhostSource, ct);
            var store = new PostgresStateStore(source, table);
            await store.InitializeAsync(ct);
            sidecar.StateStores[c.Name] = store;
            ReportServed(s, where);
        }

        // The broker was created before the sidecars; a pubsub component only needs its name to be known (SidecarRuntime.PubSubs).
        foreach (var s in served.Where(s => s.Server == ComponentServer.DurableBroker))
        {
            ReportServed(s, $"Postgres database {devhostDb}");
        }
    }

    /// <summary>
    /// Where a state store's table lives: the component's own database for state.postgresql v1 when its connectionString
    /// resolves and is reachable (DevHost writes that layout), else DevHost's database; the text says which and why.
    /// </summary>
    private async Task<(NpgsqlDataSource Source, string Where)> StateDatabaseAsync(
        SidecarRuntime sidecar, ServedComponent served, string table, string devhostDb, NpgsqlDataSource devhostSource, CancellationToken ct)
    {
        var where = $"Postgres database {devhostDb}, table {table}";
        if (!served.UsesComponentConnectionString) { return (devhostSource, where); }
        if (_cluster is not null) { return (devhostSource, where + " (private-cluster mode: the component's connectionString is not used)"); }
        if (ResolveMetadata(sidecar, served.Component, "connectionString") is not { Length: > 0 } raw || ConnectionStrings.ToNpgsql(raw) is not { } cs)
        {
            return (devhostSource, where + " (the component's connectionString could not be resolved)");
        }

        var b = new NpgsqlConnectionStringBuilder(cs);
        return await ReachableAsync(cs, ct)
            ? (DataSource(cs), $"Postgres {b.Host}:{b.Port} database {b.Database}, table {table} (the component's connectionString)")
            : (devhostSource, where + $" (the component's connectionString, {b.Host}:{b.Port}/{b.Database}, is not reachable)");
    }

    /// <summary>A metadata value, resolving secretKeyRef through the component's auth.secretStore; null when it cannot be resolved.</summary>
    private string? ResolveMetadata(SidecarRuntime sidecar, ComponentDefinition c, string name)
    {
        var item = c.Metadata.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));
        if (item is null) { return null; }
        if (item.SecretKeyRef is null) { return item.Value; }
        if (c.SecretStore is null || !sidecar.SecretStores.TryGetValue(c.SecretStore, out var store))
        {
            _logger.LogWarning("[{AppId}] {Component}: secretKeyRef for '{Name}' needs auth.secretStore naming a served secret store", sidecar.AppId, c.Name, name);
            return null;
        }

        var secret = store.Get(item.SecretKeyRef.Name);
        return secret?.GetValueOrDefault(item.SecretKeyRef.Key);
    }

    private static async Task<bool> ReachableAsync(string connectionString, CancellationToken ct)
    {
        try
        {
            var b = new NpgsqlConnectionStringBuilder(connectionString) { Timeout = 3, Pooling = false };
            await using var conn = new NpgsqlConnection(b.ConnectionString);
            await conn.OpenAsync(ct);
            return true;
        }
        catch (Exception ex) when (ex is NpgsqlException or ArgumentException or InvalidOperationException or TimeoutException or System.Net.Sockets.SocketException)
        {
            return false;
        }
    }
}
