namespace DaprPlatform.Identity.Domain;

public enum RefreshRejection
{
    /// <summary>The family was revoked earlier (logout, password change, or a detected reuse).</summary>
    FamilyRevoked,

    /// <summary>The presented token had already been exchanged: someone replays a stolen token, so the family dies.</summary>
    Reused,

    Expired,
}

public enum RevocationCause
{
    Logout,
    Reuse,
    PasswordChanged,
}

public sealed record RefreshOutcome(RefreshToken? Next, RefreshRejection? Rejection)
{
    public bool Succeeded => Next is not null;
}

/// <summary>
/// All refresh tokens descended from one login. Rotation: each token is exchanged exactly once for its successor.
/// Presenting an already exchanged token means two parties hold the chain, and we cannot tell which one is the
/// legitimate user, so the whole family is revoked and both must log in again.
/// </summary>
public sealed class RefreshTokenFamily
{
    private RefreshTokenFamily()
    {
    }

    public Guid Id { get; private set; }
    public Guid UserId { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? RevokedAt { get; private set; }
    public RevocationCause? RevocationReason { get; private set; }

    public bool IsRevoked => RevokedAt is not null;

    public static (RefreshTokenFamily Family, RefreshToken First) Start(Guid userId, byte[] firstTokenHash, DateTimeOffset now, TimeSpan tokenLifetime)
    {
        var family = new RefreshTokenFamily { Id = Guid.CreateVersion7(now), UserId = userId, CreatedAt = now };
        return (family, RefreshToken.Issue(family.Id, firstTokenHash, now, tokenLifetime));
    }

    /// <summary>Exchanges <paramref name="presented"/> for a new token whose secret hashes to <paramref name="nextTokenHash"/>.</summary>
    public RefreshOutcome Rotate(RefreshToken presented, byte[] nextTokenHash, DateTimeOffset now, TimeSpan tokenLifetime)
    {
        ArgumentNullException.ThrowIfNull(presented);
        if (presented.FamilyId != Id)
        {
            throw new ArgumentException("The token belongs to another family.", nameof(presented));
        }

        if (IsRevoked)
        {
            return new RefreshOutcome(null, RefreshRejection.FamilyRevoked);
        }

        if (presented.IsConsumed)
        {
            Revoke(RevocationCause.Reuse, now);
            return new RefreshOutcome(null, RefreshRejection.Reused);
        }

        if (presented.IsExpiredAt(now))
        {
            return new RefreshOutcome(null, RefreshRejection.Expired);
        }

        presented.Consume(now);
        return new RefreshOutcome(RefreshToken.Issue(Id, nextTokenHash, now, tokenLifetime), null);
    }

    /// <summary>Idempotent: the first revocation's time and reason are kept.</summary>
    public void Revoke(RevocationCause reason, DateTimeOffset now)
    {
        if (IsRevoked)
        {
            return;
        }

        RevokedAt = now;
        RevocationReason = reason;
    }
}
