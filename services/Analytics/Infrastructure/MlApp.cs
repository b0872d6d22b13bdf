using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapr;
using Dapr.Client;
using DaprPlatform.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Analytics.Infrastructure;

/// <summary>Configuration section "Predictions": how analytics uses the <c>ml</c> app and caches its answers.</summary>
public sealed class PredictionOptions
{
    public const string SectionName = "Predictions";

    /// <summary>How long an answer is reused for the same history (the state store's ttlInSeconds).</summary>
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long one call to ml may take, the sidecar's retries included (components/resiliency.yaml: mlCall, mlRetry).</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The Retry-After of the 503 answered while ml cannot be reached.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(15);

    public string StateStore { get; set; } = "statestore";
}

/// <summary>What asking ml gave: an answer (maybe from the cache), or why there is none.</summary>
public abstract record MlOutcome<T>
    where T : class
{
    private MlOutcome()
    {
    }

    public sealed record Answered(T Value, bool Cached) : MlOutcome<T>;

    /// <summary>ml's 400 saying the history is too short (its problem carries a minimum): the caller's 422.</summary>
    public sealed record TooLittleHistory(string Detail, IReadOnlyDictionary<string, object?> Extensions) : MlOutcome<T>;

    /// <summary>ml (or the way to it) is down, failing or too slow: try again later.</summary>
    public sealed record Unavailable : MlOutcome<T>;

    /// <summary>ml answered, but refused what analytics sent or said something unreadable: a fault between the two apps.</summary>
    public sealed record Refused(string Detail) : MlOutcome<T>;
}

/// <summary>
/// The <c>ml</c> app (Python, ADR 0033), invoked through this app's sidecar (<see cref="AppInvocationClients"/>: the SDK's
/// invocation HttpClient), with its answers cached in the Dapr state store under a key naming the history they came from.
/// The cache only saves work: when the store fails, ml is asked anyway and the answer is still given.
/// </summary>
public sealed class MlApp(AppInvocationClients invocation, DaprClient dapr, IOptions<PredictionOptions> options, ILogger<MlApp> logger)
{
    public const string AppId = "ml";

    /// <summary>The problem extensions by which ml says a history is too short (features/forecast.py, features/best_time.py).</summary>
    private static readonly string[] MinimumExtensions = ["minimumPoints", "minimumPosts"];

    public async Task<MlOutcome<T>> AskAsync<T>(string method, object request, string cacheKey, CancellationToken ct)
        where T : class
    {
        var settings = options.Value;
        if (await ReadCachedAsync<T>(settings.StateStore, cacheKey, ct) is { } cached)
        {
            return new MlOutcome<T>.Answered(cached, Cached: true);
        }

        var outcome = await InvokeAsync<T>(method, request, settings.CallTimeout, ct);
        if (outcome is MlOutcome<T>.Answered answered)
        {
            await WriteCachedAsync(settings.StateStore, cacheKey, answered.Value, settings.CacheTtl, ct);
        }

        return outcome;
    }

    private async Task<MlOutcome<T>> InvokeAsync<T>(string method, object request, TimeSpan timeout, CancellationToken ct)
        where T : class
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await invocation.For(AppId).PostAsJsonAsync(method, request, deadline.Token);
            if (response.IsSuccessStatusCode)
            {
                return await response.Content.ReadFromJsonAsync<T>(deadline.Token) is { } value
                    ? new MlOutcome<T>.Answered(value, Cached: false)
                    : Refused<T>(method, "an empty answer");
            }

            // 5xx: ml failed, or the sidecar could not reach it (daprd's ERR_DIRECT_INVOKE is a 500).
            if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                logger.LogWarning("ml /{Method} answered {Status}; answering 503", method, (int)response.StatusCode);
                return new MlOutcome<T>.Unavailable();
            }

            return await ReadRefusalAsync<T>(method, response, deadline.Token);
        }
        catch (HttpRequestException ex)
        {
            logger.LogWarning(ex, "ml /{Method} could not be reached through the sidecar", method);
            return new MlOutcome<T>.Unavailable();
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("ml /{Method} did not answer within {Timeout}", method, timeout);
            return new MlOutcome<T>.Unavailable();
        }
        catch (JsonException ex)
        {
            logger.LogError(ex, "ml /{Method} answered JSON analytics cannot read", method);
            return Refused<T>(method, "an unreadable answer");
        }
    }

    private async Task<MlOutcome<T>> ReadRefusalAsync<T>(string method, HttpResponseMessage response, CancellationToken ct)
        where T : class
    {
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        if (response.StatusCode == HttpStatusCode.BadRequest && problem.ValueKind == JsonValueKind.Object
            && MinimumExtensions.Any(name => problem.TryGetProperty(name, out _)))
        {
            var extensions = problem.EnumerateObject()
                .Where(p => p.Name is not ("type" or "title" or "status" or "detail" or "instance"))
                .ToDictionary(p => p.Name, p => (object?)p.Value.Clone(), StringComparer.Ordinal);
            return new MlOutcome<T>.TooLittleHistory(FirstMessage(problem) ?? "The channel's history is too short.", extensions);
        }

        return Refused<T>(method, $"{(int)response.StatusCode} {FirstMessage(problem) ?? string.Empty}".Trim());
    }

    private MlOutcome<T>.Refused Refused<T>(string method, string what)
        where T : class
    {
        // ml refusing what analytics built from its own rollups is a contract fault between the two apps, not the caller's.
        logger.LogError("ml /{Method} refused analytics' request: {What}", method, what);
        return new MlOutcome<T>.Refused(what);
    }

    private static string? FirstMessage(JsonElement problem) =>
        problem.ValueKind != JsonValueKind.Object ? null
        : problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object
            ? errors.EnumerateObject().SelectMany(e => e.Value.ValueKind == JsonValueKind.Array ? e.Value.EnumerateArray() : []).Select(m => m.GetString()).FirstOrDefault()
            : problem.TryGetProperty("detail", out var detail) ? detail.GetString() : null;

    private async Task<T?> ReadCachedAsync<T>(string store, string key, CancellationToken ct)
        where T : class
    {
        try
        {
            return await dapr.GetStateAsync<T?>(store, key, cancellationToken: ct);
        }
        catch (DaprException ex)
        {
            logger.LogWarning(ex, "Could not read the cached prediction {Key}; asking ml", key);
            return null;
        }
    }

    private async Task WriteCachedAsync<T>(string store, string key, T value, TimeSpan ttl, CancellationToken ct)
    {
        try
        {
            var seconds = Math.Max(1, (long)Math.Ceiling(ttl.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await dapr.SaveStateAsync(store, key, value, metadata: new Dictionary<string, string> { ["ttlInSeconds"] = seconds }, cancellationToken: ct);
        }
        catch (DaprException ex)
        {
            logger.LogWarning(ex, "Could not cache the prediction {Key}", key);
        }
    }
}
