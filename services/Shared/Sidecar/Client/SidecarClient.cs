using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DaprPlatform.Sidecar;

/// <summary>
/// Client for the Dapr sidecar HTTP API (v1.0), written against the documented wire protocol.
/// Every call carries dapr-api-token (when configured) and the W3C trace context.
/// </summary>
public partial class SidecarClient
{
    public const string ApiTokenHeader = "dapr-api-token";

    private const string JsonMediaType = "application/json";

    private readonly HttpClient _http;
    private readonly ILogger _logger;

    [ActivatorUtilitiesConstructor]
    public SidecarClient(HttpClient httpClient, SidecarOptions options, TimeProvider timeProvider, ILogger<SidecarClient> logger)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _http = httpClient;
        Options = options;
        TimeProvider = timeProvider;
        _logger = logger;
    }

    public SidecarClient(HttpClient httpClient, SidecarOptions options)
        : this(httpClient, options, TimeProvider.System, NullLogger<SidecarClient>.Instance)
    {
    }

    public SidecarOptions Options { get; }

    protected TimeProvider TimeProvider { get; }

    /// <summary>A request to the sidecar with the token and current trace context already set.</summary>
    protected HttpRequestMessage CreateSidecarRequest(HttpMethod method, string pathAndQuery)
    {
        var baseUrl = Options.HttpEndpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
        var request = new HttpRequestMessage(method, new Uri(baseUrl + "/" + pathAndQuery.TrimStart('/'), UriKind.Absolute));
        if (!string.IsNullOrEmpty(Options.ApiToken))
        {
            request.Headers.TryAddWithoutValidation(ApiTokenHeader, Options.ApiToken);
        }

        if (Activity.Current is { } current)
        {
            SidecarTelemetry.Apply(request.Headers, current);
        }

        return request;
    }

    /// <summary>Sends to the sidecar; when no trace context is on the request yet, a client activity supplies one.</summary>
    protected async Task<HttpResponseMessage> SendToSidecarAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var hasTraceParent = request.Headers.TryGetValues(SidecarTelemetry.TraceParentHeader, out var values);
        var traceParent = hasTraceParent ? values!.FirstOrDefault() : null;
        // A client span when someone listens; without one, a bare activity only when the request has no trace context yet.
        using var activity = SidecarTelemetry.StartSidecarCall(request, traceParent);
        if (activity is null)
        {
            return await _http.SendAsync(request, completion, ct);
        }

        // The header is ours when it came from Activity.Current (CreateSidecarRequest); a caller-chosen one is left alone.
        if (!hasTraceParent || (Activity.Current?.Parent is { } parent && string.Equals(traceParent, parent.Id, StringComparison.Ordinal)))
        {
            SidecarTelemetry.Apply(request.Headers, activity);
        }

        try
        {
            var response = await _http.SendAsync(request, completion, ct);
            SidecarTelemetry.Completed(activity, response);
            return response;
        }
        catch (Exception ex)
        {
            activity.SetStatus(ActivityStatusCode.Error, ex.Message);
            activity.SetTag("error.type", ex.GetType().FullName);
            throw;
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, HttpContent? content, CancellationToken ct)
    {
        using var request = CreateSidecarRequest(method, pathAndQuery);
        request.Content = content;
        return await SendToSidecarAsync(request, HttpCompletionOption.ResponseContentRead, ct);
    }

    private static ByteArrayContent JsonContent<T>(T value) => JsonBytes(JsonSerializer.SerializeToUtf8Bytes(value, SidecarJson.Options));

    private static ByteArrayContent JsonBytes(byte[] utf8Json)
    {
        var content = new ByteArrayContent(utf8Json);
        // Exactly "application/json": the sidecar copies it into the CloudEvent's datacontenttype.
        content.Headers.ContentType = new MediaTypeHeaderValue(JsonMediaType);
        return content;
    }

    private static async Task<T?> ReadJsonAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.StatusCode == HttpStatusCode.NoContent)
        {
            return default;
        }

        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        return bytes.Length == 0 ? default : JsonSerializer.Deserialize<T>(bytes, SidecarJson.Options);
    }

    private static async Task<SidecarException> ErrorAsync(HttpResponseMessage response, string operation, CancellationToken ct)
    {
        var body = await ReadBodyAsync(response, ct);
        var (errorCode, message) = ParseDaprError(body);
        var status = (int)response.StatusCode;
        var text = message is null
            ? $"Sidecar {operation} failed with status {status}."
            : $"Sidecar {operation} failed with status {status}: {errorCode} {message}";
        return new SidecarException(text, status, errorCode, body);
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string operation, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await ErrorAsync(response, operation, ct);
        }
    }

    private static async Task<string?> ReadBodyAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        return body.Length == 0 ? null : body;
    }

    /// <summary>Dapr API errors look like {"errorCode":"ERR_…","message":"…"}; anything else yields nulls.</summary>
    internal static (string? ErrorCode, string? Message) ParseDaprError(string? body)
    {
        if (string.IsNullOrWhiteSpace(body) || body.TrimStart()[0] != '{')
        {
            return (null, null);
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            return (StringProperty(root, "errorCode"), StringProperty(root, "message"));
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    internal static string? StringProperty(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty(name, out var value)
        && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static string Segment(string value, string paramName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, paramName);
        return Uri.EscapeDataString(value);
    }

    /// <summary>Appends ?metadata.k=v pairs (the sidecar's per-request metadata convention).</summary>
    private static void AppendMetadata(StringBuilder query, IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null)
        {
            return;
        }

        foreach (var (key, value) in metadata)
        {
            AppendQuery(query, "metadata." + key, value);
        }
    }

    private static void AppendQuery(StringBuilder query, string key, string value)
    {
        query.Append(query.Length == 0 ? '?' : '&')
            .Append(Uri.EscapeDataString(key))
            .Append('=')
            .Append(Uri.EscapeDataString(value));
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
