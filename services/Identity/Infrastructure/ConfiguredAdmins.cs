using System.Collections.Frozen;
using DaprPlatform.Identity.Domain;
using DaprPlatform.OutboxInbox;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Identity.Infrastructure;

/// <summary>
/// The e-mail addresses configuration <c>Identity:Admins</c> makes admins (ADR 0028): at registration and at every login
/// and refresh, so the first admin exists without touching the database and a person listed later becomes admin at their
/// next sign-in. Leaving the list demotes nobody. The value is one string of addresses separated by commas, semicolons
/// or white space (the secret store's <c>identity:admins</c>, <c>Identity__Admins</c>), an indexed list
/// (<c>Identity__Admins__0</c>, …), or both: an environment variable <c>Identity__Admins</c> outranks the secret store's
/// string, while indexed entries add to it.
/// </summary>
public sealed partial class ConfiguredAdmins(IReadOnlyCollection<string> normalizedEmails, ILogger<ConfiguredAdmins> logger)
{
    public const string ConfigKey = "Identity:Admins";

    private static readonly char[] Separators = [',', ';', ' ', '\t', '\r', '\n'];

    private readonly FrozenSet<string> _emails = normalizedEmails.ToFrozenSet(StringComparer.Ordinal);

    public int Count => _emails.Count;

    public bool Lists(string normalizedEmail) => _emails.Contains(normalizedEmail);

    /// <summary>The role a new account gets: admin when its address is listed, else the one its owner chose.</summary>
    public string RoleAtRegistration(EmailAddress email, string chosenRole)
    {
        ArgumentNullException.ThrowIfNull(email);
        return Lists(email.Normalized) ? PlatformRoles.Admin : chosenRole;
    }

    /// <summary>
    /// Makes a listed <paramref name="user"/> an admin as they sign in and enqueues <c>user.role-changed</c>; call inside
    /// the caller's transaction, before its SaveChanges. The conditional update lets exactly one of two concurrent sign-ins
    /// publish the change.
    /// </summary>
    public async Task PromoteIfListedAsync(User user, IdentityDbContext db, Outbox<IdentityDbContext> outbox, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(outbox);
        if (user.Role == PlatformRoles.Admin || !Lists(user.NormalizedEmail))
        {
            return;
        }

        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("The promotion and its event must commit with the caller's changes: open a transaction first.");
        }

        var previousRole = user.Role;
        var promoted = await db.Users
            .Where(u => u.Id == user.Id && u.Role != PlatformRoles.Admin)
            .ExecuteUpdateAsync(set => set.SetProperty(u => u.Role, PlatformRoles.Admin).SetProperty(u => u.UpdatedAt, now), ct);
        // The row now says admin either way (this update or a concurrent sign-in's); the token issued from the entity must too.
        user.ChangeRole(PlatformRoles.Admin, now);
        if (promoted == 1)
        {
            outbox.Enqueue(UserRoleChanged.Topic, new UserRoleChanged(user.Id, user.Email, PlatformRoles.Admin, previousRole, ChangedBy: null, now));
            LogPromoted(user.Id, previousRole);
        }
    }

    /// <summary>Reads and checks the list; a malformed address stops start-up with a message naming it.</summary>
    public static ConfiguredAdmins FromConfiguration(IConfiguration configuration, ILogger<ConfiguredAdmins> logger)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(ConfigKey);
        var entries = new[] { section.Value }
            .Concat(section.GetChildren().Select(child => child.Value))
            .SelectMany(value => (value ?? string.Empty).Split(Separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var emails = new List<string>();
        foreach (var entry in entries)
        {
            if (!EmailAddress.TryCreate(entry, out var email, out var error))
            {
                throw new InvalidOperationException($"Configuration '{ConfigKey}' lists '{entry}', which is not an e-mail address: {error}");
            }

            emails.Add(email!.Normalized);
        }

        var admins = new ConfiguredAdmins(emails, logger);
        admins.LogListed(admins.Count);
        return admins;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} e-mail address(es) in " + ConfigKey + " become admins at sign-in.")]
    private partial void LogListed(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} became an admin at sign-in (was {PreviousRole}): their e-mail is listed in " + ConfigKey + ".")]
    private partial void LogPromoted(Guid userId, string previousRole);
}
