using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace DaprPlatform.DevHost.Telegram;

/// <summary>What setWebhook stored, as getWebhookInfo reports it.</summary>
public sealed record WebhookSettings(Uri Url, string? SecretToken);

/// <summary>The outcome of handing one update to the webhook.</summary>
public sealed record WebhookDelivery(long UpdateId, int Status, string Body);

/// <summary>
/// The webhook a bot set with setWebhook, and delivery of updates to it the way Telegram does: an HTTPS POST of the
/// Update as JSON with <c>X-Telegram-Bot-Api-Secret-Token</c> when a secret_token was given. Unlike Telegram the
/// stand-in also accepts plain http (local apps have no certificate) and delivers only when asked (control API).
/// </summary>
public sealed partial class StandInWebhook(HttpClient http)
{
    public const string SecretHeader = "X-Telegram-Bot-Api-Secret-Token";

    private readonly Lock _gate = new();
    private WebhookSettings? _settings;
    private long _lastUpdateId;

    public WebhookSettings? Current
    {
        get
        {
            lock (_gate) { return _settings; }
        }
    }

    /// <summary>setWebhook's rules: an absolute http(s) URL; secret_token of 1–256 characters A-Z, a-z, 0-9, _ and -.</summary>
    public static string? Check(string? url, string? secretToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return "Bad Request: bad webhook: An HTTPS URL must be provided for webhook";
        }

        return secretToken is null || SecretTokenPattern().IsMatch(secretToken) ? null : "Bad Request: secret token contains unallowed characters";
    }

    public void Set(Uri url, string? secretToken)
    {
        lock (_gate) { _settings = new WebhookSettings(url, secretToken); }
    }

    public void Delete()
    {
        lock (_gate) { _settings = null; }
    }

    /// <summary>POSTs the update (given an <c>update_id</c> if it has none) to the webhook; null when no webhook is set.</summary>
    public async Task<WebhookDelivery?> DeliverAsync(JsonObject update, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(update);
        WebhookSettings? settings;
        long updateId;
        lock (_gate)
        {
            settings = _settings;
            // Update identifiers increase one by one; an explicit id moves the sequence on.
            updateId = update["update_id"]?.GetValue<long>() ?? _lastUpdateId + 1;
            _lastUpdateId = Math.Max(_lastUpdateId, updateId);
        }

        if (settings is null) { return null; }
        update["update_id"] = updateId;
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.Url)
        {
            Content = new StringContent(update.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (settings.SecretToken is { } secret) { request.Headers.TryAddWithoutValidation(SecretHeader, secret); }
        using var response = await http.SendAsync(request, ct);
        return new WebhookDelivery(updateId, (int)response.StatusCode, await response.Content.ReadAsStringAsync(ct));
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,256}$", RegexOptions.CultureInvariant)]
    private static partial Regex SecretTokenPattern();
}
