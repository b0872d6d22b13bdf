using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Messaging.Infrastructure;

/// <summary>Who a booking is between, as booking's <c>GET /api/bookings/{id}</c> answers it.</summary>
public sealed record BookingParties(Guid BookingId, Guid StudentId, Guid TutorId);

/// <summary>
/// Asks booking, through this app's sidecar, for a booking as the signed-in caller sees it: the caller's own access token
/// goes along, so booking applies its own rule (only the booking's student, its tutor and admins see it; anyone else gets
/// 404) and messaging needs neither a route of its own in booking nor a copy of booking's data (ADR 0027).
/// </summary>
public sealed class BookingApp(AppInvocationClients invocation)
{
    public const string AppId = "booking";

    /// <param name="callerAuthorization">The Authorization header the caller sent this app (its bearer token).</param>
    public async Task<AppLookup<BookingParties>> FindAsync(Guid bookingId, string callerAuthorization, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(callerAuthorization);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/bookings/{bookingId}");
        request.Headers.TryAddWithoutValidation("Authorization", callerAuthorization);
        return await AppLookups.GetAsync<BookingParties>(invocation.For(AppId), request, booking => booking.BookingId == bookingId, ct);
    }
}
