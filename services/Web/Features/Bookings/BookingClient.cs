using System.Text.Json;
using DaprPlatform.Web.Features.Tutors;
using DaprPlatform.Web.Infrastructure.Services;

namespace DaprPlatform.Web.Features.Bookings;

/// <summary>A booking as the booking service shows it.</summary>
public sealed record Booking(
    Guid BookingId,
    Guid StudentId,
    Guid TutorId,
    string TutorName,
    string Subject,
    DateTimeOffset Start,
    DateTimeOffset End,
    int DurationMinutes,
    MoneyAmount Price,
    string Status,
    Guid? PaymentId,
    MoneyAmount? Refund,
    string? CancellationReason)
{
    public bool CanBeCancelled => Status is BookingStatuses.Pending or BookingStatuses.AwaitingPayment or BookingStatuses.Confirmed;
}

/// <summary>The booking service's status names.</summary>
public static class BookingStatuses
{
    public const string Pending = "pending";
    public const string AwaitingPayment = "awaitingPayment";
    public const string Confirmed = "confirmed";
    public const string Completed = "completed";
    public const string Cancelled = "cancelled";
    public const string Refunded = "refunded";

    /// <summary>The status as a person reads it.</summary>
    public static string Text(string status) => status switch
    {
        Pending => "Being set up",
        AwaitingPayment => "Awaiting payment",
        Confirmed => "Confirmed",
        Completed => "Completed",
        Cancelled => "Cancelled",
        Refunded => "Cancelled and refunded",
        _ => status,
    };
}

/// <summary>The booking-payment saga's progress (<c>GET /api/bookings/{id}/saga</c>).</summary>
/// <param name="Status">Dapr's runtime status: RUNNING, COMPLETED, FAILED, TERMINATED…</param>
/// <param name="Step">The step running now, or how it ended (Confirmed, Cancelled, Rejected).</param>
public sealed record BookingSaga(string InstanceId, string Status, string? Step, JsonElement? Outcome, string? Reason, JsonElement? Error)
{
    public bool Ended => Status is "COMPLETED" or "FAILED" or "TERMINATED";

    /// <summary>confirmed, rejected or cancelled once it ended.</summary>
    public string? OutcomeName => Outcome is { ValueKind: JsonValueKind.String } o ? o.GetString() : null;

    public string? ErrorText => Error switch
    {
        { ValueKind: JsonValueKind.String } e => e.GetString(),
        { ValueKind: JsonValueKind.Object } e when e.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String => m.GetString(),
        _ => null,
    };
}

public sealed record BookingAccepted(Guid BookingId, string InstanceId, string StatusUrl);

public sealed record RefundQuote(Guid BookingId, MoneyAmount Refund, int Percent, double HoursBeforeStart);

/// <summary>A payment after the confirm call: a decline is an outcome (status failed with its code), not an error.</summary>
public sealed record Payment(Guid PaymentId, string Status, string? FailureCode, string? FailureMessage);

/// <summary>A Stripe test payment method the stand-in (and Stripe's test mode) knows.</summary>
public sealed record TestCard(string PaymentMethod, string Label);

/// <summary>The booking and payments services' student routes.</summary>
public sealed class BookingClient(ServiceCalls services)
{
    public const string AppId = "booking";
    public const string PaymentsAppId = "payments";

    public static IReadOnlyList<TestCard> TestCards { get; } =
    [
        new("pm_card_visa", "Visa (succeeds)"),
        new("pm_card_chargeDeclined", "Declined card"),
    ];

    public Task<ApiResult<BookingAccepted>> RequestAsync(Guid tutorId, DateTimeOffset start, int durationMinutes, string subject, CancellationToken ct) =>
        services.SendAsync<BookingAccepted>(HttpMethod.Post, AppId, "api/bookings", new { tutorId, start = start.ToUniversalTime(), durationMinutes, subject }, ct);

    public Task<ApiResult<Booking>> GetAsync(Guid bookingId, CancellationToken ct) =>
        services.GetAsync<Booking>(AppId, $"api/bookings/{bookingId}", ct);

    public Task<ApiResult<BookingSaga>> GetSagaAsync(Guid bookingId, CancellationToken ct) =>
        services.GetAsync<BookingSaga>(AppId, $"api/bookings/{bookingId}/saga", ct);

    public Task<ApiResult<Paged<Booking>>> MineAsync(int page, CancellationToken ct) =>
        services.GetAsync<Paged<Booking>>(AppId, $"api/bookings?as=student&page={page}&pageSize=50", ct);

    public Task<ApiResult<RefundQuote>> QuoteRefundAsync(Guid bookingId, CancellationToken ct) =>
        services.GetAsync<RefundQuote>(AppId, $"api/bookings/{bookingId}/refund-quote", ct);

    public Task<ApiResult> CancelAsync(Guid bookingId, string? reason, CancellationToken ct) =>
        services.SendAsync(HttpMethod.Post, AppId, $"api/bookings/{bookingId}/cancel", new { reason }, ct);

    public Task<ApiResult<Payment>> PayAsync(Guid paymentId, string paymentMethod, CancellationToken ct) =>
        services.SendAsync<Payment>(HttpMethod.Post, PaymentsAppId, $"api/payments/{paymentId}/confirm", new { paymentMethod }, ct);
}

public static class BookingFeatures
{
    /// <summary>The student area's API clients (one line in Program.cs).</summary>
    public static IServiceCollection AddStudentFeatures(this IServiceCollection services) =>
        services.AddScoped<TutoringClient>().AddScoped<BookingClient>();
}
