using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using DaprPlatform.Booking.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Booking.Features;

/// <summary>GET /api/bookings/{id} — the booking, for its student, its tutor or an admin (404 for anyone else).</summary>
public static class GetBooking
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapGet("/{id:guid}", HandleAsync).WithName("GetBooking");

    public static async Task<Results<Ok<BookingResponse>, NotFoundProblem>> HandleAsync(Guid id, ClaimsPrincipal user, BookingDbContext db, CancellationToken ct)
    {
        var booking = await db.Bookings.AsNoTracking().SingleOrDefaultAsync(b => b.Id == id, ct);
        return booking is not null && user.CanSee(booking)
            ? TypedResults.Ok(BookingResponse.From(booking))
            : BookingProblems.NotFound(id);
    }
}
