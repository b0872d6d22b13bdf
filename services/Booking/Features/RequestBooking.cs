using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using DaprPlatform.Booking.Domain;
using DaprPlatform.Booking.Infrastructure;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Booking.Features;

public sealed record RequestBookingRequest(Guid? TutorId, DateTimeOffset? Start, int? DurationMinutes, string? Subject);

public sealed record BookingAcceptedResponse(Guid BookingId, string InstanceId, string StatusUrl);

/// <summary>What the booking-payment saga starts from (POST workflows /internal/booking-payments).</summary>
public sealed record BookingPaymentStart(
    Guid BookingId,
    string InstanceId,
    Guid StudentId,
    string StudentName,
    Guid TutorId,
    DateTimeOffset Start,
    int DurationMinutes,
    string Subject);

/// <summary>
/// POST /api/bookings — a student asks for a session. Nothing is written here: the booking-payment saga (workflows app)
/// holds the slot, creates the booking and takes the payment; this answers 202 with where to follow it. With an
/// Idempotency-Key the booking id is derived from (student, key), so a retry reaches the same saga instance.
/// </summary>
public static class RequestBooking
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const string StartMethod = "internal/booking-payments";

    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapPost("/", HandleAsync).WithName("RequestBooking");

    public static async Task<Results<Accepted<BookingAcceptedResponse>, ValidationProblem, ForbiddenProblem, UnavailableProblem>> HandleAsync(
        RequestBookingRequest? request,
        HttpContext http,
        ClaimsPrincipal user,
        WorkflowsApp workflows,
        TimeProvider time,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (!user.IsInRole(PlatformRoles.Student))
        {
            return Problems.Forbidden("Only students can book sessions.");
        }

        if (request is null)
        {
            return ValidationErrors.MissingBody("{tutorId, start, durationMinutes, subject}");
        }

        var studentId = user.GetUserId();
        var errors = new ValidationErrors();
        var idempotencyKey = ReadIdempotencyKey(http.Request.Headers, errors);
        var tutorId = errors.RequireId("tutorId", request.TutorId);
        if (tutorId == studentId)
        {
            errors.Add("tutorId", "You cannot book a session with yourself.");
        }

        if (request.Start is not { } start)
        {
            errors.Add("start", "start is required.");
        }
        else if (start <= time.GetUtcNow())
        {
            errors.Add("start", "start must be in the future.");
        }
        else if (!BookingRules.IsAligned(start))
        {
            errors.Add("start", $"start must be on a {BookingRules.SlotMinutes}-minute boundary (e.g. 10:00, 10:15).");
        }

        if (request.DurationMinutes is not { } duration || !BookingRules.IsValidDuration(duration))
        {
            errors.Add("durationMinutes",
                $"durationMinutes must be {BookingRules.MinDurationMinutes} to {BookingRules.MaxDurationMinutes}, a multiple of {BookingRules.SlotMinutes}.");
        }

        var subject = errors.RequireText("subject", request.Subject, Domain.Booking.MaxSubjectLength);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var bookingId = idempotencyKey is null ? Guid.NewGuid() : BookingRequestId.FromIdempotencyKey(studentId, idempotencyKey);
        var instanceId = BookingRequestId.WorkflowInstanceIdFor(bookingId);
        var sagaInput = new BookingPaymentStart(bookingId, instanceId, studentId, StudentName(user), tutorId!.Value,
            request.Start!.Value.ToUniversalTime(), request.DurationMinutes!.Value, subject!);

        var answer = await workflows.PostAsync(StartMethod, sagaInput, ct);
        // 409: the instance exists — this is a retry of a request that already started it.
        if (answer is not { IsSuccess: true } and not { StatusCode: StatusCodes.Status409Conflict })
        {
            return Problems.Unavailable(answer is null
                ? "The booking could not be started: the sidecar is unreachable. Try again shortly (with the same Idempotency-Key)."
                : $"The booking could not be started (workflows answered {answer.StatusCode}). Try again shortly (with the same Idempotency-Key).");
        }

        var statusUrl = $"/api/bookings/{bookingId}/saga";
        return TypedResults.Accepted(statusUrl, new BookingAcceptedResponse(bookingId, instanceId, statusUrl));
    }

    private static string? ReadIdempotencyKey(IHeaderDictionary headers, ValidationErrors errors)
    {
        if (!headers.TryGetValue(IdempotencyKeyHeader, out var values))
        {
            return null;
        }

        var key = values.Count == 1 ? values[0]?.Trim() : null;
        if (string.IsNullOrEmpty(key) || key.Length > BookingRequestId.MaxIdempotencyKeyLength)
        {
            errors.Add(IdempotencyKeyHeader, $"The {IdempotencyKeyHeader} header must be one non-blank value of at most {BookingRequestId.MaxIdempotencyKeyLength} characters.");
            return null;
        }

        return key;
    }

    // The saga copies this into the booking; the token's name claim is the display name identity issued.
    private static string StudentName(ClaimsPrincipal user)
    {
        var name = user.FindFirst(PlatformClaims.Name)?.Value?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            return "Student";
        }

        return name.Length <= Domain.Booking.MaxNameLength ? name : name[..Domain.Booking.MaxNameLength];
    }
}
