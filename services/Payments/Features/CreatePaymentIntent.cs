using Microsoft.AspNetCore.Http.HttpResults;
using DaprPlatform.Monetary;
using DaprPlatform.Payments.Domain;
using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Stripe;
using IntentAnswer = Microsoft.AspNetCore.Http.HttpResults.Results<Microsoft.AspNetCore.Http.HttpResults.Created<DaprPlatform.Payments.Features.PaymentResponse>, Microsoft.AspNetCore.Http.HttpResults.Ok<DaprPlatform.Payments.Features.PaymentResponse>, Microsoft.AspNetCore.Http.HttpResults.ValidationProblem, DaprPlatform.ServiceDefaults.StatusProblem>;

namespace DaprPlatform.Payments.Features;

public sealed record CreatePaymentIntentRequest(Guid? BookingId, Guid? StudentId, MoneyPayload? Amount, string? Description, string? WorkflowInstanceId);

/// <summary>
/// POST /internal/payments/intents (internal; the saga's CreatePaymentIntent step) — one payment per booking: the first call
/// creates the Stripe PaymentIntent and answers 201, every repeat answers 200 with the same payment and client secret.
/// </summary>
public static class CreatePaymentIntent
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/intents", HandleAsync)
            .WithName("CreatePaymentIntent");

    public static string IdempotencyKey(Guid paymentId) => $"payment-{paymentId}-create";

    // Stripe's own limits (e.g. amount_too_small: at least 0.50 USD) are the caller's input too.
    private static readonly Dictionary<string, string> AmountFields = new(StringComparer.Ordinal)
    {
        ["amount"] = "amount.amount",
        ["currency"] = "amount.currency",
        ["description"] = "description",
    };

    public static async Task<IntentAnswer> HandleAsync(
        CreatePaymentIntentRequest? request,
        PaymentsDbContext db,
        StripeClient stripe,
        TimeProvider time,
        CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (request is null)
        {
            errors.Add("body", "A JSON object {bookingId, studentId, amount, description, workflowInstanceId} is required.");
            return errors.ToProblem();
        }

        errors.RequireId("bookingId", request.BookingId);
        errors.RequireId("studentId", request.StudentId);

        var amount = errors.ReadMoney(request.Amount, "amount", minimum: 1, maximum: PaymentLimits.MaxMinorUnits);
        errors.RequireText("description", request.Description, Payment.MaxDescriptionLength);
        errors.RequireText("workflowInstanceId", request.WorkflowInstanceId, Payment.MaxWorkflowInstanceIdLength);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var bookingId = request.BookingId!.Value;
        var studentId = request.StudentId!.Value;
        if (await ExistingAsync(db, bookingId, studentId, amount!.Value, ct) is { } existing)
        {
            return existing;
        }

        if (stripe.ApiKey is null)
        {
            return StripeProblems.NotConfigured();
        }

        var paymentId = Payment.IdFor(bookingId);
        var description = request.Description!.Trim();
        var workflowInstanceId = request.WorkflowInstanceId!.Trim();
        PaymentIntent intent;
        string customerId;
        try
        {
            customerId = await StudentCustomers.EnsureAsync(db, stripe, studentId, time, ct);
            intent = await stripe.V1.PaymentIntents.CreateAsync(
                new PaymentIntentCreateOptions
                {
                    Amount = amount.Value.MinorUnits,
                    Currency = amount.Value.Currency.Code.ToLowerInvariant(),
                    Description = description,
                    Customer = customerId,
                    Metadata = new()
                    {
                        ["booking_id"] = bookingId.ToString(),
                        ["payment_id"] = paymentId.ToString(),
                        ["student_id"] = studentId.ToString(),
                        ["workflow_instance_id"] = workflowInstanceId,
                    },
                    // Server-side confirmation with a payment method id: no redirect-based methods, so no return URL.
                    AutomaticPaymentMethods = new PaymentIntentAutomaticPaymentMethodsOptions { Enabled = true, AllowRedirects = "never" },
                },
                new RequestOptions { IdempotencyKey = IdempotencyKey(paymentId) },
                ct);
        }
        catch (StripeException e)
        {
            return StripeProblems.From(e, AmountFields);
        }
        catch (Exception e) when (StripeProblems.IsUnreachable(e, ct))
        {
            return StripeProblems.Unreachable(e);
        }

        var payment = Payment.Create(bookingId, studentId, amount.Value, description, workflowInstanceId, intent.Id, intent.ClientSecret, customerId, time.GetUtcNow());
        db.Payments.Add(payment);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation(PaymentsDbContext.UniqueBookingIndex, "pk_payments"))
        {
            // A concurrent call for the same booking won; it used the same Stripe key, so it holds the same intent.
            db.ChangeTracker.Clear();
            return await ExistingAsync(db, bookingId, studentId, amount.Value, ct) ?? throw new InvalidOperationException("The winning payment vanished.", e);
        }

        return TypedResults.Created($"/api/payments/{payment.Id}", PaymentResponse.From(payment, withClientSecret: true));
    }

    private static async Task<IntentAnswer?> ExistingAsync(PaymentsDbContext db, Guid bookingId, Guid studentId, Money amount, CancellationToken ct)
    {
        var existing = await db.Payments.AsNoTracking().SingleOrDefaultAsync(p => p.BookingId == bookingId, ct);
        if (existing is null)
        {
            return null;
        }

        if (existing.StudentId != studentId || existing.Amount != amount.MinorUnits || existing.Currency != amount.Currency.Code)
        {
            return Problems.Conflict($"Booking {bookingId} already has payment {existing.Id} for another student or amount.");
        }

        return TypedResults.Ok(PaymentResponse.From(existing, withClientSecret: true));
    }
}
