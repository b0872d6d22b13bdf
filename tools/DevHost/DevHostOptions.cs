namespace DaprPlatform.DevHost;

/// <summary>How a <see cref="PlatformHost"/> is started.</summary>
public sealed record DevHostOptions
{
    public required string RunFilePath { get; init; }

    /// <summary>Admin connection string of an existing server; null = env DEVHOST_POSTGRES, else a private cluster under .devhost/pg.</summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary>false: serve sidecars only; the caller runs the apps itself (tests).</summary>
    public bool StartApps { get; init; } = true;

    /// <summary>Subset of app ids; null = all.</summary>
    public IReadOnlyCollection<string>? Apps { get; init; }

    /// <summary>Prefix for every database DevHost creates (tests use a unique prefix per run).</summary>
    public string DatabasePrefix { get; init; } = "";

    /// <summary>
    /// How long start-up waits for an app to be ready (its port open; with health checks, a passing probe; then
    /// /dapr/config and /dapr/subscribe read). A slower app is reported on one line and DevHost keeps waiting for it in the
    /// background, as daprd does; the other apps are not held up.
    /// </summary>
    public TimeSpan AppStartTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Where the status lines, the status table and the prefixed app logs go; null = the console. How each component is served is logged through the logger (category DevHost).</summary>
    public TextWriter? Output { get; init; }

    /// <summary>
    /// null = off (the apps use whatever Telegram settings they have). Otherwise DevHost serves the Telegram stand-in and
    /// gives every app <c>Telegram__BaseUrl</c> and <c>Telegram__BotToken</c> pointing at it.
    /// </summary>
    public TelegramStandInOptions? TelegramStandIn { get; init; }

    /// <summary>
    /// null = off (the apps use whatever Stripe settings they have). Otherwise DevHost serves the Stripe stand-in and
    /// gives every app <c>Stripe__BaseUrl</c>, <c>Stripe__SecretKey</c> and <c>Stripe__WebhookSecret</c>.
    /// </summary>
    public StripeStandInOptions? StripeStandIn { get; init; }

    /// <summary>
    /// Extra environment per app id, on top of what the run file gives it (e.g. a test raising the gateway's rate limit);
    /// <see cref="PlatformHost.StartAppAsync(string, IReadOnlyDictionary{string, string}?, CancellationToken)"/> adds to them
    /// (and outranks them) later; an empty set there returns to these.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> AppEnvironment { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
}

/// <summary>DevHost's local stand-in for the Telegram Bot API (tools/DevHost/README.md, "Telegram stand-in").</summary>
public sealed record TelegramStandInOptions
{
    /// <summary>A well-formed token (bot id 1000000001) that is no real bot's.</summary>
    public const string DefaultBotToken = "1000000001:DevHost-stand-in-token-not-a-real-bot";

    public int Port { get; init; } = 8081;

    /// <summary>The only token the stand-in accepts; the apps are given it.</summary>
    public string BotToken { get; init; } = DefaultBotToken;

    /// <summary>Telegram's token shape: the bot's numeric id, a colon, a secret.</summary>
    public static bool IsWellFormedToken(string? token) =>
        token?.Split(':') is [var id, { Length: > 0 }] && long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0;
}

/// <summary>DevHost's local stand-in for Stripe's API in test mode (tools/DevHost/README.md, "Stripe stand-in").</summary>
public sealed record StripeStandInOptions
{
    /// <summary>A well-formed test-mode secret key that is no real account's.</summary>
    public const string DefaultSecretKey = "sk_test_devhost_stand_in_not_a_real_key";

    public const string DefaultWebhookSecret = "whsec_devhost_stand_in_not_a_real_secret";

    /// <summary>stripe-mock's port.</summary>
    public int Port { get; init; } = 12111;

    /// <summary>What the apps are given; the stand-in accepts any <c>sk_test_…</c> key.</summary>
    public string SecretKey { get; init; } = DefaultSecretKey;

    /// <summary>The endpoint secret that signs webhooks (Stripe-Signature); the apps are given it.</summary>
    public string WebhookSecret { get; init; } = DefaultWebhookSecret;

    /// <summary>Where events are POSTed; null = none. PlatformHost fills it from the run file when left null (gateway, else payments).</summary>
    public Uri? WebhookUrl { get; init; }

    /// <summary>Attempts per event, the first one included.</summary>
    public int WebhookMaxAttempts { get; init; } = 6;

    /// <summary>Wait before the first retry; each further retry waits twice as long (1 s, 2 s, 4 s, 8 s, 16 s by default).</summary>
    public TimeSpan WebhookFirstRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The account's API version: answers are rendered in it when a request sends no <c>Stripe-Version</c>. Defaults to the
    /// version Stripe.net 53.1.0 pins, whose <c>EventUtility</c> reads only events of its own release line.
    /// </summary>
    public string ApiVersion { get; init; } = Stripe.StripeApiVersions.Latest;

    /// <summary>The webhook endpoint's API version (Stripe lets an endpoint pin one): events are rendered in it and carry it; null = the account's.</summary>
    public string? WebhookApiVersion { get; init; }
}

public enum AppState
{
    /// <summary>Started; DevHost waits for its app port to open (and, with health checks, for a passing probe).</summary>
    Starting,
    Running,

    /// <summary>Up, but its health checks (enableAppHealthCheck) fail: no deliveries, invocations are refused, as in daprd.</summary>
    Unhealthy,
    /// <summary>The app is run by someone else (StartApps = false).</summary>
    External,
    Exited,
    Stopped,
}

public sealed record AppStatus(string AppId, int? Pid, int? AppPort, int HttpPort, int GrpcPort, AppState State);

/// <summary>A run file or resource file DevHost cannot use; the message names the file and the problem.</summary>
public sealed class DevHostConfigurationException(string message) : Exception(message);
