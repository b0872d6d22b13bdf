using System.Globalization;
using DaprPlatform.Payments.Domain;
using DaprPlatform.Payments.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Stripe;
using Plan = DaprPlatform.Payments.Domain.Plan;

namespace DaprPlatform.Payments.Features;

/// <summary>
/// Mirrors each paid plan of the catalogue to Stripe at start-up: a Product (id <c>plan_{code}</c>, ours, so it is found
/// again) and a monthly Price found by its lookup key (<c>plan_{code}_monthly</c>). Stripe's prices are immutable: a
/// changed price in the catalogue creates a new Price and moves the lookup key to it (<c>transfer_lookup_key</c>); existing
/// subscriptions keep theirs. The Price ids are kept in plan_prices. Idempotent: a restart finds everything in place and
/// creates nothing. Runs in the background and retries with back-off, so health and the other routes never wait on Stripe.
/// </summary>
public sealed partial class PlanCatalogueSync(IServiceScopeFactory scopes, PlanCatalogue catalogue, TimeProvider time, ILogger<PlanCatalogueSync> logger) : BackgroundService
{
    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(5);

    public static string PriceIdempotencyKey(Plan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return string.Create(CultureInfo.InvariantCulture, $"plan-{plan.Code}-price-{plan.Amount}-{plan.Currency}-{plan.LookupKey}");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = FirstRetryDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var stripe = scope.ServiceProvider.GetRequiredService<StripeClient>();
                if (stripe.ApiKey is null)
                {
                    LogNotConfigured(logger);
                    return;
                }

                await SyncAsync(scope.ServiceProvider.GetRequiredService<PaymentsDbContext>(), stripe, stoppingToken);
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested && e is StripeException or HttpRequestException or TaskCanceledException or DbUpdateException or InvalidOperationException or Npgsql.NpgsqlException)
            {
                LogRetry(logger, delay, e.Message);
                await Task.Delay(delay, time, stoppingToken);
                delay = delay * 2 > MaxRetryDelay ? MaxRetryDelay : delay * 2;
            }
        }
    }

    /// <summary>One pass over the paid plans.</summary>
    public async Task SyncAsync(PaymentsDbContext db, StripeClient stripe, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(stripe);
        foreach (var plan in catalogue.Paid)
        {
            var price = await FindPriceAsync(stripe, plan, ct) ?? await CreatePriceAsync(stripe, plan, ct);
            var row = await db.PlanPrices.SingleOrDefaultAsync(p => p.PlanCode == plan.Code, ct);
            if (row?.PriceId == price.Id)
            {
                continue;
            }

            if (row is not null)
            {
                db.PlanPrices.Remove(row);
            }

            db.PlanPrices.Add(new PlanPrice
            {
                PlanCode = plan.Code,
                PriceId = price.Id,
                ProductId = price.ProductId,
                Amount = plan.Amount,
                Currency = plan.Currency,
                SyncedAt = time.GetUtcNow(),
            });
            await db.SaveChangesAsync(ct);
            LogSynced(logger, plan.Code, price.Id);
        }
    }

    /// <summary>The Price the lookup key points at, if it still sells the plan as configured.</summary>
    private static async Task<Price?> FindPriceAsync(StripeClient stripe, Plan plan, CancellationToken ct)
    {
        var found = await stripe.V1.Prices.ListAsync(new PriceListOptions { LookupKeys = [plan.LookupKey], Limit = 1 }, cancellationToken: ct);
        var price = found.Data.FirstOrDefault();
        return price is { Active: true, UnitAmount: { } amount, Recurring.Interval: Plan.MonthlyInterval }
            && amount == plan.Amount
            && string.Equals(price.Currency, plan.Currency, StringComparison.OrdinalIgnoreCase)
            ? price
            : null;
    }

    private static async Task<Price> CreatePriceAsync(StripeClient stripe, Plan plan, CancellationToken ct)
    {
        var productId = await EnsureProductAsync(stripe, plan, ct);
        return await stripe.V1.Prices.CreateAsync(
            new PriceCreateOptions
            {
                Product = productId,
                UnitAmount = plan.Amount,
                Currency = plan.Currency.ToLowerInvariant(),
                Recurring = new PriceRecurringOptions { Interval = Plan.MonthlyInterval },
                LookupKey = plan.LookupKey,
                // The key moves from the old Price (if any) to this one in the same call.
                TransferLookupKey = true,
                Metadata = new() { ["plan"] = plan.Code },
            },
            new RequestOptions { IdempotencyKey = PriceIdempotencyKey(plan) },
            ct);
    }

    private static async Task<string> EnsureProductAsync(StripeClient stripe, Plan plan, CancellationToken ct)
    {
        try
        {
            return (await stripe.V1.Products.GetAsync(plan.ProductId, cancellationToken: ct)).Id;
        }
        catch (StripeException e) when (e.StripeError?.Code == "resource_missing")
        {
            try
            {
                return (await stripe.V1.Products.CreateAsync(
                    new ProductCreateOptions { Id = plan.ProductId, Name = $"{plan.Name} plan", Metadata = new() { ["plan"] = plan.Code } },
                    cancellationToken: ct)).Id;
            }
            catch (StripeException exists) when (exists.StripeError?.Code == "resource_already_exists")
            {
                // Another replica created it between the two calls.
                return plan.ProductId;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Plan catalogue: Stripe is not configured; no plan can be sold")]
    private static partial void LogNotConfigured(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Plan catalogue: synchronising with Stripe failed, retrying in {Delay}: {Reason}")]
    private static partial void LogRetry(ILogger logger, TimeSpan delay, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Plan catalogue: {Plan} is sold at Stripe price {PriceId}")]
    private static partial void LogSynced(ILogger logger, string plan, string priceId);
}
