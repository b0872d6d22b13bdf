using System.Net;
using System.Text;
using DaprPlatform.TestSupport;

namespace DaprPlatform.Payments.Tests;

/// <summary>Forwards the stand-in's recorded webhooks to the app's endpoint, signed as they came, as the gateway would.</summary>
public static class StripeWebhookRelay
{
    /// <summary>Relays, in order, the recorded webhooks <paramref name="which"/> selects that <paramref name="relayed"/> does not hold yet.</summary>
    /// <returns>How many were relayed.</returns>
    public static async Task<int> RelayAsync(StripeStandInHarness stripe, HttpClient app, ISet<string> relayed, Func<ReceivedWebhook, bool> which)
    {
        ArgumentNullException.ThrowIfNull(stripe);
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(relayed);
        var fresh = stripe.Received.Where(w => which(w) && relayed.Add(w.EventId)).ToList();
        foreach (var webhook in fresh)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments/webhooks/stripe") { Content = new StringContent(webhook.Body, Encoding.UTF8, "application/json") };
            request.Headers.TryAddWithoutValidation("Stripe-Signature", webhook.Signature);
            using var response = await app.SendAsync(request);
            response.StatusCode.Should().Be(HttpStatusCode.OK, $"{webhook.Type}: {await response.Content.ReadAsStringAsync()}");
        }

        return fresh.Count;
    }
}
