using System.Security.Claims;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Booking.Features;

/// <summary>Who may see a booking: its student, its tutor, or an admin. Everyone else is told it does not exist.</summary>
public static class BookingAccess
{
    public static bool CanSee(this ClaimsPrincipal user, Domain.Booking booking)
    {
        ArgumentNullException.ThrowIfNull(booking);
        return user.IsAdmin() || booking.IsParticipant(user.GetUserId());
    }
}
