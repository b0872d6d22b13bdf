using System.Net.Http.Headers;
using System.Text.Json;
using DaprPlatform.Sidecar;
using DaprPlatform.Sidecar.Workflows;

namespace DaprPlatform.Workflows.ServiceSteps;

/// <summary>A service answered a saga step with an error (or could not be reached); the message says who, what and why.</summary>
public sealed class ServiceStepException(string appId, int? statusCode, string message) : Exception(message)
{
    public string AppId { get; } = appId;

    /// <summary>The HTTP status the service answered; null when it could not be reached at all.</summary>
    public int? StatusCode { get; } = statusCode;
}

/// <summary>The step was done (or had been done by an earlier delivery of the same activity), with the status the service answered.</summary>
public sealed record StepDone(string Step, int StatusCode);

/// <summary>The service's answer: its status and JSON body (null when empty).</summary>
public sealed record ServiceStepResponse(int StatusCode, JsonElement? Body)
{
    public bool IsSuccess => StatusCode is >= 200 and < 300;

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

    /// <summary>The problem's detail (RFC 9457) or an excerpt of the body: why a service refused the step.</summary>
    public string Reason => Body is { } body ? ServiceStepCall.Describe(body.GetRawText()) : "no body";
}

/// <summary>
/// One saga step's call to another app through service invocation. Every call carries the step's idempotency key
/// (<c>{instanceId}:{step}</c>): Dapr runs an activity at least once, and the key lets the service recognise a redelivery.
/// </summary>
public sealed class ServiceStepCall(SidecarClient sidecar)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static string IdempotencyKey(WorkflowActivityContext context, string step)
    {
        ArgumentNullException.ThrowIfNull(context);
        return $"{context.InstanceId}:{step}";
    }

    /// <summary>
    /// Sends the call and returns the answer. A non-2xx becomes <see cref="ServiceStepException"/> (so the activity fails and
    /// its retry policy applies) unless it is one of <paramref name="refusals"/>: business answers such as 409 that no retry
    /// can change, which the workflow decides about itself.
    /// </summary>
    public async Task<ServiceStepResponse> SendAsync(
        WorkflowActivityContext context, string step, HttpMethod method, string appId, string path, object? body = null, IReadOnlyCollection<int>? refusals = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var request = sidecar.CreateInvokeMethodRequest(method, appId, path);
        request.Headers.TryAddWithoutValidation(IdempotencyKeyHeader, IdempotencyKey(context, step));
        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body, SidecarJson.Options));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        HttpResponseMessage response;
        try
        {
            response = await sidecar.InvokeMethodWithResponseAsync(request, HttpCompletionOption.ResponseContentRead, context.CancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new ServiceStepException(appId, null, $"The sidecar could not be reached to call {appId} ({e.Message}).");
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(context.CancellationToken);
            var status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode && refusals?.Contains(status) == true)
            {
                return new ServiceStepResponse(status, ParseOrNull(text));
            }

            if (!response.IsSuccessStatusCode)
            {
                // No step name here: the workflow's failure message already starts with it.
                throw new ServiceStepException(appId, (int)response.StatusCode, $"{appId} answered {(int)response.StatusCode} ({Describe(text)}).");
            }

            return new ServiceStepResponse(status, text.Length == 0 ? null : JsonSerializer.Deserialize<JsonElement>(text));
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
