namespace DaprPlatform.DevHost.Stripe;

/// <summary>
/// The stand-in's own API for tests and humans (not Stripe's), under <c>/standin</c>: the events with their delivery
/// attempts, redelivery of one event (to exercise duplicate delivery), and pausing webhook delivery.
/// </summary>
internal static class StripeControlEndpoints
{
    public static void Map(IEndpointRouteBuilder app, StripeWebhooks webhooks)
    {
        var control = app.MapGroup("/standin");
        control.MapGet("/events", (string? type, string? objectId) => Results.Ok(webhooks.List(type, objectId)));
        control.MapGet("/events/{id}", (string id) =>
            webhooks.Find(id) is { } found ? Results.Ok(found) : NoSuchEvent(id));
        control.MapPost("/events/{id}/redeliver", async (string id, CancellationToken ct) =>
        {
            if (webhooks.Find(id) is null) { return NoSuchEvent(id); }
            if (webhooks.Endpoint.Url is null)
            {
                return Results.Problem("The stand-in has no webhook endpoint (StripeStandInOptions.WebhookUrl).", statusCode: StatusCodes.Status409Conflict, title: "There is no endpoint to deliver to.");
            }

            var attempt = await webhooks.RedeliverAsync(id, ct);
            return Results.Ok(new { eventId = id, attempt });
        });
        control.MapGet("/webhooks", () => Results.Ok(webhooks.Endpoint));
        control.MapPost("/webhooks/pause", () =>
        {
            webhooks.Pause();
            return Results.Ok(webhooks.Endpoint);
        });
        control.MapPost("/webhooks/resume", () =>
        {
            webhooks.Resume();
            return Results.Ok(webhooks.Endpoint);
        });
    }

    private static IResult NoSuchEvent(string id) =>
        Results.Problem($"The stand-in has no event '{id}'.", statusCode: StatusCodes.Status404NotFound, title: "No such event.");
}
