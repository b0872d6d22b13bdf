using System.Net.Http.Headers;
using System.Text.Json;
using Dapr.Workflow;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Workflows.ServiceSteps;

/// <summary>
/// A saga step's call did not get a usable answer: the callee or the sidecar was down, restarting, behind an open circuit,
/// answered 5xx, timed out, or answered without a field the step needs. Transient by definition: the saga retries the step
/// until its deadline. The message is for logs and history, never for the user-facing status.
/// </summary>
public sealed class ServiceStepException(string appId, int? statusCode, string message) : Exception(message)
{
    public string AppId { get; } = appId;

    /// <summary>The HTTP status the service answered; null when it could not be reached at all.</summary>
    public int? StatusCode { get; } = statusCode;
}

/// <summary>
/// The callee itself refused the step with a 4xx problem answer no retry can change (and the activity has no value for it):
/// the saga stops at once and undoes what it did. The message is the callee's problem detail, fit for the user.
/// </summary>
public sealed class ServiceStepRefusedException(string appId, int statusCode, string reason) : Exception(reason)
{
    public string AppId { get; } = appId;

    public int StatusCode { get; } = statusCode;
}

/// <summary>The step was done (or had been done by an earlier delivery of the same activity), with the status the service answered.</summary>
public sealed record StepDone(string Step, int StatusCode);

/// <summary>The service's answer: its status and JSON body (null when empty).</summary>
public sealed record ServiceStepResponse(int StatusCode, JsonElement? Body)
{
    public bool IsSuccess => StatusCode is >= 200 and < 300;

    /// <summary>The problem's detail (RFC 9457) or an excerpt of the body: why a service refused the step.</summary>
    public string Reason => Body is { } body ? ServiceStepCall.Describe(body.GetRawText()) : "no body";
}

/// <summary>
/// One saga step's call to another app through this app's sidecar (ServiceDefaults' <see cref="AppInvocationClients"/>: the
/// SDK's invocation client, <c>http://{app-id}/{path}</c>). Every call carries the step's idempotency key
/// (<c>{instanceId}:{step}</c>): Dapr runs an activity at least once, and the key lets the service recognise a redelivery.
/// </summary>
public sealed class ServiceStepCall(AppInvocationClients invocation)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>A call the sidecar has not answered by then is a transient failure: the step is retried, not left hanging.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    public static string IdempotencyKey(WorkflowActivityContext context, string step)
    {
        ArgumentNullException.ThrowIfNull(context);
        return $"{context.InstanceId}:{step}";
    }

    /// <summary>
    /// Sends the call and returns the answer. <paramref name="refusals"/> are business answers (such as 409) the activity turns
    /// into values for the workflow to decide on. Any other 4xx problem from the callee is a refusal too
    /// (<see cref="ServiceStepRefusedException"/>: the saga stops and undoes); everything else — unreachable, 5xx, 408/429, the
    /// sidecar's own errors, timeouts — is <see cref="ServiceStepException"/>, which the saga retries until its deadline.
    /// </summary>
    public async Task<ServiceStepResponse> SendAsync(
        WorkflowActivityContext context, string step, HttpMethod method, string appId, string path, object? body = null, IReadOnlyCollection<int>? refusals = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        request.Headers.TryAddWithoutValidation(IdempotencyKeyHeader, IdempotencyKey(context, step));
        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        timeout.CancelAfter(CallTimeout);
        HttpResponseMessage response;
        try
        {
            response = await invocation.For(appId).SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
        }
        catch (HttpRequestException e)
        {
            throw new ServiceStepException(appId, null, $"The sidecar could not be reached to call {appId} ({e.Message}).");
        }
        catch (TaskCanceledException e) when (!context.CancellationToken.IsCancellationRequested)
        {
            throw new ServiceStepException(appId, null, $"{appId} did not answer in time ({e.Message}).");
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(context.CancellationToken);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new ServiceStepResponse(status, text.Length == 0 ? null : JsonSerializer.Deserialize<JsonElement>(text));
            }

            if (refusals?.Contains(status) == true)
            {
                return new ServiceStepResponse(status, ParseOrNull(text));
            }

            if (IsCalleeRefusal(status, text))
            {
                throw new ServiceStepRefusedException(appId, status, $"{appId} refused ({status}): {Describe(text)}");
            }

            // No step name here: the workflow's failure message already starts with it.
            throw new ServiceStepException(appId, status, $"{appId} answered {status} ({Describe(text)}).");
        }
    }

    /// <summary>
    /// A 4xx the callee answered, other than 408/429 (which say "later"). A 4xx carrying daprd's own error body
    /// (<c>{"errorCode":"ERR_…"}</c>) came from a sidecar, not from the callee, and is treated as transient.
    /// </summary>
    internal static bool IsCalleeRefusal(int status, string body)
    {
        if (status is < 400 or >= 500 or 408 or 429) { return false; }
        try
        {
            using var document = JsonDocument.Parse(body);
            return !(document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("errorCode", out var code)
                && code.ValueKind == JsonValueKind.String
                && code.GetString()!.StartsWith("ERR_", StringComparison.Ordinal));
        }
        catch (JsonException)
        {
            return true;
        }
    }

    private static JsonElement? ParseOrNull(string text)
    {
        if (text.Length == 0) { return null; }
        try
        {
            return JsonSerializer.Deserialize<JsonElement>(text);
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(text);
        }
    }

    /// <summary>The problem's detail (RFC 9457) or Dapr's error message when the body has one, else a short excerpt.</summary>
    internal static string Describe(string body)
    {
        if (string.IsNullOrWhiteSpace(body)) { return "no body"; }
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var name in new[] { "detail", "message", "title" })
                {
                    if (document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
                    {
                        return value.GetString()!.TrimEnd('.');
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: fall through to the excerpt.
        }

        return body.Length <= 200 ? body : body[..200];
    }
}
