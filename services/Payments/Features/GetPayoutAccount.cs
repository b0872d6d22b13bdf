using System.Security.Claims;
using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Stripe;

namespace DaprPlatform.Payments.Features;

/// <summary>
/// GET /api/payouts/account — the caller's payout account: pending or enabled. While pending it asks Stripe (the
/// <c>account.updated</c> webhook may not have landed yet); once enabled the stored state answers. 404 without one.
/// </summary>
public static class GetPayoutAccount
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapGet("/account", HandleAsync).WithName("GetPayoutAccount");

    public static async Task<Results<Ok<PayoutAccountResponse>, NotFoundProblem>> HandleAsync(
        ClaimsPrincipal user, PaymentsDbContext db, StripeClient stripe, TimeProvider time, ILoggerFactory logs, CancellationToken ct)
    {
        var tutorId = user.GetUserId();
        var account = await db.PayoutAccounts.SingleOrDefaultAsync(a => a.TutorId == tutorId, ct);
        if (account is null)
        {
            return Problems.NotFound("You have no payout account; POST /api/payouts/account connects one.");
        }

        if (!account.IsEnabled && stripe.ApiKey is not null)
        {
            try
            {
                var stripeAccount = await stripe.V1.Accounts.GetAsync(account.StripeAccountId, cancellationToken: ct);
                if (PayoutAccountSync.Apply(account, stripeAccount, time.GetUtcNow()))
                {
                    await db.SaveChangesAsync(ct);
                }
            }
            catch (Exception e) when (e is StripeException or DbUpdateConcurrencyException || StripeProblems.IsUnreachable(e, ct))
            {
                // The stored state is still an answer (the webhook keeps it current); Stripe's trouble is only logged.
                logs.CreateLogger(typeof(GetPayoutAccount)).LogWarning(e, "Could not refresh payout account {AccountId} from Stripe", account.StripeAccountId);
            }
        }

        return TypedResults.Ok(PayoutAccountResponse.From(account));
    }
}
