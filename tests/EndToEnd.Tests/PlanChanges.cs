using System.Net;
using System.Net.Http.Json;
using DaprPlatform.TestSupport;

namespace DaprPlatform.EndToEnd.Tests;

/// <summary>
/// Puts an owner on a plan as payments' outbox would announce it, for journeys about something else than billing (the
/// browser's channel journey); SubscriptionLifecycleJourneyTests moves the plan through payments and Stripe itself.
/// </summary>
public static class PlanChanges
{
    public static async Task PublishAsync(PlatformFixture platform, Guid ownerId, string plan, long version, string reason)
    {
        ArgumentNullException.ThrowIfNull(platform);
        // The sidecar's publish API (POST /v1.0/publish/{pubsub}/{topic}) wraps the data in a CloudEvent as daprd does.
        using var response = await platform.GatewaySidecar.PostAsJsonAsync($"/v1.0/publish/pubsub/{PlanChangedEvents.Topic}", PlanChangedEvents.Data(ownerId, plan, version, reason));
        response.StatusCode.Should().Be(HttpStatusCode.NoContent, await response.Content.ReadAsStringAsync());
    }
}
