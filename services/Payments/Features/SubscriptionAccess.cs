using DaprPlatform.Payments.Domain;
using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Payments.Features;

/// <summary>Finding an owner's current subscription and the answers the subscription routes share.</summary>
public static class SubscriptionAccess
{
    public const string CardDeclinedType = "https://daprplatform.dev/problems/card-declined";

    public const int MaxPaymentMethodLength = ConfirmPayment.MaxPaymentMethodLength;

    /// <summary>The owner's newest subscription that has not ended (incomplete included); tracked.</summary>
    public static Task<PlanSubscription?> CurrentAsync(PaymentsDbContext db, Guid ownerId, CancellationToken ct) =>
        db.PlanSubscriptions
            .Where(s => s.OwnerId == ownerId && s.Status != PlanSubscriptionStatuses.Canceled && s.Status != PlanSubscriptionStatuses.IncompleteExpired)
            .OrderByDescending(s => s.CreatedAt)
            .FirstOrDefaultAsync(ct);

    public static NotFoundProblem NoSubscription() => Problems.NotFound("You have no subscription (you are on the free plan).");

    /// <summary>402: the card was declined; Stripe's decline code says why (e.g. insufficient_funds).</summary>
    /// <param name="outcome">What the decline left as it was, told after Stripe's words.</param>
    public static ProblemHttpResult CardDeclined(string? declineCode, string? code, string? message, string outcome = "Nothing was subscribed.") =>
        TypedResults.Problem(
            $"The card was declined: {message?.TrimEnd('.') ?? "the first invoice could not be paid"}. {outcome}",
            statusCode: StatusCodes.Status402PaymentRequired,
            title: "The card was declined.",
            type: CardDeclinedType,
            extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["declineCode"] = declineCode, ["code"] = code });

    /// <summary>A plan code the owner may subscribe or switch to: in the catalogue and not the free plan.</summary>
    public static Plan? ReadPaidPlan(PlanCatalogue catalogue, string? code, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        ArgumentNullException.ThrowIfNull(errors);
        var paid = string.Join(", ", catalogue.Paid.Select(p => p.Code));
        var plan = catalogue.Find(code?.Trim());
        if (string.IsNullOrWhiteSpace(code))
        {
            errors.Add("plan", $"plan is required: one of {paid}.");
        }
        else if (plan is null)
        {
            errors.Add("plan", $"There is no plan '{Excerpt(code)}'; plans are {paid}.");
        }
        else if (plan.IsFree)
        {
            errors.Add("plan", $"The {plan.Code} plan needs no subscription; to leave a paid plan, cancel it (POST /api/subscriptions/mine/cancel).");
            return null;
        }

        return plan;
    }

    private static string Excerpt(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
