using System.Globalization;

namespace DaprPlatform.Sidecar;

/// <summary>Where the sidecar is and which tokens guard the app↔sidecar hops.</summary>
public sealed class SidecarOptions
{
    private const int DefaultHttpPort = 3500;

    private Uri _httpEndpoint = DefaultEndpoint(DefaultHttpPort);

    public Uri HttpEndpoint
    {
        get => _httpEndpoint;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _httpEndpoint = value;
            // Pointing the client somewhere explicitly means a sidecar is expected there.
            SidecarExpected = true;
        }
    }

    public string? ApiToken { get; set; }

    public string? AppApiToken { get; set; }

    public string? AppId { get; set; }

    public bool SidecarExpected { get; private set; }

    /// <summary>Reads the same variables the official SDKs read (DAPR_HTTP_ENDPOINT, DAPR_HTTP_PORT, DAPR_API_TOKEN, APP_API_TOKEN, APP_ID).</summary>
    public static SidecarOptions FromEnvironment(Func<string, string?>? getEnv = null)
    {
        var options = new SidecarOptions();
        options.ApplyEnvironment(getEnv ?? Environment.GetEnvironmentVariable);
        return options;
    }

    internal void ApplyEnvironment(Func<string, string?> getEnv)
    {
        var endpoint = NonEmpty(getEnv("DAPR_HTTP_ENDPOINT"));
        var port = NonEmpty(getEnv("DAPR_HTTP_PORT"));
        if (endpoint is not null)
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
            {
                throw new InvalidOperationException($"DAPR_HTTP_ENDPOINT '{endpoint}' is not an absolute URI.");
            }

            HttpEndpoint = uri;
        }
        else if (port is not null)
        {
            if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var portNumber) || portNumber is < 1 or > 65535)
            {
                throw new InvalidOperationException($"DAPR_HTTP_PORT '{port}' is not a valid port.");
            }

            HttpEndpoint = DefaultEndpoint(portNumber);
        }

        ApiToken = NonEmpty(getEnv("DAPR_API_TOKEN")) ?? ApiToken;
        AppApiToken = NonEmpty(getEnv("APP_API_TOKEN")) ?? AppApiToken;
        AppId = NonEmpty(getEnv("APP_ID")) ?? AppId;
    }

    private static Uri DefaultEndpoint(int port) =>
        new($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
