using System.Globalization;
using DaprPlatform.Web.Infrastructure.Services;

namespace DaprPlatform.Web.Features.Tutor;

/// <summary>
/// The tutor's payout account as payments answers it (<c>GET/POST /api/payouts/account</c>): <c>pending</c> until Stripe's
/// onboarding is finished, then <c>enabled</c>; <see cref="OnboardingUrl"/> only in a POST's answer while pending.
/// </summary>
public sealed record PayoutAccountBody(string AccountId, string Status, string? OnboardingUrl, DateTimeOffset? OnboardingExpiresAt)
{
    public bool IsEnabled => Status == "enabled";
}

/// <summary>Where Stripe sends the tutor back: after onboarding, or when the link expired or was used already.</summary>
public sealed record ConnectPayoutAccountBody(string ReturnUrl, string RefreshUrl);

/// <summary>One period's payout (<c>GET /api/payouts</c>): pending, completed, failed or skipped (below the minimum).</summary>
public sealed record PayoutBody(
    Guid PayoutId,
    DateTimeOffset PeriodStart,
    DateTimeOffset PeriodEnd,
    MoneyBody Amount,
    string Status,
    string? TransferId,
    string? FailureReason);

public sealed record PayoutPage(IReadOnlyList<PayoutBody> Items, int Page, int PageSize, int Total)
{
    public int PageCount => Math.Max(1, (int)Math.Ceiling(Total / (double)PageSize));
}

/// <param name="Started">False when this period's payout had been started already (on demand or by the payout calendar).</param>
public sealed record PayoutInitiatedBody(DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd, bool Started);

/// <summary>The payouts page's calls to payments, as the signed-in tutor, through this app's sidecar.</summary>
public sealed class PayoutsApi(ServiceCalls services)
{
    public const string PaymentsAppId = "payments";
    public const int PayoutsPerPage = 10;

    /// <summary>The tutor's payout account; a 404 problem means none is connected yet.</summary>
    public Task<ApiResult<PayoutAccountBody>> GetAccountAsync(CancellationToken ct) =>
        services.GetAsync<PayoutAccountBody>(PaymentsAppId, "api/payouts/account", ct);

    /// <summary>Creates the account the first time; while onboarding is unfinished every call answers a fresh single-use link.</summary>
    public Task<ApiResult<PayoutAccountBody>> ConnectAccountAsync(ConnectPayoutAccountBody urls, CancellationToken ct) =>
        services.SendAsync<PayoutAccountBody>(HttpMethod.Post, PaymentsAppId, "api/payouts/account", urls, ct);

    /// <summary>The tutor's payouts, newest period first.</summary>
    public Task<ApiResult<PayoutPage>> GetPayoutsAsync(int page, CancellationToken ct) =>
        services.GetAsync<PayoutPage>(PaymentsAppId,
            string.Create(CultureInfo.InvariantCulture, $"api/payouts?page={page}&pageSize={PayoutsPerPage}"), ct);

    /// <summary>Starts the current period's payout now instead of at the period's end.</summary>
    public Task<ApiResult<PayoutInitiatedBody>> InitiateAsync(CancellationToken ct) =>
        services.SendAsync<PayoutInitiatedBody>(HttpMethod.Post, PaymentsAppId, "api/payouts/initiate", null, ct);
}
