using System.Globalization;
using System.Text.Json;
using Dapr.Workflow;
using DaprPlatform.Workflows.ServiceSteps;

namespace DaprPlatform.Workflows.BookingPayment;

// The activities of BookingPayment and BookingCancellation. Each is one invocation carrying the step's idempotency key;
// the services make every one of them idempotent per booking, so a redelivered activity has no second effect.
// Business refusals (a 4xx no retry can change) come back as values for the workflow to decide on; anything else throws,
// and the step's retry policy applies.

/// <summary>Holds the slot at tutoring for the payment window; tutoring quotes the price and the tutor's name with it.</summary>
public sealed class HoldSlotActivity(ServiceStepCall call) : WorkflowActivity<HoldSlotInput, SlotHold>
{
    public override async Task<SlotHold> RunAsync(WorkflowActivityContext context, HoldSlotInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var answer = await call.SendAsync(context, BookingSteps.HoldSlot, HttpMethod.Post, "tutoring", "internal/holds", new
        {
            bookingId = input.BookingId,
            tutorId = input.TutorId,
            studentId = input.StudentId,
            start = input.Start,
            durationMinutes = input.DurationMinutes,
            holdMinutes = input.HoldMinutes,
        }, refusals: [400, 404, 409]);
        if (!answer.IsSuccess)
        {
            return new SlotHold(false, null, input.Start, input.Start.AddMinutes(input.DurationMinutes), null, answer.Reason);
        }

        var hold = AnswerFields.Body(answer, "tutoring");
        return new SlotHold(
            true,
            AnswerFields.String(hold, "tutorName", "tutoring"),
            AnswerFields.Time(hold, "start", "tutoring"),
            AnswerFields.Time(hold, "end", "tutoring"),
            AnswerFields.Money(hold, "price", "tutoring"),
            null);
    }
}

/// <summary>Creates the booking (pending) with the names and the price as they are now.</summary>
public sealed class CreateBookingActivity(ServiceStepCall call) : WorkflowActivity<CreateBookingInput, StepOutcome>
{
    public override async Task<StepOutcome> RunAsync(WorkflowActivityContext context, CreateBookingInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var answer = await call.SendAsync(context, BookingSteps.CreateBooking, HttpMethod.Post, "booking", "internal/bookings", input, refusals: [400, 409]);
        return answer.IsSuccess ? StepOutcome.Success : StepOutcome.Refused(answer.Reason);
    }
}

/// <summary>Creates the Stripe PaymentIntent through payments; one per booking, however often this runs.</summary>
public sealed class CreatePaymentIntentActivity(ServiceStepCall call) : WorkflowActivity<CreatePaymentIntentInput, PaymentIntentCreated>
{
    public override async Task<PaymentIntentCreated> RunAsync(WorkflowActivityContext context, CreatePaymentIntentInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var answer = await call.SendAsync(context, BookingSteps.CreatePaymentIntent, HttpMethod.Post, "payments", "internal/payments/intents", input, refusals: [400, 409]);
        if (!answer.IsSuccess)
        {
            return new PaymentIntentCreated(false, Guid.Empty, null, answer.Reason);
        }

        var payment = AnswerFields.Body(answer, "payments");
        return new PaymentIntentCreated(true, AnswerFields.Guid(payment, "paymentId", "payments"), AnswerFields.String(payment, "paymentIntentId", "payments"), null);
    }
}

/// <summary>Records the payment on the booking (pending → awaitingPayment).</summary>
public sealed class MarkAwaitingPaymentActivity(ServiceStepCall call) : WorkflowActivity<AwaitingPaymentInput, StepOutcome>
{
    public override async Task<StepOutcome> RunAsync(WorkflowActivityContext context, AwaitingPaymentInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var answer = await call.SendAsync(context, BookingSteps.MarkAwaitingPayment, HttpMethod.Post, "booking",
            $"internal/bookings/{input.BookingId}/awaiting-payment", new { paymentId = input.PaymentId, paymentIntentId = input.PaymentIntentId }, refusals: [409]);
        return answer.IsSuccess ? StepOutcome.Success : StepOutcome.Refused(answer.Reason);
    }
}

/// <summary>Confirms the booking; booking refuses (409) when the student or tutor already has an overlapping confirmed one.</summary>
public sealed class ConfirmBookingActivity(ServiceStepCall call) : WorkflowActivity<BookingRef, StepOutcome>
{
    public override async Task<StepOutcome> RunAsync(WorkflowActivityContext context, BookingRef input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var answer = await call.SendAsync(context, BookingSteps.ConfirmBooking, HttpMethod.Post, "booking", $"internal/bookings/{input.BookingId}/confirm", refusals: [409]);
        return answer.IsSuccess ? StepOutcome.Success : StepOutcome.Refused(answer.Reason);
    }
}

/// <summary>Turns the hold into a booked slot; refused (409) only when the hold was released or lost.</summary>
public sealed class BookSlotActivity(ServiceStepCall call) : WorkflowActivity<BookingRef, StepOutcome>
{
    public override async Task<StepOutcome> RunAsync(WorkflowActivityContext context, BookingRef input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var answer = await call.SendAsync(context, BookingSteps.BookSlot, HttpMethod.Post, "tutoring", $"internal/holds/{input.BookingId}/book", refusals: [404, 409]);
        return answer.IsSuccess ? StepOutcome.Success : StepOutcome.Refused(answer.Reason);
    }
}

/// <summary>Compensation of CreatePaymentIntent: cancels the intent, or refunds it in full when it succeeded after all.</summary>
public sealed class VoidPaymentActivity(ServiceStepCall call) : WorkflowActivity<PaymentRef, StepDone>
{
    public override async Task<StepDone> RunAsync(WorkflowActivityContext context, PaymentRef input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var answer = await call.SendAsync(context, BookingSteps.VoidPayment, HttpMethod.Post, "payments", $"internal/payments/{input.PaymentId}/void");
        return new StepDone(BookingSteps.VoidPayment, answer.StatusCode);
    }
}

/// <summary>Cancels the booking (with the refund when one was made); repeating it is a no-op at booking.</summary>
public sealed class CancelBookingActivity(ServiceStepCall call) : WorkflowActivity<CancelBookingInput, StepOutcome>
{
    public override async Task<StepOutcome> RunAsync(WorkflowActivityContext context, CancelBookingInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var answer = await call.SendAsync(context, BookingSteps.CancelBooking, HttpMethod.Post, "booking", $"internal/bookings/{input.BookingId}/cancel",
            new { reason = input.Reason, refund = input.Refund }, refusals: [404, 409]);
        return answer.IsSuccess ? StepOutcome.Success : StepOutcome.Refused(answer.Reason);
    }
}

/// <summary>Compensation of HoldSlot (and the last step of a cancellation): frees the slot; an unknown hold is already free.</summary>
public sealed class ReleaseSlotActivity(ServiceStepCall call) : WorkflowActivity<BookingRef, StepDone>
{
    public override async Task<StepDone> RunAsync(WorkflowActivityContext context, BookingRef input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var answer = await call.SendAsync(context, BookingSteps.ReleaseSlot, HttpMethod.Post, "tutoring", $"internal/holds/{input.BookingId}/release", refusals: [404]);
        return new StepDone(BookingSteps.ReleaseSlot, answer.StatusCode);
    }
}

/// <summary>Asks booking's refund policy what a cancellation requested at <see cref="RefundQuoteInput.At"/> gives back.</summary>
public sealed class QuoteRefundActivity(ServiceStepCall call) : WorkflowActivity<RefundQuoteInput, RefundQuote>
{
    public override async Task<RefundQuote> RunAsync(WorkflowActivityContext context, RefundQuoteInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var at = Uri.EscapeDataString(input.At.ToString("O", CultureInfo.InvariantCulture));
        var answer = await call.SendAsync(context, BookingSteps.QuoteRefund, HttpMethod.Get, "booking",
            $"internal/bookings/{input.BookingId}/refund-quote?at={at}&requestedBy={Uri.EscapeDataString(input.RequestedBy)}", refusals: [404, 409]);
        if (!answer.IsSuccess)
        {
            return new RefundQuote(false, null, 0, null, answer.Reason);
        }

        var quote = AnswerFields.Body(answer, "booking");
        var percent = quote.TryGetProperty("percent", out var p) && p.TryGetInt32(out var value) ? value : 0;
        Guid? paymentId = quote.TryGetProperty("paymentId", out var id) && id.ValueKind == JsonValueKind.String && id.TryGetGuid(out var parsed) ? parsed : null;
        return new RefundQuote(true, AnswerFields.Money(quote, "refund", "booking"), percent, paymentId, null);
    }
}

/// <summary>Refunds part or all of the payment; payments makes one Stripe refund per idempotency key.</summary>
public sealed class RefundPaymentActivity(ServiceStepCall call) : WorkflowActivity<RefundPaymentInput, StepOutcome>
{
    public override async Task<StepOutcome> RunAsync(WorkflowActivityContext context, RefundPaymentInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var answer = await call.SendAsync(context, BookingSteps.RefundPayment, HttpMethod.Post, "payments", $"internal/payments/{input.PaymentId}/refund",
            new { amount = input.Amount, reason = input.Reason }, refusals: [409]);
        return answer.IsSuccess ? StepOutcome.Success : StepOutcome.Refused(answer.Reason);
    }
}

/// <summary>Reads the fields a step needs from a service's JSON answer; a missing one is the service's fault, and says so.</summary>
internal static class AnswerFields
{
    public static JsonElement Body(ServiceStepResponse answer, string appId) =>
        answer.Body is { ValueKind: JsonValueKind.Object } body ? body : throw Missing(appId, "a JSON object");

    public static string String(JsonElement body, string name, string appId) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Missing(appId, name);

    public static Guid Guid(JsonElement body, string name, string appId) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetGuid(out var id) ? id : throw Missing(appId, name);

    public static DateTimeOffset Time(JsonElement body, string name, string appId) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var time) ? time : throw Missing(appId, name);

    public static MoneyAmount Money(JsonElement body, string name, string appId)
    {
        if (body.TryGetProperty(name, out var money) && money.ValueKind == JsonValueKind.Object
            && money.TryGetProperty("amount", out var amount) && amount.TryGetInt64(out var minor)
            && money.TryGetProperty("currency", out var currency) && currency.ValueKind == JsonValueKind.String)
        {
            return new MoneyAmount(minor, currency.GetString()!);
        }

        throw Missing(appId, name);
    }

    private static ServiceStepException Missing(string appId, string what) => new(appId, null, $"{appId} answered without {what}.");
}
