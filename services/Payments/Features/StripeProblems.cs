using DaprPlatform.Payments.Infrastructure.Stripe;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Payments.Features;

/// <summary>How a Stripe failure reaches our callers: a refusal of the caller's input is 400 on its field, Stripe's trouble (or ours with Stripe) 502, no key 503.</summary>
public static class StripeProblems
{
    public static IResult NotConfigured() => TypedResults.Problem(
        "The Stripe secret key is not configured (secret 'stripe:secretKey'), so payments cannot reach Stripe.",
        statusCode: StatusCodes.Status503ServiceUnavailable,
        title: "Stripe is not configured.");

    /// <param name="fields">Stripe parameter → request field, for refusals that are the caller's input (answered 400).</param>
    public static IResult From(StripeApiException e, IReadOnlyDictionary<string, string>? fields = null)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e is { Type: "invalid_request_error", IsUpstreamFailure: false, Param: { } param } && fields?.TryGetValue(param, out var field) == true)
        {
            var errors = new ValidationErrors();
            errors.Add(field, $"Stripe refused it: {e.StripeMessage} [{e.Code}]");
            return errors.ToProblem();
        }

        return e switch
        {
            { StatusCode: 401 or 403 } => TypedResults.Problem(
                $"Stripe refused the configured secret key ({e.StatusCode}, request {e.RequestId}).",
                statusCode: StatusCodes.Status502BadGateway,
                title: "Stripe is unavailable."),
            { IsUpstreamFailure: true } => TypedResults.Problem(
                $"Stripe did not complete the request: {e.StripeMessage} (request {e.RequestId ?? "none"}).",
                statusCode: StatusCodes.Status502BadGateway,
                title: "Stripe is unavailable."),
            { Type: "idempotency_error" } or { StatusCode: 409 } => Problems.Conflict($"Stripe reports a conflicting earlier request: {e.StripeMessage}"),
            // Anything else Stripe refused was a request payments built (an id it stored, a parameter it chose).
            _ => TypedResults.Problem(
                $"Stripe refused a request payments made{(e.Param is { } p ? $" (parameter {p})" : string.Empty)}: {e.StripeMessage} [{e.Code ?? e.Type}] (request {e.RequestId ?? "none"})",
                statusCode: StatusCodes.Status502BadGateway,
                title: "Stripe refused the request."),
        };
    }
}
