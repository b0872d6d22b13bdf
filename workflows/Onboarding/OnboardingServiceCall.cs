using System.Net.Http.Headers;
using System.Text.Json;
using DaprPlatform.Sidecar;
using DaprPlatform.Sidecar.Workflows;

namespace DaprPlatform.Workflows.Onboarding;

/// <summary>A service answered a saga step with an error (or could not be reached); the message says who, what and why.</summary>
public sealed class OnboardingServiceException(string appId, int? statusCode, string message) : Exception(message)
{
    public string AppId { get; } = appId;

    /// <summary>The HTTP status the service answered; null when it could not be reached at all.</summary>
    public int? StatusCode { get; } = statusCode;
}

/// <summary>The step was done (or had been done by an earlier delivery of the same activity), with the status the service answered.</summary>
public sealed record StepDone(string Step, int StatusCode);

/// <summary>A successful answer: its status and JSON body (null when empty).</summary>
public sealed record OnboardingServiceResponse(int StatusCode, JsonElement? Body);

/// <summary>
/// One saga step's call to another app through service invocation. Every call carries the step's idempotency key
/// (<c>{instanceId}:{step}</c>): Dapr runs an activity at least once, and the key lets the service recognise a redelivery.
/// </summary>
public sealed class OnboardingServiceCall(SidecarClient sidecar)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static string IdempotencyKey(WorkflowActivityContext context, string step)
    {
        ArgumentNullException.ThrowIfNull(context);
        return $"{context.InstanceId}:{step}";
    }

    /// <summary>Sends the call and returns the answer; any non-2xx becomes <see cref="OnboardingServiceException"/>.</summary>
    public async Task<OnboardingServiceResponse> SendAsync(
        WorkflowActivityContext context, string step, HttpMethod method, string appId, string path, object? body = null)
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
            throw new OnboardingServiceException(appId, null, $"The sidecar could not be reached to call {appId} ({e.Message}).");
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(context.CancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                // No step name here: the workflow's failure message already starts with it.
                throw new OnboardingServiceException(appId, (int)response.StatusCode, $"{appId} answered {(int)response.StatusCode} ({Describe(text)}).");
            }

            return new OnboardingServiceResponse((int)response.StatusCode, text.Length == 0 ? null : JsonSerializer.Deserialize<JsonElement>(text));
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
