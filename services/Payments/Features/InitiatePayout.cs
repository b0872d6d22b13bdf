using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using DaprPlatform.Monetary;
using DaprPlatform.Payments.Domain;
using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using InitiateAnswer = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.Accepted<DaprPlatform.Payments.Features.PayoutInitiatedResponse>,
    DaprPlatform.ServiceDefaults.ForbiddenProblem,
    DaprPlatform.ServiceDefaults.ConflictProblem,
    DaprPlatform.ServiceDefaults.UnprocessableProblem,
    DaprPlatform.ServiceDefaults.StatusProblem>;

namespace DaprPlatform.Payments.Features;

/// <param name="InstanceId">The TutorPayout saga's instance (one per tutor and period).</param>
/// <param name="Started">False when this period's payout had been started already (on demand or by the calendar).</param>
public sealed record PayoutInitiatedResponse(string InstanceId, DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd, bool Started);

/// <summary>
/// POST /api/payouts/initiate — a tutor asks to be paid now: the workflows app starts the current period's TutorPayout
/// saga at once instead of at the period's end (the same saga instance, so a period is still paid once; what is earned
/// later in the period waits for the next). Needs an enabled payout account (409 otherwise) and a balance of at least the
/// minimum payout (422 otherwise, saying both): below it the saga would only record a skipped payout, so nothing is started.
/// </summary>
public static class InitiatePayout
{
    public const string WorkflowsAppId = "workflows";

    public const string BalanceBelowMinimumType = "https://daprplatform.dev/problems/balance-below-minimum";

    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapPost("/initiate", HandleAsync).WithName("InitiatePayout");

    public static async Task<InitiateAnswer> HandleAsync(
        ClaimsPrincipal user, PaymentsDbContext db, AppInvocationClients invocation, IOptions<PayoutOptions> options, TimeProvider time, CancellationToken ct)
    {
        if (!user.IsInRole(PlatformRoles.Tutor))
        {
            return PayoutAccess.TutorsOnly();
        }

        var tutorId = user.GetUserId();
        var account = await db.PayoutAccounts.AsNoTracking().SingleOrDefaultAsync(a => a.TutorId == tutorId, ct);
        if (account is not { IsEnabled: true })
        {
            return Problems.Conflict("Connect a payout account and finish its onboarding first (POST /api/payouts/account, then GET it once you are back).");
        }

        // The balance as the saga's Balance step will read it (entries until now; the period's end lies ahead).
        var (_, balance) = await PayoutLedger.PayableAsync(db, tutorId, time.GetUtcNow(), options.Value.EmptyPayoutCurrency, ct);
        if (!Payout.IsPayable(balance, options.Value.MinimumAmount))
        {
            return BelowMinimum(balance, new Money(Payout.SmallestPayout(options.Value.MinimumAmount), balance.Currency));
        }

        try
        {
            using var response = await invocation.For(WorkflowsAppId).PostAsJsonAsync("internal/payouts/on-demand", new { tutorId }, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                return (int)response.StatusCode is 503 or 404
                    ? Problems.Unavailable("The payout saga could not be started; try again shortly.")
                    : new BadGatewayProblem($"The workflows app answered {(int)response.StatusCode}.", "Payouts are unavailable.");
            }

            var started = JsonSerializer.Deserialize<PayoutInitiatedResponse>(body, JsonSerializerOptions.Web)
                ?? throw new JsonException("workflows answered no body.");
            return TypedResults.Accepted("/api/payouts", started);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            return Problems.Unavailable("The payout saga could not be started; try again shortly.");
        }
    }

    /// <summary>422: the request is understood, but there is not enough to pay; the balance and the minimum say how far off it is.</summary>
    private static UnprocessableProblem BelowMinimum(Money balance, Money minimum) =>
        new($"Your balance is {balance}; a payout needs at least {minimum}. It is carried forward until it reaches the minimum.",
            "The balance is below the minimum payout.",
            BalanceBelowMinimumType,
            new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["balance"] = MoneyPayload.From(balance),
                ["minimum"] = MoneyPayload.From(minimum),
            });
}
