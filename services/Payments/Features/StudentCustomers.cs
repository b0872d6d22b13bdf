using DaprPlatform.ServiceDefaults;
using DaprPlatform.Payments.Domain;
using DaprPlatform.Payments.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Stripe;

namespace DaprPlatform.Payments.Features;

/// <summary>
/// One Stripe Customer per student, created on the student's first payment. The Stripe idempotency key is derived
/// from the student id and the row's primary key is the student id, so racing first payments end with one customer.
/// </summary>
public static class StudentCustomers
{
    public static string IdempotencyKey(Guid studentId) => $"student-{studentId:N}-customer";

    public static async Task<string> EnsureAsync(PaymentsDbContext db, StripeClient stripe, Guid studentId, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(stripe);
        ArgumentNullException.ThrowIfNull(time);
        var known = await db.StripeCustomers.AsNoTracking().SingleOrDefaultAsync(c => c.StudentId == studentId, ct);
        if (known is not null)
        {
            return known.CustomerId;
        }

        var customer = await stripe.V1.Customers.CreateAsync(
            new CustomerCreateOptions { Metadata = new() { ["student_id"] = studentId.ToString() } },
            new RequestOptions { IdempotencyKey = IdempotencyKey(studentId) },
            ct);
        var row = new StripeCustomer { StudentId = studentId, CustomerId = customer.Id, CreatedAt = time.GetUtcNow() };
        db.StripeCustomers.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation(PaymentsDbContext.StripeCustomersPrimaryKey))
        {
            db.Entry(row).State = EntityState.Detached;
            return (await db.StripeCustomers.AsNoTracking().SingleAsync(c => c.StudentId == studentId, ct)).CustomerId;
        }

        db.Entry(row).State = EntityState.Detached;
        return customer.Id;
    }
}
