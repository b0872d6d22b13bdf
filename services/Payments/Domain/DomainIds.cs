using System.Security.Cryptography;
using System.Text;

namespace DaprPlatform.Payments.Domain;

/// <summary>Ids and timestamps as payments stores them.</summary>
public static class DomainIds
{
    /// <summary>
    /// A name-based Guid (RFC 9562 version 8 from SHA-256 of <paramref name="name"/>): the same name always gives the same
    /// id, so a retried create finds the row (and sends Stripe the same idempotency key) instead of making a second one.
    /// </summary>
    public static Guid NameBased(string name)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(name));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8 (name-based, custom hash) in the big-endian layout below
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>PostgreSQL keeps microseconds; rounding here makes the row, the response and the event agree exactly.</summary>
    public static DateTimeOffset ToMicroseconds(DateTimeOffset t) => new(t.Ticks - (t.Ticks % 10), t.Offset);
}
