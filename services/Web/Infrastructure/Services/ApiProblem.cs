using System.Net;
using System.Text.Json;

namespace DaprPlatform.Web.Infrastructure.Services;

/// <summary>
/// What a service said went wrong, read from its RFC 9457 problem details: the page shows <see cref="Title"/>/<see cref="Detail"/>
/// and each field error next to its field (<see cref="ErrorsFor"/>). Never shown as JSON.
/// </summary>
public sealed record ApiProblem(int Status, string Title, string? Detail, IReadOnlyDictionary<string, string[]> Errors)
{
    private static readonly IReadOnlyDictionary<string, string[]> NoErrors = new Dictionary<string, string[]>();

    /// <summary>How long the service asked to wait before trying again (its <c>Retry-After</c>), when it said.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>A plan's limit refused the request (402 <c>…/problems/plan-limit</c>): which limit, and which plan lifts it.</summary>
    public PlanLimit? PlanLimit { get; init; }

    /// <summary>The session behind the cookie ended (signed out elsewhere, refresh token revoked or expired).</summary>
    public static ApiProblem SignedOut { get; } = new(401, "Your session has ended", "Sign in again to continue.", NoErrors);

    public static ApiProblem Unreachable(string appId) =>
        new(503, "The service is not answering", $"The {appId} service could not be reached. Try again in a moment.", NoErrors);

    /// <summary>The field's messages; field names match case-insensitively and by their last segment (<c>hourlyRate.amount</c>).</summary>
    public IReadOnlyList<string> ErrorsFor(string field)
    {
        ArgumentException.ThrowIfNullOrEmpty(field);
        var messages = new List<string>();
        foreach (var (key, values) in Errors)
        {
            if (string.Equals(key, field, StringComparison.OrdinalIgnoreCase)
                || key.StartsWith(field + ".", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith(field + "[", StringComparison.OrdinalIgnoreCase))
            {
                messages.AddRange(values);
            }
        }

        return messages;
    }

    /// <summary>Field errors no field on the page claims (shown with the summary so nothing is lost).</summary>
    public IEnumerable<string> ErrorsExcept(IEnumerable<string> shownFields)
    {
        var shown = shownFields.ToList();
        return Errors
            .Where(e => !shown.Exists(f => string.Equals(e.Key, f, StringComparison.OrdinalIgnoreCase)
                || e.Key.StartsWith(f + ".", StringComparison.OrdinalIgnoreCase)
                || e.Key.StartsWith(f + "[", StringComparison.OrdinalIgnoreCase)))
            .SelectMany(e => e.Value);
    }

    /// <summary>Reads a non-success answer; a body that is not problem details gets a title from the status code.</summary>
    public static ApiProblem Read(HttpStatusCode status, string? body)
    {
        var code = (int)status;
        if (!string.IsNullOrWhiteSpace(body))
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                var root = document.RootElement;
                if (root.ValueKind == JsonValueKind.Object)
                {
                    var title = root.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                    var detail = root.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
                    return new ApiProblem(code, title ?? DefaultTitle(code), detail, ReadErrors(root)) { PlanLimit = PlanLimit.Read(root) };
                }
            }
            catch (JsonException)
            {
                // Not JSON (a proxy's HTML page, say): fall through to the status code's own words.
            }
        }

        return new ApiProblem(code, DefaultTitle(code), null, NoErrors);
    }

    /// <summary>
    /// A <c>Retry-After</c> header as a wait: its seconds, or its date less the response's own <c>Date</c> (the server's
    /// clock on both sides, so this machine's clock does not matter).
    /// </summary>
    public static TimeSpan? ReadRetryAfter(System.Net.Http.Headers.HttpResponseHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } when headers.Date is { } sent && date > sent => date - sent,
            _ => null,
        };
    }

    private static Dictionary<string, string[]> ReadErrors(JsonElement root)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        if (!root.TryGetProperty("errors", out var element) || element.ValueKind != JsonValueKind.Object)
        {
            return errors;
        }

        foreach (var field in element.EnumerateObject())
        {
            errors[field.Name] = field.Value.ValueKind switch
            {
                JsonValueKind.Array => field.Value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToArray(),
                JsonValueKind.String => [field.Value.GetString()!],
                _ => [],
            };
        }

        return errors;
    }

    private static string DefaultTitle(int status) => status switch
    {
        400 => "Please check what you entered",
        401 => "Please sign in",
        403 => "You are not allowed to do that",
        404 => "Not found",
        409 => "That conflicts with something that changed",
        413 => "That is too large",
        402 => "Your plan does not include this",
        410 => "This is no longer available",
        422 => "That cannot be done with what there is yet",
        429 => "Too many requests; wait a moment",
        >= 500 => "Something went wrong on our side",
        _ => "The request could not be completed",
    };
}
