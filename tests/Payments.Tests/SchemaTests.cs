using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Payments.Tests;

/// <summary>The hand-written migration must create exactly the schema the model describes.</summary>
public sealed class SchemaTests
{
    private static PaymentsDbContext Context(string connectionString) =>
        new(new DbContextOptionsBuilder<PaymentsDbContext>().UseNpgsql(connectionString).Options);

    [Fact]
    public async Task Migrated_schema_equals_the_model_schema()
    {
        var migrated = await MigrationSchemaGuard.AssertMigrationsMatchModelAsync(Context, "payments");

        migrated.AppliedMigrations.Should().Equal("20261122000001_Initial");
        var lines = migrated.Schema.Lines;
        lines.Should().Contain(l => l.Contains("CREATE UNIQUE INDEX ux_payments_booking_id", StringComparison.Ordinal), "one payment per booking is the database's rule");
        lines.Should().Contain(l => l.Contains("CREATE UNIQUE INDEX ux_payment_refunds_payment_id_idempotency_key", StringComparison.Ordinal));
        lines.Should().Contain(l => l.StartsWith("constraint stripe_events.pk_stripe_events: p PRIMARY KEY (id)", StringComparison.Ordinal), "an event id is stored once");
        lines.Should().Contain(l => l.StartsWith("constraint stripe_customers.pk_stripe_customers: p PRIMARY KEY (student_id)", StringComparison.Ordinal));
        lines.Should().Contain(l => l.StartsWith("column outbox_messages.payload: jsonb", StringComparison.Ordinal));
    }
}

/// <summary>Two writers of one payment cannot both win with stale state: xmin is the concurrency token.</summary>
public sealed class ConcurrencyTokenTests(PaymentsFixture fx) : IClassFixture<PaymentsFixture>
{
    [Fact]
    public async Task A_stale_update_of_a_payment_is_refused()
    {
        var created = await fx.CreatePaymentAsync();
        var id = created.GetProperty("paymentId").GetGuid();
        await using var first = new PaymentsDbContext(new DbContextOptionsBuilder<PaymentsDbContext>().UseNpgsql(fx.Database.ConnectionString).Options);
        await using var second = new PaymentsDbContext(new DbContextOptionsBuilder<PaymentsDbContext>().UseNpgsql(fx.Database.ConnectionString).Options);
        var a = await first.Payments.SingleAsync(p => p.Id == id);
        var b = await second.Payments.SingleAsync(p => p.Id == id);

        a.MarkSucceeded(DateTimeOffset.UtcNow);
        await first.SaveChangesAsync();
        b.MarkFailed("generic_decline", "stale view", DateTimeOffset.UtcNow);
        var act = () => second.SaveChangesAsync();

        await act.Should().ThrowAsync<DbUpdateConcurrencyException>();
        (await fx.Factory.WithDbAsync(db => db.Payments.AsNoTracking().SingleAsync(p => p.Id == id))).Status.Should().Be(Domain.PaymentStatus.Succeeded);
    }
}
