using System.Globalization;
using System.Security.Claims;
using DaprPlatform.Payments.Domain;
using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Stripe;
using CardAnswer = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.Ok<DaprPlatform.Payments.Features.SubscriptionResponse>,
    Microsoft.AspNetCore.Http.HttpResults.ValidationProblem,
    DaprPlatform.ServiceDefaults.NotFoundProblem,
    DaprPlatform.ServiceDefaults.ConflictProblem,
    Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult,
    DaprPlatform.ServiceDefaults.StatusProblem>;

namespace DaprPlatform.Payments.Features;

/// <param name="PaymentMethodId">A Stripe PaymentMethod id (pm_…), e.g. the test method <c>pm_card_visa</c>.</param>
public sealed record UpdatePaymentMethodRequest(string? PaymentMethodId);

/// <summary>
/// PUT /api/subscriptions/mine/payment-method — the owner gives a new card: attached to their billing customer; when the
/// subscription is past due or incomplete, its newest open invoice is paid with it at once (ADR 0038); then it becomes the
/// customer's invoice default and the subscription's default. 409 when Stripe has ended the subscription. A card Stripe declines (at attach or at the payment) answers
/// 402 with the decline code: it never becomes a default and nothing is stored. The plan moves only on
/// Stripe's webhooks (invoice.paid → active → the dunning saga hears payment-recovered); the answer is the subscription as
/// Stripe states it after the attempt, as GET /mine shows it.
/// </summary>
public static class UpdatePaymentMethod
{
    public const string Field = "paymentMethodId";

    private static readonly Dictionary<string, string> Fields = new(StringComparer.Ordinal) { ["payment_method"] = Field, ["default_payment_method"] = Field };

    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapPut("/mine/payment-method", HandleAsync)
            .WithName("UpdatePaymentMethod")
            .ProducesProblem(StatusCodes.Status402PaymentRequired)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    /// <summary>
    /// The keys of one card update's Stripe writes: the owner's count of card updates (so a card given again later is a new
    /// request) and the card asked for (so another card after a decline is a new request, while the same card retried after
    /// Stripe was unreachable replays what Stripe already did).
    /// </summary>
    public static string IdempotencyKey(Guid ownerId, int cardUpdates, string paymentMethod, string step) =>
        string.Create(CultureInfo.InvariantCulture, $"owner-{ownerId:N}-card-{cardUpdates}-{DomainIds.NameBased(paymentMethod):N}-{step}");

    public static async Task<CardAnswer> HandleAsync(
        UpdatePaymentMethodRequest? request, ClaimsPrincipal user, PaymentsDbContext db, StripeClient stripe, PlanCatalogue catalogue, TimeProvider time, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var method = Subscribe.ReadPaymentMethod(request?.PaymentMethodId, errors, Field);
        if (method is not null && !method.StartsWith("pm_", StringComparison.Ordinal))
        {
            errors.Add(Field, $"{Field} must be a Stripe PaymentMethod id (pm_…).");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var ownerId = user.GetUserId();
        var subscription = await SubscriptionAccess.CurrentAsync(db, ownerId, ct);
        if (subscription is null)
        {
            return SubscriptionAccess.NoSubscription();
        }

        if (stripe.ApiKey is null)
        {
            return StripeProblems.NotConfigured();
        }

        var account = await db.BillingAccounts.AsNoTracking().SingleAsync(a => a.OwnerId == ownerId, ct);
        string Key(string step) => IdempotencyKey(ownerId, account.CardUpdates, method!, step);
        try
        {
            // Stripe's word on the status, not our row's (a webhook may not have arrived yet): an ended one takes no card.
            var current = await stripe.V1.Subscriptions.GetAsync(subscription.Id, cancellationToken: ct);
            if (PlanSubscriptionStatuses.IsTerminal(current.Status))
            {
                return Problems.Conflict($"The subscription has ended at Stripe ({current.Status}); subscribe again (POST /api/subscriptions).");
            }

            // A test method name (pm_card_visa) attaches as a new pm_… of the customer: that id is paid with and made the default.
            var attached = await stripe.V1.PaymentMethods.AttachAsync(
                method, new PaymentMethodAttachOptions { Customer = account.CustomerId }, new RequestOptions { IdempotencyKey = Key("attach") }, ct);
            if (current.Status is PlanSubscriptionStatuses.PastDue or PlanSubscriptionStatuses.Incomplete or PlanSubscriptionStatuses.Unpaid
                && await NewestOpenInvoiceAsync(stripe, subscription.Id, ct) is { } unpaid)
            {
                await stripe.V1.Invoices.PayAsync(
                    unpaid.Id, new InvoicePayOptions { PaymentMethod = attached.Id }, new RequestOptions { IdempotencyKey = Key($"pay-{unpaid.Id}") }, ct);
            }

            await stripe.V1.Customers.UpdateAsync(
                account.CustomerId,
                new CustomerUpdateOptions { InvoiceSettings = new CustomerInvoiceSettingsOptions { DefaultPaymentMethod = attached.Id } },
                new RequestOptions { IdempotencyKey = Key("customer-default") },
                ct);
            var updated = await stripe.V1.Subscriptions.UpdateAsync(
                subscription.Id, new SubscriptionUpdateOptions { DefaultPaymentMethod = attached.Id }, new RequestOptions { IdempotencyKey = Key("subscription-default") }, ct);
            var snapshot = await SubscriptionSync.SnapshotAsync(db, catalogue, updated, at: null, ct);

            // Stripe's answer is stored as Cancel stores it (it is Stripe's word and does not move the plan), with the count
            // that gives the owner's next card update keys of its own; a webhook may update the rows meanwhile: reread, apply again.
            var (row, saved) = await db.RetryConcurrentChangeAsync(async token =>
            {
                var row = await db.PlanSubscriptions.SingleAsync(s => s.Id == subscription.Id, token);
                var owner = await db.BillingAccounts.SingleAsync(a => a.OwnerId == ownerId, token);
                if (snapshot is not null)
                {
                    row.Apply(snapshot, time.GetUtcNow());
                }

                owner.RecordCardUpdate(time.GetUtcNow());
                await db.SaveChangesAsync(token);
                return (row, owner);
            }, () => (subscription, account), ct);
            return TypedResults.Ok(SubscriptionResponse.From(catalogue, saved, row));
        }
        catch (StripeException e) when (e.IsCardError())
        {
            // A card declined at the payment stays attached but never becomes a default: it is not charged again.
            return SubscriptionAccess.CardDeclined(e.StripeError.DeclineCode, e.StripeError.Code, e.StripeError.Message, "Your card on file is unchanged.");
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

    /// <summary>The subscription's newest open invoice (Stripe lists newest first): the unpaid renewal, or the first invoice.</summary>
    private static async Task<Invoice?> NewestOpenInvoiceAsync(StripeClient stripe, string subscriptionId, CancellationToken ct)
    {
        var open = await stripe.V1.Invoices.ListAsync(new InvoiceListOptions { Subscription = subscriptionId, Status = "open", Limit = 1 }, cancellationToken: ct);
        return open.Data.FirstOrDefault();
    }
}
