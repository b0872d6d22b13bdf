using DaprPlatform.Monetary;

namespace DaprPlatform.Payments.Contracts;

/// <summary>
/// What payments reads of booking's <c>booking.completed</c> (services/Booking/Contracts/BookingEvent.cs): the booking,
/// its tutor, its price and when it completed. Payments keeps its own record of the shape, as every consumer does.
/// </summary>
public sealed record BookingCompleted(Guid BookingId, Guid TutorId, MoneyPayload? Price, string? Status, DateTimeOffset OccurredAt);
