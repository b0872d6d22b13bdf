using System.Net.Http.Json;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Booking.Infrastructure;

/// <summary>What the workflows app answered: its status code and body, verbatim.</summary>
public sealed record WorkflowsAnswer(int StatusCode, string Body)
{
    public bool IsSuccess => StatusCode is >= 200 and < 300;
}

/// <summary>
/// Calls the <c>workflows</c> app (the booking-payment and cancellation sagas) through this app's own sidecar. Answers
/// come back as they are, so each use case decides what a 404 or a 409 means; null means the sidecar could not be reached.
/// </summary>
public sealed class WorkflowsApp(AppInvocationClients invocation)
{
    public const string AppId = "workflows";

    public Task<WorkflowsAnswer?> PostAsync<TBody>(string method, TBody body, CancellationToken ct) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, method.TrimStart('/')) { Content = JsonContent.Create(body) }, ct);

    public Task<WorkflowsAnswer?> GetAsync(string method, CancellationToken ct) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, method.TrimStart('/')), ct);

    private async Task<WorkflowsAnswer?> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        using (request)
        {
            try
            {
                using var response = await invocation.For(AppId).SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
                return new WorkflowsAnswer((int)response.StatusCode, await response.Content.ReadAsStringAsync(ct));
            }
            catch (HttpRequestException)
            {
                return null;
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // HttpClient's own timeout, not the caller going away.
                return null;
            }
        }
    }
}
