namespace DaprPlatform.Identity.Domain;

public sealed class User
{
    // EF Core materialises through this constructor.
    private User()
    {
        Email = NormalizedEmail = DisplayName = Role = PasswordHash = string.Empty;
    }

    public Guid Id { get; private set; }
    public string Email { get; private set; }
    public string NormalizedEmail { get; private set; }
    public string DisplayName { get; private set; }
    public string Role { get; private set; }
    public string PasswordHash { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>Arguments are already validated value objects/policies; the hash comes from the password hasher.</summary>
    public static User Register(EmailAddress email, string displayName, string role, string passwordHash, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(email);
        ArgumentException.ThrowIfNullOrWhiteSpace(displayName);
        ArgumentException.ThrowIfNullOrWhiteSpace(role);
        ArgumentException.ThrowIfNullOrWhiteSpace(passwordHash);
        return new User
        {
            Id = Guid.CreateVersion7(now),
            Email = email.Value,
            NormalizedEmail = email.Normalized,
            DisplayName = displayName,
            Role = role,
            PasswordHash = passwordHash,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    public void Rename(string displayName, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(displayName);
        DisplayName = displayName;
        UpdatedAt = now;
    }

    public void ReplacePasswordHash(string passwordHash, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(passwordHash);
        PasswordHash = passwordHash;
        UpdatedAt = now;
    }
}
