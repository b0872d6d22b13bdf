namespace DaprPlatform.Identity.Domain;

/// <summary>One link of a refresh-token family. Only the SHA-256 hash of the secret is kept.</summary>
public sealed class RefreshToken
{
    private RefreshToken()
    {
        TokenHash = [];
    }

    public Guid Id { get; private set; }
    public Guid FamilyId { get; private set; }
    public byte[] TokenHash { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }

    /// <summary>Set when the token was exchanged for its successor; a second exchange is a reuse.</summary>
    public DateTimeOffset? ConsumedAt { get; private set; }

    public bool IsConsumed => ConsumedAt is not null;

    public bool IsExpiredAt(DateTimeOffset now) => now >= ExpiresAt;

    internal static RefreshToken Issue(Guid familyId, byte[] tokenHash, DateTimeOffset now, TimeSpan lifetime)
    {
        if (tokenHash is not { Length: RefreshTokenSecret.HashLength })
        {
            throw new ArgumentException($"A refresh token hash is {RefreshTokenSecret.HashLength} bytes.", nameof(tokenHash));
        }

        if (lifetime <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, "Lifetime must be positive.");
        }

        return new RefreshToken
        {
            Id = Guid.CreateVersion7(now),
            FamilyId = familyId,
            TokenHash = tokenHash,
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        };
    }

    internal void Consume(DateTimeOffset now) => ConsumedAt = now;
}
