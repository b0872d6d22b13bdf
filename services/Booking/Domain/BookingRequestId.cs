using System.Security.Cryptography;
using System.Text;

namespace DaprPlatform.Booking.Domain;

/// <summary>
/// The booking id for a POST /api/bookings: random without an Idempotency-Key, else derived from (student, key) so a
/// client that retries after a lost answer reaches the same booking and saga instead of starting a second one.
/// </summary>
public static class BookingRequestId
{
    public const int MaxIdempotencyKeyLength = 200;

    // Keeps these ids apart from any other name-based ids derived from the same inputs.
    private const string Purpose = "daprplatform/booking-request/v1";

    /// <summary>UUIDv8 (RFC 9562 custom layout) from the first 128 bits of SHA-256 over purpose, student id and key.</summary>
    public static Guid FromIdempotencyKey(Guid studentId, string idempotencyKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(idempotencyKey);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{Purpose}\n{studentId:D}\n{idempotencyKey}"));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(bytes, bigEndian: true);
    }

    public static string WorkflowInstanceIdFor(Guid bookingId) => $"booking-{bookingId:N}";

    public static string CancellationInstanceIdFor(Guid bookingId) => $"booking-cancel-{bookingId:N}";
}
