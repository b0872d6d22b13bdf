using System.Security.Claims;
using DaprPlatform.Messaging.Domain;
using DaprPlatform.Messaging.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Messaging.Features;

public sealed record StartConversationRequest(Guid? TutorId, Guid? BookingId);

/// <summary>
/// POST /api/conversations {tutorId, bookingId?} — a student opens the conversation with a published tutor (asked of
/// tutoring): 201 with a new one, or 200 with the pair's existing one (a booking id given is remembered on it). A booking id
/// is taken only for a booking between this student and this tutor, asked of booking with the student's own token (ADR 0027).
/// </summary>
public static class StartConversation
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapPost("/", HandleAsync).WithName("StartConversation");

    public static async Task<Results<Created<ConversationResponse>, Ok<ConversationResponse>, ValidationProblem, ForbiddenProblem, UnprocessableProblem, UnavailableProblem>> HandleAsync(
        StartConversationRequest? request,
        ClaimsPrincipal user,
        MessagingDbContext db,
        TutoringApp tutoring,
        BookingApp bookings,
        HttpRequest http,
        TimeProvider time,
        CancellationToken ct)
    {
        if (request is null)
        {
            return ValidationErrors.MissingBody("{tutorId, bookingId?}");
        }

        var me = user.GetUserId();
        var errors = new ValidationErrors();
        var tutorId = errors.RequireId("tutorId", request.TutorId);
        if (request.BookingId == Guid.Empty)
        {
            errors.Add("bookingId", "bookingId must be a non-empty id when given.");
        }

        if (tutorId == me)
        {
            errors.Add("tutorId", "You cannot start a conversation with yourself.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        if (!user.IsInRole(PlatformRoles.Student))
        {
            return Problems.Forbidden("Only students start conversations; tutors answer them.");
        }

        if (request.BookingId is { } bookingId)
        {
            var booking = await bookings.FindAsync(bookingId, http.Headers.Authorization.ToString(), ct);
            if (booking.Unavailable)
            {
                return Problems.Unavailable("Booking could not be asked whether the booking is yours with this tutor. Try again shortly.");
            }

            // Someone else's booking is 404 in booking, so "not yours" and "does not exist" are one answer here too.
            if (booking.Found is not { } parties || parties.StudentId != me || parties.TutorId != tutorId)
            {
                return Problems.Unprocessable("bookingId", "bookingId must name a booking of yours with this tutor.",
                    $"Booking {bookingId} is not a booking between you and tutor {tutorId}.");
            }
        }

        if (await ExistingAsync(db, me, tutorId!.Value, request.BookingId, ct) is { } existing)
        {
            return TypedResults.Ok(existing);
        }

        var lookup = await tutoring.FindPublishedAsync(tutorId.Value, ct);
        if (lookup.Unavailable)
        {
            return Problems.Unavailable("Tutoring could not be asked whether the tutor is published. Try again shortly.");
        }

        if (lookup.Found is not { } tutor)
        {
            return Problems.Unprocessable("tutorId", "No published tutor has this id.", $"Tutor {tutorId} has no published profile.");
        }

        var conversation = Conversation.Start(me, StudentName(user), tutor.TutorId, Truncate(tutor.DisplayName), request.BookingId, time.GetUtcNow());
        db.Conversations.Add(conversation);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation(MessagingDbContext.PairConstraint))
        {
            // The same student started it concurrently: theirs is the one.
            db.ChangeTracker.Clear();
            return TypedResults.Ok((await ExistingAsync(db, me, tutorId.Value, request.BookingId, ct))!);
        }

        return TypedResults.Created($"/api/conversations/{conversation.Id}", await ConversationRows.SummaryAsync(db, conversation.Id, me, ct));
    }

    private static async Task<ConversationResponse?> ExistingAsync(MessagingDbContext db, Guid studentId, Guid tutorId, Guid? bookingId, CancellationToken ct)
    {
        var existing = await db.Conversations.SingleOrDefaultAsync(c => c.StudentId == studentId && c.TutorId == tutorId, ct);
        if (existing is null)
        {
            return null;
        }

        if (bookingId is { } booking && existing.LinkBooking(booking))
        {
            // Last writer wins: the link only says which booking page opened the conversation most recently.
            await db.SaveChangesAsync(ct);
        }

        return await ConversationRows.SummaryAsync(db, existing.Id, studentId, ct);
    }

    private static string StudentName(ClaimsPrincipal user) =>
        user.FindFirst(PlatformClaims.Name)?.Value is { } name && !string.IsNullOrWhiteSpace(name) ? Truncate(name.Trim()) : "Student";

    private static string Truncate(string name) => name.Length <= Conversation.MaxNameLength ? name : name[..Conversation.MaxNameLength];
}
