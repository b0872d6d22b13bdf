using System.Globalization;
using System.Security.Cryptography;
using Dapr.Client;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Web.Infrastructure.Session;

/// <summary>
/// Browser sessions in the app's Dapr state store (the <c>statestore</c> component: Postgres here, whatever the YAML says elsewhere),
/// each with a TTL equal to its remaining lifetime, so an abandoned session disappears by itself and every replica of <c>web</c>
/// sees the same sessions.
/// </summary>
public sealed class BrowserSessionStore(DaprClient dapr, IOptions<BrowserSessionOptions> options, TimeProvider time)
{
    private const string KeyPrefix = "browser-session-";

    public static string NewId() => Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    public async Task<BrowserSession?> GetAsync(string id, CancellationToken ct)
    {
        if (!IsWellFormedId(id))
        {
            return null;
        }

        var session = await dapr.GetStateAsync<BrowserSession?>(options.Value.StateStore, KeyPrefix + id, cancellationToken: ct);
        return session is null || session.HasEnded(time.GetUtcNow()) ? null : session;
    }

    public Task SaveAsync(BrowserSession session, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        var remaining = session.ExpiresAt - time.GetUtcNow();
        var ttl = Math.Max(1, (long)Math.Ceiling(remaining.TotalSeconds));
        return dapr.SaveStateAsync(options.Value.StateStore, KeyPrefix + session.Id, session,
            metadata: new Dictionary<string, string> { ["ttlInSeconds"] = ttl.ToString(CultureInfo.InvariantCulture) }, cancellationToken: ct);
    }

    public Task DeleteAsync(string id, CancellationToken ct) =>
        IsWellFormedId(id) ? dapr.DeleteStateAsync(options.Value.StateStore, KeyPrefix + id, cancellationToken: ct) : Task.CompletedTask;

    /// <summary>Whether <paramref name="id"/> could have come from <see cref="NewId"/> (anything else is not looked up).</summary>
    public static bool IsWellFormedId([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? id) =>
        id is { Length: 43 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
