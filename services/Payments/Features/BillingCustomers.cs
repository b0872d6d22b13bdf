using DaprPlatform.Payments.Domain;
using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Stripe;
using Stripe.TestHelpers;

namespace DaprPlatform.Payments.Features;

/// <summary>
/// One billing account per owner, with its Stripe Customer created once (the idempotency key and the primary key are
/// the owner, as for students' customers). In test mode with <see cref="BillingOptions.UseTestClocks"/>, the customer is
/// created on its own test clock so tests can advance its time.
/// </summary>
public sealed class BillingCustomers(PaymentsDbContext db, StripeClient stripe, PlanCatalogue catalogue, IOptions<BillingOptions> billing, TimeProvider time)
{
    public static string CustomerIdempotencyKey(Guid ownerId) => $"owner-{ownerId:N}-billing-customer";

    public static string TestClockIdempotencyKey(Guid ownerId) => $"owner-{ownerId:N}-test-clock";

    /// <summary>The owner's account, tracked by the context.</summary>
    public async Task<BillingAccount> EnsureAsync(Guid ownerId, CancellationToken ct)
    {
        var known = await db.BillingAccounts.SingleOrDefaultAsync(a => a.OwnerId == ownerId, ct);
        if (known is not null)
        {
            return known;
        }

        string? clockId = null;
        if (billing.Value.UseTestClocks && stripe.ApiKey?.StartsWith("sk_test_", StringComparison.Ordinal) == true)
        {
            var clock = await stripe.V1.TestHelpers.TestClocks.CreateAsync(
                new TestClockCreateOptions { FrozenTime = time.GetUtcNow().UtcDateTime, Name = $"owner {ownerId:N}" },
                new RequestOptions { IdempotencyKey = TestClockIdempotencyKey(ownerId) },
                ct);
            clockId = clock.Id;
        }

        var customer = await stripe.V1.Customers.CreateAsync(
            new CustomerCreateOptions { TestClock = clockId, Metadata = new() { ["owner_id"] = ownerId.ToString() } },
            new RequestOptions { IdempotencyKey = CustomerIdempotencyKey(ownerId) },
            ct);
        var account = BillingAccount.Open(ownerId, customer.Id, clockId, catalogue.Free.Code, time.GetUtcNow());
        db.BillingAccounts.Add(account);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation(PaymentsDbContext.BillingAccountsPrimaryKey))
        {
            // A concurrent first call stored it (the same Stripe customer: same idempotency key).
            db.Entry(account).State = EntityState.Detached;
            return await db.BillingAccounts.SingleAsync(a => a.OwnerId == ownerId, ct);
        }

        return account;
    }
}
