using Microsoft.AspNetCore.Http.HttpResults;
using System.Globalization;
using System.Security.Claims;
using DaprPlatform.Payments.Domain;
using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.OutboxInbox;
using Microsoft.EntityFrameworkCore;
using Stripe;
using ConfirmAnswer = Microsoft.AspNetCore.Http.HttpResults.Results<Microsoft.AspNetCore.Http.HttpResults.Ok<DaprPlatform.Payments.Features.PaymentResponse>, Microsoft.AspNetCore.Http.HttpResults.ValidationProblem, DaprPlatform.ServiceDefaults.NotFoundProblem, DaprPlatform.ServiceDefaults.StatusProblem>;

namespace DaprPlatform.Payments.Features;

/// <param name="PaymentMethod">A Stripe PaymentMethod id, e.g. the test method <c>pm_card_visa</c>.</param>
public sealed record ConfirmPaymentRequest(string? PaymentMethod);

/// <summary>
/// POST /api/payments/{id}/confirm — the paying student confirms server-side. A decline is an outcome of the payment,
/// not an error of the request: 200 with status failed and the failure code.
/// </summary>
public static class ConfirmPayment
{
    public const int MaxPaymentMethodLength = 255;

    private static readonly Dictionary<string, string> PaymentMethodField = new(StringComparer.Ordinal) { ["payment_method"] = "paymentMethod" };

    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/confirm", HandleAsync)
            .WithName("ConfirmPayment")
            // Stripe's answers (StatusProblem): 400 on a field, 409, 502 and 503.
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    public static string IdempotencyKey(Guid paymentId, int attempt) =>
        string.Create(CultureInfo.InvariantCulture, $"payment-{paymentId}-confirm-{attempt}");

    public static async Task<ConfirmAnswer> HandleAsync(
        Guid id,
        ConfirmPaymentRequest? request,
        ClaimsPrincipal user,
        PaymentsDbContext db,
        StripeClient stripe,
        Outbox<PaymentsDbContext> outbox,
        TimeProvider time,
        CancellationToken ct)
    {
        var userId = user.GetUserId();
        if (!await db.Payments.AsNoTracking().AnyAsync(p => p.Id == id && p.StudentId == userId, ct))
        {
            return PaymentAccess.NotFound(id);
        }

        var errors = new ValidationErrors();
        var method = request?.PaymentMethod?.Trim();
        if (string.IsNullOrEmpty(method))
        {
            errors.Add("paymentMethod", "paymentMethod is required (a Stripe PaymentMethod id such as pm_card_visa).");
        }
        else if (method.Length > MaxPaymentMethodLength || method.Any(char.IsWhiteSpace))
        {
            errors.Add("paymentMethod", $"paymentMethod must be a Stripe id without spaces, at most {MaxPaymentMethodLength} characters.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        if (stripe.ApiKey is null)
        {
            return StripeProblems.NotConfigured();
        }

        // What Stripe answered, applied to the row. Kept across a retry after a concurrent update (typically this very
        // confirmation's webhook landing first): Stripe confirmed once, so the retry only records the answer.
        Action<Payment, DateTimeOffset>? answer = null;
        return await db.RetryConcurrentChangeAsync(async Task<ConfirmAnswer> (CancellationToken token) =>
        {
            var payment = await db.Payments.SingleAsync(p => p.Id == id, token);
            var now = time.GetUtcNow();
            if (answer is null)
            {
                if (!payment.IsConfirmable)
                {
                    return Problems.Conflict($"A {payment.Status.WireName()} payment cannot be confirmed.");
                }

                try
                {
                    var intent = await stripe.V1.PaymentIntents.ConfirmAsync(
                        payment.PaymentIntentId,
                        new PaymentIntentConfirmOptions { PaymentMethod = method },
                        new RequestOptions { IdempotencyKey = IdempotencyKey(payment.Id, payment.ConfirmAttempts) },
                        token);
                    answer = (row, at) => PaymentIntentSync.Apply(row, intent, outbox, at);
                }
                catch (StripeException e) when (e.IsCardError())
                {
                    // Stripe answers a decline with 402 and the intent, now back to requires_payment_method.
                    var error = e.StripeError;
                    answer = error.PaymentIntent is { LastPaymentError: not null } declined
                        ? (row, at) => PaymentIntentSync.Apply(row, declined, outbox, at)
                        : (row, at) => PaymentIntentSync.Failed(row, error.DeclineCode ?? error.Code, error.Message, outbox, at);
                }
                catch (StripeException e) when (e.StripeError?.Code == "payment_intent_unexpected_state")
                {
                    // Stripe knows better (e.g. it already succeeded); catch up, then say why nothing was confirmed.
                    payment.RecordConfirmAttempt(now);
                    PaymentIntent current;
                    try
                    {
                        current = await stripe.V1.PaymentIntents.GetAsync(payment.PaymentIntentId, cancellationToken: token);
                    }
                    catch (StripeException retrieveFailure)
                    {
                        return StripeProblems.From(retrieveFailure);
                    }
                    catch (Exception retrieveFailure) when (StripeProblems.IsUnreachable(retrieveFailure, token))
                    {
                        return StripeProblems.Unreachable(retrieveFailure);
                    }

                    PaymentIntentSync.Apply(payment, current, outbox, now);
                    await db.SaveChangesAsync(token);
                    return Problems.Conflict($"Stripe cannot confirm this payment now (its intent is {current.Status}).");
                }
                catch (StripeException e) when (!e.IsUpstreamFailure())
                {
                    // Stripe answered this attempt (e.g. an unknown payment method); the next attempt needs its own key,
                    // or Stripe would replay this answer or refuse the new parameters under the old key.
                    payment.RecordConfirmAttempt(now);
                    await db.SaveChangesAsync(token);
                    return StripeProblems.From(e, PaymentMethodField);
                }
                catch (StripeException e)
                {
                    // No usable answer: the same key is reused next time, so a confirm Stripe did run is not run twice.
                    return StripeProblems.From(e);
                }
                catch (Exception e) when (StripeProblems.IsUnreachable(e, token))
                {
                    return StripeProblems.Unreachable(e);
                }
            }

            answer(payment, now);
            payment.RecordConfirmAttempt(now);
            await db.SaveChangesAsync(token);
            return TypedResults.Ok(PaymentResponse.From(payment, withClientSecret: true));
        }, () => PaymentAccess.KeptChanging(), ct);
    }
}
