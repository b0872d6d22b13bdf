using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using DaprPlatform.Booking.Domain;
using DaprPlatform.Booking.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Booking.Features;

/// <summary>
/// GET /api/bookings?as=student|tutor&amp;status=&amp;page=&amp;pageSize= — the caller's bookings (as student, as tutor, or
/// both by default), newest start first.
/// </summary>
public static class ListBookings
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapGet("/", HandleAsync).WithName("ListBookings");

    public static async Task<Results<Ok<PagedResponse<BookingResponse>>, ValidationProblem>> HandleAsync(
        [FromQuery(Name = "as")] string? role,
        string? status,
        string? page,
        string? pageSize,
        ClaimsPrincipal user,
        BookingDbContext db,
        CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var paging = PageRequest.TryCreate(page, pageSize, errors);
        if (role is not (null or "student" or "tutor"))
        {
            errors.Add("as", "as must be student or tutor (or absent for both).");
        }

        BookingStatus? wanted = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (BookingStatusNames.TryParseWireName(status, out var parsed))
            {
                wanted = parsed;
            }
            else
            {
                errors.Add("status", "status must be one of pending, awaitingPayment, confirmed, completed, cancelled, refunded.");
            }
        }

        if (paging is null || !errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var userId = user.GetUserId();
        var mine = role switch
        {
            "student" => db.Bookings.AsNoTracking().Where(b => b.StudentId == userId),
            "tutor" => db.Bookings.AsNoTracking().Where(b => b.TutorId == userId),
            _ => db.Bookings.AsNoTracking().Where(b => b.StudentId == userId || b.TutorId == userId),
        };
        if (wanted is { } only)
        {
            mine = mine.Where(b => b.Status == only);
        }

        var total = await mine.CountAsync(ct);
        var items = await paging.Apply(mine.OrderByDescending(b => b.Start).ThenByDescending(b => b.Id)).ToListAsync(ct);
        return TypedResults.Ok(new PagedResponse<BookingResponse>(items.Select(BookingResponse.From).ToList(), paging.Page, paging.PageSize, total));
    }
}
