namespace DaprPlatform.DevHost.Stripe;

/// <summary>
/// The stand-in's own API for tests and humans (not Stripe's), under <c>/standin</c>: the events with their delivery
/// attempts, redelivery of one event (to exercise duplicate delivery), pausing webhook delivery, a throttle that
/// answers the next API requests with 429, and failures for the next transfers.
/// </summary>
internal static class StripeControlEndpoints
{
    /// <summary>Body of <c>POST /standin/throttle</c>.</summary>
    private sealed record ThrottleRequest(int? Requests, string? Code);

    /// <summary>Body of <c>POST /standin/transfer-failures</c>.</summary>
    private sealed record TransferFailuresRequest(int? Transfers, string? Code);

    public static void Map(IEndpointRouteBuilder app, StripeWebhooks webhooks, StripeThrottle throttle, StripeTransferFailures transferFailures)
    {
        var control = app.MapGroup("/standin");
        control.MapGet("/throttle", () => Results.Ok(throttle.View));
        control.MapPost("/throttle", (ThrottleRequest? request) =>
        {
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            if (request?.Requests is not (>= 0 and <= 1000)) { errors["requests"] = ["requests must be 0..1000: how many API requests to refuse."]; }
            var code = request?.Code ?? StripeThrottle.RateLimit;
            if (code is not (StripeThrottle.RateLimit or StripeThrottle.LockTimeout)) { errors["code"] = [$"code must be {StripeThrottle.RateLimit} or {StripeThrottle.LockTimeout}."]; }
            return errors.Count > 0 ? Results.ValidationProblem(errors) : Results.Ok(throttle.Set(request!.Requests!.Value, code));
        });
        control.MapGet("/transfer-failures", () => Results.Ok(transferFailures.View));
        control.MapPost("/transfer-failures", (TransferFailuresRequest? request) =>
        {
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            if (request?.Transfers is not (>= 0 and <= 1000)) { errors["transfers"] = ["transfers must be 0..1000: how many transfers to refuse."]; }
            var code = request?.Code ?? StripeTransferFailures.BalanceInsufficientCode;
            if (code is not (StripeTransferFailures.BalanceInsufficientCode or StripeTransferFailures.InsufficientCapabilitiesCode))
            {
                errors["code"] = [$"code must be {StripeTransferFailures.BalanceInsufficientCode} or {StripeTransferFailures.InsufficientCapabilitiesCode}."];
            }

            return errors.Count > 0 ? Results.ValidationProblem(errors) : Results.Ok(transferFailures.Set(request!.Transfers!.Value, code));
        });
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
