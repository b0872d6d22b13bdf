namespace DaprPlatform.Identity.Domain;

/// <summary>
/// A validated sign-up waiting for the onboarding saga: everything the account needs, with the password already hashed,
/// so the workflow input and history only ever carry this row's id. Redeemed once; the hash is dropped on redemption.
/// </summary>
public sealed class OnboardingCredential
{
    /// <summary>Long enough for a saga whose first step is retried with back-off; short enough that an abandoned sign-up does not linger.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    public const int MaxIdempotencyKeyLength = 200;

    private OnboardingCredential()
    {
        Email = NormalizedEmail = DisplayName = Role = string.Empty;
    }

    public Guid Id { get; private set; }
    public string Email { get; private set; }
    public string NormalizedEmail { get; private set; }
    public string DisplayName { get; private set; }
    public string Role { get; private set; }

    /// <summary>Null once redeemed: the user row holds the hash from then on.</summary>
    public string? PasswordHash { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }
    public DateTimeOffset? RedeemedAt { get; private set; }

    /// <summary>The key of the call that redeemed it: a replay with the same key gets the same account back.</summary>
    public string? RedeemedWithKey { get; private set; }

    public Guid? UserId { get; private set; }

    public bool IsRedeemed => RedeemedAt is not null;

    public static OnboardingCredential Issue(RegistrationForm form, string passwordHash, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(form);
        ArgumentException.ThrowIfNullOrWhiteSpace(passwordHash);
        return new OnboardingCredential
        {
            Id = Guid.CreateVersion7(now),
            Email = form.Email.Value,
            NormalizedEmail = form.Email.Normalized,
            DisplayName = form.DisplayName,
            Role = form.Role,
            PasswordHash = passwordHash,
            CreatedAt = now,
            ExpiresAt = now + Lifetime,
        };
    }

    public bool IsExpiredAt(DateTimeOffset now) => now >= ExpiresAt;

    /// <summary>Creates the account this credential describes and marks the credential used.</summary>
    public User Redeem(string idempotencyKey, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        if (IsRedeemed || PasswordHash is null)
        {
            throw new InvalidOperationException($"Onboarding credential {Id} was already redeemed.");
        }

        if (!EmailAddress.TryCreate(Email, out var email, out var error))
        {
            throw new InvalidOperationException($"Onboarding credential {Id} holds an invalid email: {error}");
        }

        var user = User.Register(email!, DisplayName, Role, PasswordHash, now);
        PasswordHash = null;
        RedeemedAt = now;
        RedeemedWithKey = idempotencyKey;
        UserId = user.Id;
        return user;
    }
}
