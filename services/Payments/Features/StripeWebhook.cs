using System.Text.Json;
using DaprPlatform.Payments.Domain;
using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.Payments.Infrastructure.Stripe;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DaprPlatform.Payments.Features;

/// <param name="Status">applied, unchanged, ignored or duplicate.</param>
public sealed record WebhookReceipt(bool Received, string Status);

/// <summary>
/// POST /api/payments/webhooks/stripe — Stripe's event delivery, anonymous (the gateway forwards it without a bearer).
/// The Stripe-Signature header is the authentication: the raw body is read (bounded) and verified before any JSON is
/// parsed. Each event id is stored once; its effect and its payment.* event commit in the same transaction.
/// </summary>
public static class StripeWebhook
{
    public const string Path = "/api/payments/webhooks/stripe";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost(Path, HandleAsync)
            .AllowAnonymous()
            .WithTags("Stripe")
            .WithName("StripeWebhook")
            .Produces<WebhookReceipt>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    public static async Task<IResult> HandleAsync(
        HttpContext context,
        IOptions<StripeOptions> options,
        StripeSignatureVerifier verifier,
        PaymentsDbContext db,
        Outbox<PaymentsDbContext> outbox,
        TimeProvider time,
        CancellationToken ct)
    {
        var settings = options.Value;
        if (string.IsNullOrEmpty(settings.WebhookSecret))
        {
            return TypedResults.Problem(
                "The webhook signing secret is not configured (secret 'stripe:webhookSecret'), so no event can be authenticated.",
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Stripe webhook is not configured.");
        }

        var header = context.Request.Headers[StripeSignatureVerifier.Header].ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            // Answered before a single body byte is read.
            return Problems.BadRequest($"The {StripeSignatureVerifier.Header} header is missing.");
        }

        var payload = await ReadBoundedAsync(context.Request, settings.MaxWebhookBytes, ct);
        if (payload is null)
        {
            return TypedResults.Problem($"The event exceeds {settings.MaxWebhookBytes} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge, title: "The request body is too large.");
        }

        var verdict = verifier.Verify(header, payload, settings.WebhookSecret);
        if (verdict != SignatureVerdict.Valid)
        {
            return Problems.BadRequest($"The Stripe signature does not verify ({verdict}).");
        }

        StripeWebhookEvent? evt;
        try
        {
            evt = JsonSerializer.Deserialize<StripeWebhookEvent>(payload, StripeJson.Options);
        }
        catch (JsonException e)
        {
            return Problems.BadRequest($"The body is not a Stripe event: {e.Message}");
        }

        var errors = new ValidationErrors();
        if (evt is null)
        {
            errors.Add("body", "A Stripe event object is required.");
            return errors.ToProblem();
        }

        if (string.IsNullOrWhiteSpace(evt.Id) || evt.Id.Length > StripeEvent.MaxIdLength)
        {
            errors.Add("id", $"id is required (at most {StripeEvent.MaxIdLength} characters).");
        }

        if (string.IsNullOrWhiteSpace(evt.Type) || evt.Type.Length > StripeEvent.MaxTypeLength)
        {
            errors.Add("type", $"type is required (at most {StripeEvent.MaxTypeLength} characters).");
        }

        if (evt.Data is not { Object.ValueKind: JsonValueKind.Object })
        {
            errors.Add("data.object", "data.object is required.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var subject = ReadSubject(evt.Type!, evt.Data!.Object, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        if (await db.StripeEvents.AsNoTracking().AnyAsync(e => e.Id == evt.Id, ct))
        {
            return TypedResults.Ok(new WebhookReceipt(true, "duplicate"));
        }

        return await ConcurrentUpdates.RunAsync(db, async token =>
        {
            var now = time.GetUtcNow();
            var (paymentId, applied) = await ApplyAsync(db, evt.Type!, subject, outbox, now, token);
            db.StripeEvents.Add(new StripeEvent
            {
                Id = evt.Id!,
                Type = evt.Type!,
                PaymentId = paymentId,
                Outcome = applied,
                OccurredAt = evt.Created is { } created and >= 0 and <= 253402300799 ? DateTimeOffset.FromUnixTimeSeconds(created) : now,
                ReceivedAt = now,
            });
            try
            {
                await db.SaveChangesAsync(token);
            }
            catch (DbUpdateException e) when (e is not DbUpdateConcurrencyException
                && e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: PaymentsDbContext.StripeEventsPrimaryKey })
            {
                // A concurrent redelivery of the same event won; its effect is the one that counts.
                db.ChangeTracker.Clear();
                return TypedResults.Ok(new WebhookReceipt(true, "duplicate"));
            }

            return TypedResults.Ok(new WebhookReceipt(true, applied));
        }, ct);
    }

    /// <summary>What an event is about, for the types payments handles; null for every other type.</summary>
    private sealed record EventSubject(PaymentIntent? Intent, Charge? Charge);

    private static EventSubject? ReadSubject(string type, JsonElement data, ValidationErrors errors)
    {
        try
        {
            switch (type)
            {
                case "payment_intent.succeeded" or "payment_intent.payment_failed" or "payment_intent.canceled":
                    var intent = data.Deserialize<PaymentIntent>(StripeJson.Options);
                    if (string.IsNullOrWhiteSpace(intent?.Id))
                    {
                        errors.Add("data.object.id", "A payment_intent event must carry the PaymentIntent with its id.");
                        return null;
                    }

                    return new EventSubject(intent, null);
                case "charge.refunded":
                    var charge = data.Deserialize<Charge>(StripeJson.Options);
                    if (string.IsNullOrWhiteSpace(charge?.Id))
                    {
                        errors.Add("data.object.id", "A charge event must carry the Charge with its id.");
                        return null;
                    }

                    return new EventSubject(null, charge);
                default:
                    return null;
            }
        }
        catch (JsonException e)
        {
            errors.Add("data.object", $"data.object is not the object a {type} event carries: {e.Message}");
            return null;
        }
    }

    private static async Task<(Guid? PaymentId, string Outcome)> ApplyAsync(
        PaymentsDbContext db, string type, EventSubject? subject, Outbox<PaymentsDbContext> outbox, DateTimeOffset now, CancellationToken ct)
    {
        if (subject?.Intent is { } intent)
        {
            var payment = await FindAsync(db, intent.Metadata, intent.Id, ct);
            if (payment is null)
            {
                return (null, "ignored");
            }

            var error = intent.LastPaymentError;
            var changed = type switch
            {
                "payment_intent.succeeded" => PaymentIntentSync.Succeeded(payment, outbox, now),
                "payment_intent.canceled" => payment.MarkCanceled(now),
                _ => PaymentIntentSync.Failed(payment, error?.DeclineCode ?? error?.Code, error?.Message, outbox, now),
            };
            return (payment.Id, changed ? "applied" : "unchanged");
        }

        if (subject?.Charge is { PaymentIntent: { } chargedIntent } charge)
        {
            var payment = await FindAsync(db, charge.Metadata, chargedIntent, ct);
            if (payment is null)
            {
                return (null, "ignored");
            }

            // A refund means the money had been taken; announce that first if the success event has not come yet.
            var succeeded = PaymentIntentSync.Succeeded(payment, outbox, now);
            var changed = payment.ApplyChargeRefunded(Math.Max(0, charge.AmountRefunded), now);
            if (changed)
            {
                PaymentIntentSync.Refunded(payment, outbox, now);
            }

            return (payment.Id, changed || succeeded ? "applied" : "unchanged");
        }

        return (null, "ignored");
    }

    // The payment id we put into the intent's metadata first; the intent id covers objects that do not carry it.
    private static async Task<Payment?> FindAsync(PaymentsDbContext db, IReadOnlyDictionary<string, string>? metadata, string intentId, CancellationToken ct)
    {
        if (metadata is not null && metadata.TryGetValue("payment_id", out var raw) && Guid.TryParse(raw, out var paymentId))
        {
            var byId = await db.Payments.SingleOrDefaultAsync(p => p.Id == paymentId, ct);
            if (byId is not null && byId.PaymentIntentId == intentId)
            {
                return byId;
            }
        }

        return await db.Payments.SingleOrDefaultAsync(p => p.PaymentIntentId == intentId, ct);
    }

    /// <returns>The body, or null when it is larger than <paramref name="max"/> bytes.</returns>
    private static async Task<byte[]?> ReadBoundedAsync(HttpRequest request, int max, CancellationToken ct)
    {
        if (request.ContentLength is { } declared && declared > max)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > max)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
