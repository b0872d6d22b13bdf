using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using System.Text.Json;
using DaprPlatform.Booking.Infrastructure;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Booking.Features;

/// <summary>What workflows answers for GET /internal/booking-payments/{bookingId}.</summary>
public sealed record BookingSagaState(string? InstanceId, Guid? StudentId, string? Status, string? Step, JsonElement? Outcome, string? Reason, JsonElement? Error);

/// <param name="Reason">Why it was rejected or cancelled (slot taken, payment declined or timed out, withdrawn).</param>
public sealed record BookingSagaResponse(string InstanceId, string Status, string? Step, JsonElement? Outcome, string? Reason, JsonElement? Error);

/// <summary>
/// GET /api/bookings/{id}/saga — progress of the booking-payment saga, read from the workflows app. It exists before the
/// booking row does (the saga creates the booking), so visibility is decided by the student id the saga reports.
/// </summary>
public static class GetBookingSaga
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapGet("/{id:guid}/saga", HandleAsync).WithName("GetBookingSaga");

    public static async Task<Results<Ok<BookingSagaResponse>, NotFoundProblem, UnavailableProblem>> HandleAsync(Guid id, ClaimsPrincipal user, WorkflowsApp workflows, CancellationToken ct)
    {
        var answer = await workflows.GetAsync($"internal/booking-payments/{id}", ct);
        if (answer is { StatusCode: StatusCodes.Status404NotFound })
        {
            return BookingProblems.NotFound(id);
        }

        if (answer is not { IsSuccess: true } || Read(answer.Body) is not { InstanceId: not null, Status: not null } state)
        {
            return Problems.Unavailable(answer is null
                ? "The booking's progress could not be read: the sidecar is unreachable."
                : $"The booking's progress could not be read (workflows answered {answer.StatusCode}).");
        }

        if (!user.IsAdmin() && state.StudentId != user.GetUserId())
        {
            return BookingProblems.NotFound(id);
        }

        return TypedResults.Ok(new BookingSagaResponse(state.InstanceId, state.Status, state.Step, state.Outcome, state.Reason, state.Error));
    }

    private static BookingSagaState? Read(string body)
    {
        try
        {
            return JsonSerializer.Deserialize<BookingSagaState>(body, JsonSerializerOptions.Web);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
