using Microsoft.AspNetCore.Http.HttpResults;
using System.Text;
using System.Text.Json;
using DaprPlatform.Payments.Domain;
using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.OutboxInbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Stripe;
using WebhookAnswer = Microsoft.AspNetCore.Http.HttpResults.Results<Microsoft.AspNetCore.Http.HttpResults.Ok<DaprPlatform.Payments.Features.WebhookReceipt>, Microsoft.AspNetCore.Http.HttpResults.ValidationProblem, DaprPlatform.ServiceDefaults.BadRequestProblem, DaprPlatform.ServiceDefaults.PayloadTooLargeProblem, DaprPlatform.ServiceDefaults.ConflictProblem, DaprPlatform.ServiceDefaults.UnavailableProblem>;

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

    /// <summary><c>t={unix time},v1={hex HMAC-SHA256}[,v1=…]</c>, checked by Stripe.net's <see cref="EventUtility"/>.</summary>
    public const string SignatureHeader = "Stripe-Signature";

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapPost(Path, HandleAsync)
            .AllowAnonymous()
            .WithTags("Stripe")
            .WithName("StripeWebhook");

    public static async Task<WebhookAnswer> HandleAsync(
        HttpContext context,
        IOptions<StripeOptions> options,
        PaymentsDbContext db,
        Outbox<PaymentsDbContext> outbox,
        PlanCatalogue catalogue,
        DunningSagas dunning,
        TimeProvider time,
        CancellationToken ct)
    {
        var settings = options.Value;
        if (string.IsNullOrEmpty(settings.WebhookSecret))
        {
            return new UnavailableProblem(
                "The webhook signing secret is not configured (secret 'stripe:webhookSecret'), so no event can be authenticated.",
                "Stripe webhook is not configured.");
        }

        var header = context.Request.Headers[SignatureHeader].ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            // Answered before a single body byte is read.
            return Problems.BadRequest($"The {SignatureHeader} header is missing.");
        }

        var payload = await ReadBoundedAsync(context.Request, settings.MaxWebhookBytes, ct);
        if (payload is null)
        {
            return new PayloadTooLargeProblem($"The event exceeds {settings.MaxWebhookBytes} bytes.");
        }

        // EventUtility.ConstructEvent in its two steps: the signature over the raw body first (nothing is parsed before),
        // then our field checks, then Stripe.net's parse with its API-version check. ConstructEvent in one call would
        // answer a signed body without api_version, or a signed "null", with a NullReferenceException from inside.
        var json = Encoding.UTF8.GetString(payload);
        try
        {
            EventUtility.ValidateSignature(json, header, settings.WebhookSecret, (long)settings.WebhookTolerance.TotalSeconds, time.GetUtcNow().ToUnixTimeSeconds());
        }
        catch (Exception e) when (e is StripeException or FormatException or OverflowException)
        {
            return Problems.BadRequest($"The Stripe signature does not verify: {e.Message}");
        }

        var errors = new ValidationErrors();
        CheckEnvelope(json, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        Event evt;
        try
        {
            evt = EventUtility.ParseEvent(json);
        }
        catch (StripeException e)
        {
            // Stripe.net reads only events of its own release line (its pinned API version's); the endpoint's version must match.
            errors.Add("api_version", e.Message);
            return errors.ToProblem();
        }
        catch (Exception e) when (e is JsonException or ArgumentException or FormatException or InvalidOperationException)
        {
            // The envelope passed its checks, so what does not parse is the object inside (Stripe.net's converters report no path).
            errors.Add("data.object", $"data.object is not a Stripe object of the kind it names: {e.Message}");
            return errors.ToProblem();
        }

        var subject = ReadSubject(evt, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        if (await db.StripeEvents.AsNoTracking().AnyAsync(e => e.Id == evt.Id, ct))
        {
            return TypedResults.Ok(new WebhookReceipt(true, "duplicate"));
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ApplyOnceAsync(db, evt, subject, outbox, catalogue, dunning, time, ct);
            }
            catch (DbUpdateException e) when (attempt < 3 && e.IsUniqueViolation(PaymentsDbContext.PlanSubscriptionsPrimaryKey))
            {
                // Two events of one new subscription raced to store it (or the subscribe call did): the next attempt finds it.
                db.ChangeTracker.Clear();
            }
        }
    }

    private static Task<WebhookAnswer> ApplyOnceAsync(
        PaymentsDbContext db, Event evt, IHasObject? subject, Outbox<PaymentsDbContext> outbox, PlanCatalogue catalogue, DunningSagas dunning, TimeProvider time, CancellationToken ct) =>
        db.RetryConcurrentChangeAsync(async Task<WebhookAnswer> (CancellationToken token) =>
        {
            var now = time.GetUtcNow();
            var occurredAt = evt.Created == default ? now : new DateTimeOffset(DateTime.SpecifyKind(evt.Created, DateTimeKind.Utc));
            Guid? paymentId;
            string applied;
            try
            {
                (paymentId, applied) = subject is Subscription or Invoice
                    ? (null, await ApplyBillingAsync(db, evt.Type, subject, catalogue, dunning, outbox, occurredAt, now, token))
                    : await ApplyAsync(db, evt.Type, subject, outbox, now, token);
            }
            catch (DunningUnavailableException e)
            {
                // Nothing is stored: Stripe delivers the event again, and the saga's instance id makes the retry start it once.
                db.ChangeTracker.Clear();
                return new UnavailableProblem($"The dunning saga could not be reached ({e.Message}); the event will be taken when Stripe delivers it again.", "Dunning is unavailable.");
            }

            db.StripeEvents.Add(new StripeEvent
            {
                Id = evt.Id,
                Type = evt.Type,
                PaymentId = paymentId,
                Outcome = applied,
                OccurredAt = occurredAt,
                ReceivedAt = now,
            });
            try
            {
                await db.SaveChangesAsync(token);
            }
            catch (DbUpdateException e) when (e is not DbUpdateConcurrencyException
                && e.IsUniqueViolation(PaymentsDbContext.StripeEventsPrimaryKey))
            {
                // A concurrent redelivery of the same event won; its effect is the one that counts.
                db.ChangeTracker.Clear();
                return TypedResults.Ok(new WebhookReceipt(true, "duplicate"));
            }

            return TypedResults.Ok(new WebhookReceipt(true, applied));
        }, () => PaymentAccess.KeptChanging(), ct);

    /// <summary>
    /// The envelope fields payments stores or Stripe.net's parser trips over, checked on the signed body: id, type,
    /// api_version, created, livemode, pending_webhooks and data.object.
    /// </summary>
    private static void CheckEnvelope(string json, ValidationErrors errors)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            errors.Add("body", $"The body is not JSON: {e.Message}");
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                errors.Add("body", "A Stripe event object is required.");
                return;
            }

            if (Text(root, "id") is not { Length: > 0 and <= StripeEvent.MaxIdLength })
            {
                errors.Add("id", $"id is required (at most {StripeEvent.MaxIdLength} characters).");
            }

            if (Text(root, "type") is not { Length: > 0 and <= StripeEvent.MaxTypeLength })
            {
                errors.Add("type", $"type is required (at most {StripeEvent.MaxTypeLength} characters).");
            }

            if (Text(root, "api_version") is not { Length: > 0 })
            {
                errors.Add("api_version", "api_version is required: the API version the event was rendered in.");
            }

            if (root.TryGetProperty("created", out var created) && !(created.ValueKind == JsonValueKind.Number && created.TryGetInt64(out var seconds) && seconds is >= 0 and <= 253402300799))
            {
                errors.Add("created", "created must be a Unix time in seconds.");
            }

            if (root.TryGetProperty("livemode", out var livemode) && livemode.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                errors.Add("livemode", "livemode must be true or false.");
            }

            if (root.TryGetProperty("pending_webhooks", out var pending) && !(pending.ValueKind == JsonValueKind.Number && pending.TryGetInt64(out _)))
            {
                errors.Add("pending_webhooks", "pending_webhooks must be a number.");
            }

            if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object
                || !data.TryGetProperty("object", out var subject) || subject.ValueKind != JsonValueKind.Object)
            {
                errors.Add("data.object", "data.object is required.");
            }
            else if (subject.TryGetProperty("object", out var kind) && kind.ValueKind != JsonValueKind.String)
            {
                errors.Add("data.object", "data.object.object must name the object's type.");
            }
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The PaymentIntent, Charge, Account, Subscription or Invoice an event of a handled type is about; null for every other type.</summary>
    private static IHasObject? ReadSubject(Event evt, ValidationErrors errors)
    {
        var kind = evt.Type switch
        {
            EventTypes.PaymentIntentSucceeded or EventTypes.PaymentIntentPaymentFailed or EventTypes.PaymentIntentCanceled => "payment_intent",
            EventTypes.ChargeRefunded => "charge",
            EventTypes.AccountUpdated => "account",
            EventTypes.CustomerSubscriptionCreated or EventTypes.CustomerSubscriptionUpdated or EventTypes.CustomerSubscriptionDeleted => "subscription",
            EventTypes.InvoicePaid or EventTypes.InvoicePaymentFailed => "invoice",
            _ => null,
        };
        if (kind is null)
        {
            return null;
        }

        if (evt.Data.Object is not IHasId subject || evt.Data.Object.Object != kind)
        {
            errors.Add("data.object", $"A {evt.Type} event carries a {kind}.");
            return null;
        }

        if (string.IsNullOrWhiteSpace(subject.Id))
        {
            errors.Add("data.object.id", $"A {evt.Type} event must carry the {kind} with its id.");
            return null;
        }

        return evt.Data.Object;
    }

    private static async Task<(Guid? PaymentId, string Outcome)> ApplyAsync(
        PaymentsDbContext db, string type, IHasObject? subject, Outbox<PaymentsDbContext> outbox, DateTimeOffset now, CancellationToken ct)
    {
        if (subject is PaymentIntent intent)
        {
            var payment = await FindAsync(db, intent.Metadata, intent.Id, ct);
            if (payment is null)
            {
                return (null, "ignored");
            }

            var error = intent.LastPaymentError;
            var changed = type switch
            {
                EventTypes.PaymentIntentSucceeded => PaymentIntentSync.Succeeded(payment, outbox, now),
                EventTypes.PaymentIntentCanceled => payment.MarkCanceled(now),
                _ => PaymentIntentSync.Failed(payment, error?.DeclineCode ?? error?.Code, error?.Message, outbox, now),
            };
            return (payment.Id, changed ? "applied" : "unchanged");
        }

        if (subject is Charge { PaymentIntentId: { } chargedIntent } charge)
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

        if (subject is Account account)
        {
            // A tutor's payout account (Connect onboarding finished, or Stripe restricted it again).
            var payoutAccount = await db.PayoutAccounts.SingleOrDefaultAsync(a => a.StripeAccountId == account.Id, ct);
            return payoutAccount is null ? (null, "ignored") : (null, PayoutAccountSync.Apply(payoutAccount, account, now) ? "applied" : "unchanged");
        }

        return (null, "ignored");
    }

    /// <summary>A plan subscription's event (<see cref="SubscriptionSync"/>): a subscription's state, or one of its invoices.</summary>
    private static Task<string> ApplyBillingAsync(
        PaymentsDbContext db, string type, IHasObject? subject, PlanCatalogue catalogue, DunningSagas dunning, Outbox<PaymentsDbContext> outbox, DateTimeOffset at, DateTimeOffset now, CancellationToken ct) =>
        subject is Subscription subscription
            ? SubscriptionSync.ApplySubscriptionAsync(db, catalogue, dunning, outbox, subscription, at, now, ct)
            : SubscriptionSync.ApplyInvoiceAsync(db, catalogue, dunning, outbox, type, (Invoice)subject!, at, now, ct);

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
