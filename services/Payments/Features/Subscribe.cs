using System.Globalization;
using System.Security.Claims;
using DaprPlatform.Payments.Domain;
using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Stripe;
using SubscribeAnswer = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.Accepted<DaprPlatform.Payments.Features.SubscriptionAccepted>,
    Microsoft.AspNetCore.Http.HttpResults.ValidationProblem,
    DaprPlatform.ServiceDefaults.ConflictProblem,
    Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult,
    DaprPlatform.ServiceDefaults.StatusProblem>;

namespace DaprPlatform.Payments.Features;

/// <param name="Plan">A paid plan's code (GET /api/plans).</param>
/// <param name="PaymentMethod">A Stripe PaymentMethod id, e.g. the test method <c>pm_card_visa</c>.</param>
public sealed record SubscribeRequest(string? Plan, string? PaymentMethod);

/// <summary>
/// POST /api/subscriptions — the signed-in owner subscribes to a paid plan: their Stripe customer (created once), the
/// payment method attached as its default, and a Stripe Subscription created with <c>payment_behavior=allow_incomplete</c>
/// (ADR 0029): Stripe charges the first invoice server-side at once, and only its webhooks (invoice.paid,
/// customer.subscription.created/updated with status active) move the plan in force — never this answer. A card declined
/// at attach or on the first invoice answers 402 with Stripe's decline code; an incomplete subscription is canceled at Stripe
/// and nothing is stored, so nothing is left half-written.
/// </summary>
public static class Subscribe
{
    private static readonly Dictionary<string, string> Fields = new(StringComparer.Ordinal) { ["payment_method"] = "paymentMethod", ["default_payment_method"] = "paymentMethod" };

    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapPost("/", HandleAsync)
            .WithName("Subscribe")
            .ProducesProblem(StatusCodes.Status402PaymentRequired)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    public static string IdempotencyKey(Guid ownerId, int sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"owner-{ownerId:N}-subscription-{sequence}");

    public static async Task<SubscribeAnswer> HandleAsync(
        SubscribeRequest? request, ClaimsPrincipal user, PaymentsDbContext db, StripeClient stripe, PlanCatalogue catalogue, BillingCustomers customers, TimeProvider time, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var plan = SubscriptionAccess.ReadPaidPlan(catalogue, request?.Plan, errors);
        var method = ReadPaymentMethod(request?.PaymentMethod, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        if (stripe.ApiKey is null)
        {
            return StripeProblems.NotConfigured();
        }

        var price = await db.PlanPrices.AsNoTracking().SingleOrDefaultAsync(p => p.PlanCode == plan!.Code, ct);
        if (price is null)
        {
            return Problems.Unavailable($"The {plan!.Code} plan is not on sale at Stripe yet (the catalogue is being synchronised); try again shortly.");
        }

        var ownerId = user.GetUserId();
        if (await SubscriptionAccess.CurrentAsync(db, ownerId, ct) is { } current)
        {
            return Problems.Conflict($"You already have a subscription to the {current.Plan} plan ({current.Status}); change its plan instead (PUT /api/subscriptions/mine/plan).");
        }

        try
        {
            var account = await customers.EnsureAsync(ownerId, ct);
            PaymentMethod attached;
            try
            {
                // A test method name (pm_card_visa) attaches as a new pm_… of the customer: that id is the default.
                attached = await stripe.V1.PaymentMethods.AttachAsync(method, new PaymentMethodAttachOptions { Customer = account.CustomerId }, cancellationToken: ct);
            }
            catch (StripeException e) when (e.IsCardError())
            {
                return SubscriptionAccess.CardDeclined(e.StripeError.DeclineCode, e.StripeError.Code, e.StripeError.Message);
            }

            var subscription = await stripe.V1.Subscriptions.CreateAsync(
                new SubscriptionCreateOptions
                {
                    Customer = account.CustomerId,
                    Items = [new SubscriptionItemOptions { Price = price.PriceId }],
                    DefaultPaymentMethod = attached.Id,
                    PaymentBehavior = "allow_incomplete",
                    Metadata = new() { ["owner_id"] = ownerId.ToString(), ["plan"] = plan!.Code },
                    Expand = ["latest_invoice.payments"],
                },
                new RequestOptions { IdempotencyKey = IdempotencyKey(ownerId, account.SubscriptionsStarted) },
                ct);
            // Whatever Stripe answered, the next subscription needs a key of its own.
            account.RecordSubscriptionStarted(time.GetUtcNow());
            await db.SaveChangesAsync(ct);
            if (subscription.Status == PlanSubscriptionStatuses.Incomplete)
            {
                var decline = await FirstInvoiceDeclineAsync(stripe, subscription, ct);
                var canceled = await stripe.V1.Subscriptions.CancelAsync(subscription.Id, cancellationToken: ct);
                await EndStoredAsync(db, catalogue, canceled, time, ct);
                return SubscriptionAccess.CardDeclined(decline?.DeclineCode, decline?.Code ?? "card_declined", decline?.Message);
            }

            var snapshot = await SubscriptionSync.SnapshotAsync(db, catalogue, subscription, at: null, ct)
                ?? throw new InvalidOperationException($"Stripe answered subscription {subscription.Id} without the price {price.PriceId}.");
            db.PlanSubscriptions.Add(PlanSubscription.Start(subscription.Id, ownerId, snapshot, time.GetUtcNow()));
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (e.IsUniqueViolation(PaymentsDbContext.PlanSubscriptionsPrimaryKey))
            {
                // Its own webhook (or a concurrent request with the same idempotency key) stored it first: Stripe's word stands.
                db.ChangeTracker.Clear();
            }

            return TypedResults.Accepted("/api/subscriptions/mine", new SubscriptionAccepted(subscription.Id, plan.Code, subscription.Status));
        }
        catch (StripeException e)
        {
            return StripeProblems.From(e, Fields);
        }
        catch (Exception e) when (StripeProblems.IsUnreachable(e, ct))
        {
            return StripeProblems.Unreachable(e);
        }
    }

    /// <summary>
    /// Its customer.subscription.created webhook may have stored the incomplete subscription meanwhile: it is ended with
    /// Stripe's cancel answer, so it does not count as the owner's current subscription.
    /// </summary>
    private static async Task EndStoredAsync(PaymentsDbContext db, PlanCatalogue catalogue, Subscription canceled, TimeProvider time, CancellationToken ct)
    {
        var row = await db.PlanSubscriptions.SingleOrDefaultAsync(s => s.Id == canceled.Id, ct);
        if (row is not null && await SubscriptionSync.SnapshotAsync(db, catalogue, canceled, at: null, ct) is { } snapshot && row.Apply(snapshot, time.GetUtcNow()))
        {
            await db.SaveChangesAsync(ct);
        }
    }

    /// <summary>Why the first invoice was not paid: the last error of its payment's PaymentIntent, when Stripe has one.</summary>
    private static async Task<StripeError?> FirstInvoiceDeclineAsync(StripeClient stripe, Subscription subscription, CancellationToken ct)
    {
        var intentId = subscription.LatestInvoice?.Payments?.Data?.Select(p => p.Payment?.PaymentIntentId).FirstOrDefault(id => id is not null);
        if (intentId is null)
        {
            return null;
        }

        var intent = await stripe.V1.PaymentIntents.GetAsync(intentId, cancellationToken: ct);
        return intent.LastPaymentError;
    }

    /// <summary>A Stripe PaymentMethod id given in <paramref name="field"/>: required, no spaces, Stripe's id length.</summary>
    internal static string? ReadPaymentMethod(string? value, ValidationErrors errors, string field = "paymentMethod")
    {
        var method = value?.Trim();
        if (string.IsNullOrEmpty(method))
        {
            errors.Add(field, $"{field} is required (a Stripe PaymentMethod id such as pm_card_visa).");
            return null;
        }

        if (method.Length > SubscriptionAccess.MaxPaymentMethodLength || method.Any(char.IsWhiteSpace))
        {
            errors.Add(field, $"{field} must be a Stripe id without spaces, at most {SubscriptionAccess.MaxPaymentMethodLength} characters.");
            return null;
        }

        return method;
    }
}
