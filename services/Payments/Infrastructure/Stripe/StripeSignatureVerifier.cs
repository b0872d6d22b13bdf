using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Payments.Infrastructure.Stripe;

public enum SignatureVerdict
{
    Valid,
    MissingHeader,
    MalformedHeader,
    /// <summary>No <c>v1</c> signature in the header (e.g. only the legacy <c>v0</c> scheme).</summary>
    NoV1Signature,
    TimestampOutsideTolerance,
    Mismatch,
}

/// <summary>
/// Checks Stripe's <c>Stripe-Signature</c> header (<c>t=…,v1=…[,v1=…][,v0=…]</c>): HMAC-SHA256 of <c>{t}.{raw body}</c>
/// with the endpoint secret, in lower-case hex, must equal one of the <c>v1</c> values (several during a secret roll),
/// compared in constant time, and <c>t</c> must be within the tolerance of now — a captured delivery cannot be
/// replayed later. Works on the raw bytes, before anything parses the body.
/// </summary>
public sealed class StripeSignatureVerifier(IOptions<StripeOptions> options, TimeProvider time)
{
    public const string Header = "Stripe-Signature";
    private const int MaxHeaderLength = 8 * 1024;

    public SignatureVerdict Verify(string? header, ReadOnlySpan<byte> payload, string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        if (string.IsNullOrWhiteSpace(header))
        {
            return SignatureVerdict.MissingHeader;
        }

        if (!TryParse(header, out var timestamp, out var signatures))
        {
            return SignatureVerdict.MalformedHeader;
        }

        if (signatures.Count == 0)
        {
            return SignatureVerdict.NoV1Signature;
        }

        var age = time.GetUtcNow().ToUnixTimeSeconds() - timestamp;
        if (Math.Abs((decimal)age) > (decimal)options.Value.WebhookTolerance.TotalSeconds)
        {
            return SignatureVerdict.TimestampOutsideTolerance;
        }

        var expected = Compute(timestamp, payload, secret);
        var matched = false;
        foreach (var candidate in signatures)
        {
            // Every candidate is compared, so the time taken does not say which one (if any) matched.
            matched |= CryptographicOperations.FixedTimeEquals(expected, candidate);
        }

        return matched ? SignatureVerdict.Valid : SignatureVerdict.Mismatch;
    }

    /// <summary>The <c>v1</c> value Stripe would send for this timestamp, body and secret (lower-case hex).</summary>
    public static string Sign(long timestamp, ReadOnlySpan<byte> payload, string secret) => Convert.ToHexStringLower(Compute(timestamp, payload, secret));

    private static byte[] Compute(long timestamp, ReadOnlySpan<byte> payload, string secret)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + payload.Length];
        prefix.CopyTo(signed, 0);
        payload.CopyTo(signed.AsSpan(prefix.Length));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
    }

    private static bool TryParse(string header, out long timestamp, out List<byte[]> signatures)
    {
        timestamp = 0;
        signatures = [];
        if (header.Length > MaxHeaderLength)
        {
            return false;
        }

        var haveTimestamp = false;
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                return false;
            }

            var key = part[..eq];
            var value = part[(eq + 1)..];
            if (key == "t")
            {
                if (haveTimestamp || !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out timestamp))
                {
                    return false;
                }

                haveTimestamp = true;
            }
            else if (key == "v1")
            {
                // A value that is not 64 hex digits can never match; it is skipped rather than failing the others.
                if (value.Length == 64 && IsHex(value))
                {
                    signatures.Add(Convert.FromHexString(value));
                }
            }

            // Other schemes (v0, future ones) are ignored, as Stripe's libraries do.
        }

        return haveTimestamp;
    }

    private static bool IsHex(string value)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
