using Microsoft.AspNetCore.Http.HttpResults;
using DaprPlatform.ServiceDefaults;
using Stripe;

namespace DaprPlatform.Payments.Features;

/// <summary>
/// How a Stripe failure reaches our callers: a refusal of the caller's input is 400 on its field, Stripe's trouble (or
/// ours with Stripe) 502, a conflicting earlier request 409, no key 503. Stripe.net has already retried what it retries.
/// </summary>
public static class StripeProblems
{
    public static UnavailableProblem NotConfigured() => new(
        "The Stripe secret key is not configured (secret 'stripe:secretKey'), so payments cannot reach Stripe.",
        "Stripe is not configured.");

    /// <summary>
    /// Stripe.net rethrows a transport failure, or the HttpClient's timeout, as it came (after its retries); a
    /// cancellation of the caller's own request is not one.
    /// </summary>
    public static bool IsUnreachable(Exception e, CancellationToken ct) =>
        e is HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested);

    public static BadGatewayProblem Unreachable(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(
            $"Stripe could not be reached: {(e is HttpRequestException h ? h.HttpRequestError.ToString() : "no answer in time")}.",
            "Stripe is unavailable.");
    }

    public static bool IsCardError(this StripeException e) => e?.StripeError?.Type == "card_error";

    /// <summary>Stripe is down, overloaded, answered nonsense, or refused our key: not the caller's fault.</summary>
    public static bool IsUpstreamFailure(this StripeException e) =>
        (int)(e?.HttpStatusCode ?? 0) is < 400 or 401 or 403 or 429 or >= 500;

    /// <param name="fields">Stripe parameter → request field, for refusals that are the caller's input (answered 400).</param>
    public static StatusProblem From(StripeException e, IReadOnlyDictionary<string, string>? fields = null)
    {
        ArgumentNullException.ThrowIfNull(e);
        var status = (int)e.HttpStatusCode;
        var error = e.StripeError;
        var requestId = e.StripeResponse?.RequestId ?? "none";
        if (error is { Type: "invalid_request_error", Param: { } param } && !e.IsUpstreamFailure() && fields?.TryGetValue(param, out var field) == true)
        {
            var errors = new ValidationErrors();
            errors.Add(field, $"Stripe refused it: {error.Message} [{error.Code}]");
            return errors.ToBadRequest();
        }

        if (status is 401 or 403)
        {
            return new BadGatewayProblem($"Stripe refused the configured secret key ({status}, request {requestId}).", "Stripe is unavailable.");
        }

        if (e.IsUpstreamFailure())
        {
            return new BadGatewayProblem($"Stripe did not complete the request: {error?.Message ?? e.Message} (request {requestId}).", "Stripe is unavailable.");
        }

        if (error?.Type == "idempotency_error" || status == 409)
        {
            return Problems.Conflict($"Stripe reports a conflicting earlier request: {error?.Message ?? e.Message}");
        }

        // Anything else Stripe refused was a request payments built (an id it stored, a parameter it chose).
        return new BadGatewayProblem(
            $"Stripe refused a request payments made{(error?.Param is { } p ? $" (parameter {p})" : string.Empty)}: {error?.Message ?? e.Message} [{error?.Code ?? error?.Type}] (request {requestId})",
            "Stripe refused the request.");
    }
}
