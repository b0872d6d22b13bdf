using System.Security.Claims;
using DaprPlatform.Payments.Domain;
using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Stripe;
using ConnectAnswer = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.Created<DaprPlatform.Payments.Features.PayoutAccountResponse>,
    Microsoft.AspNetCore.Http.HttpResults.Ok<DaprPlatform.Payments.Features.PayoutAccountResponse>,
    Microsoft.AspNetCore.Http.HttpResults.ValidationProblem,
    DaprPlatform.ServiceDefaults.ForbiddenProblem,
    DaprPlatform.ServiceDefaults.StatusProblem>;

namespace DaprPlatform.Payments.Features;

/// <param name="ReturnUrl">Where Stripe sends the tutor after onboarding (absolute http(s) URL).</param>
/// <param name="RefreshUrl">Where Stripe sends the tutor when the link expired or was used: it should call this endpoint again.</param>
public sealed record ConnectPayoutAccountRequest(string? ReturnUrl, string? RefreshUrl);

/// <summary>
/// POST /api/payouts/account — a tutor connects a payout account: the Stripe Express account is created once (its
/// Stripe idempotency key and our primary key are the tutor), then each call answers a fresh single-use onboarding link
/// while onboarding is unfinished (201 the first time, 200 after).
/// </summary>
public static class ConnectPayoutAccount
{
    public const int MaxUrlLength = 2000;

    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapPost("/account", HandleAsync).WithName("ConnectPayoutAccount");

    public static string IdempotencyKey(Guid tutorId) => $"tutor-{tutorId:N}-payout-account";

    public static async Task<ConnectAnswer> HandleAsync(
        ConnectPayoutAccountRequest? request, ClaimsPrincipal user, PaymentsDbContext db, StripeClient stripe, IOptions<PayoutOptions> options, TimeProvider time, CancellationToken ct)
    {
        if (!user.IsInRole(PlatformRoles.Tutor))
        {
            return PayoutAccess.TutorsOnly();
        }

        var errors = new ValidationErrors();
        var returnUrl = ReadUrl(request?.ReturnUrl, "returnUrl", errors);
        var refreshUrl = ReadUrl(request?.RefreshUrl, "refreshUrl", errors);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        if (stripe.ApiKey is null)
        {
            return StripeProblems.NotConfigured();
        }

        var tutorId = user.GetUserId();
        try
        {
            var account = await db.PayoutAccounts.SingleOrDefaultAsync(a => a.TutorId == tutorId, ct);
            var created = account is null;
            if (account is null)
            {
                var stripeAccount = await stripe.V1.Accounts.CreateAsync(
                    new AccountCreateOptions
                    {
                        Type = "express",
                        Country = options.Value.AccountCountry,
                        Capabilities = new AccountCapabilitiesOptions { Transfers = new AccountCapabilitiesTransfersOptions { Requested = true } },
                        Metadata = new() { ["tutor_id"] = tutorId.ToString() },
                    },
                    new RequestOptions { IdempotencyKey = IdempotencyKey(tutorId) },
                    ct);
                account = PayoutAccount.Create(tutorId, stripeAccount.Id, time.GetUtcNow());
                PayoutAccountSync.Apply(account, stripeAccount, time.GetUtcNow());
                db.PayoutAccounts.Add(account);
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateException e) when (e.IsUniqueViolation(PaymentsDbContext.PayoutAccountsPrimaryKey))
                {
                    // A concurrent first call stored it (the same Stripe account: same idempotency key).
                    db.ChangeTracker.Clear();
                    account = await db.PayoutAccounts.SingleAsync(a => a.TutorId == tutorId, ct);
                    created = false;
                }
            }

            AccountLink? link = null;
            if (!account.IsEnabled)
            {
                // Links are single-use and short-lived: each call makes a new one (no idempotency key to replay an old one).
                link = await stripe.V1.AccountLinks.CreateAsync(
                    new AccountLinkCreateOptions { Account = account.StripeAccountId, Type = "account_onboarding", ReturnUrl = returnUrl!.ToString(), RefreshUrl = refreshUrl!.ToString() },
                    cancellationToken: ct);
            }

            var response = PayoutAccountResponse.From(account, link);
            return created ? TypedResults.Created("/api/payouts/account", response) : TypedResults.Ok(response);
        }
        catch (StripeException e)
        {
            return StripeProblems.From(e, new Dictionary<string, string>(StringComparer.Ordinal) { ["return_url"] = "returnUrl", ["refresh_url"] = "refreshUrl" });
        }
        catch (Exception e) when (StripeProblems.IsUnreachable(e, ct))
        {
            return StripeProblems.Unreachable(e);
        }
    }

    private static Uri? ReadUrl(string? value, string field, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, $"{field} is required: an absolute http(s) URL.");
            return null;
        }

        if (value.Length > MaxUrlLength || !Uri.TryCreate(value.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            errors.Add(field, $"{field} must be an absolute http(s) URL of at most {MaxUrlLength} characters.");
            return null;
        }

        return url;
    }
}
