using DaprPlatform.Payments.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Payments.Tests;

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
