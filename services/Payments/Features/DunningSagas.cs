using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Payments.Features;

/// <param name="GraceUntil">When the saga downgrades the owner if the renewal is still unpaid.</param>
public sealed record DunningStarted(string InstanceId, DateTimeOffset GraceUntil, bool Started);

/// <summary>The workflows app did not take a dunning call: the webhook answers 503 and Stripe delivers the event again.</summary>
public sealed class DunningUnavailableException(string message) : Exception(message);

/// <summary>
/// Payments' handle on the dunning saga in the workflows app, through invocation (as the payout saga is started): start it
/// for an unpaid renewal (its instance id is derived from subscription + invoice, so a redelivered webhook starts nothing
/// new), and raise <c>payment-recovered</c> when the renewal is paid.
/// </summary>
public sealed class DunningSagas(AppInvocationClients invocation)
{
    public const string WorkflowsAppId = "workflows";

    public async Task<DunningStarted> StartAsync(string instanceId, string subscriptionId, Guid ownerId, string invoiceId, CancellationToken ct)
    {
        var body = await SendAsync("internal/dunning", new { instanceId, subscriptionId, ownerId, invoiceId }, acceptNotFound: false, ct);
        return JsonSerializer.Deserialize<DunningStarted>(body, JsonSerializerOptions.Web)
            ?? throw new DunningUnavailableException("workflows answered no dunning instance.");
    }

    /// <summary>Tells the saga the renewal was paid; a saga that is gone (finished, or never started) has nothing to stop.</summary>
    public Task RaiseRecoveredAsync(string instanceId, string invoiceId, CancellationToken ct) =>
        SendAsync($"internal/dunning/{instanceId}/payment-recovered", new { invoiceId }, acceptNotFound: true, ct);

    private async Task<string> SendAsync(string path, object body, bool acceptNotFound, CancellationToken ct)
    {
        try
        {
            using var response = await invocation.For(WorkflowsAppId).PostAsJsonAsync(path, body, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (response.IsSuccessStatusCode || (acceptNotFound && response.StatusCode == HttpStatusCode.NotFound && !text.Contains("\"errorCode\"", StringComparison.Ordinal)))
            {
                return text;
            }

            throw new DunningUnavailableException($"workflows answered {(int)response.StatusCode} to {path}.");
        }
        catch (Exception e) when (e is HttpRequestException or JsonException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            throw new DunningUnavailableException($"workflows could not be reached for {path}: {e.Message}");
        }
    }
}
