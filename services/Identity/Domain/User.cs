using DaprPlatform.ServiceDefaults;

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

    /// <summary>Gives the account another role; false when it already held it (nothing changed).</summary>
    public bool ChangeRole(string role, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(role);
        if (!PlatformRoles.All.Contains(role))
        {
            throw new ArgumentException($"'{role}' is not a platform role.", nameof(role));
        }

        if (role == Role)
        {
            return false;
        }

        Role = role;
        UpdatedAt = now;
        return true;
    }

    public void ReplacePasswordHash(string passwordHash, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(passwordHash);
        PasswordHash = passwordHash;
        UpdatedAt = now;
    }
}
