namespace DaprPlatform.ServiceDefaults;

/// <summary>The roles a platform user can hold; carried in the access token's <c>role</c> claim.</summary>
public static class PlatformRoles
{
    public const string Student = "student";
    public const string Tutor = "tutor";
    public const string ChannelOwner = "channel-owner";
    public const string Admin = "admin";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Student, Tutor, ChannelOwner, Admin };

    /// <summary>Roles a person may pick when registering; admin is granted, never self-chosen.</summary>
    public static readonly IReadOnlySet<string> SelfService = new HashSet<string>(StringComparer.Ordinal) { Student, Tutor, ChannelOwner };
}

/// <summary>Claim types in platform access tokens. Inbound claim mapping is off, so these names are what handlers see.</summary>
public static class PlatformClaims
{
    public const string Subject = "sub";
    public const string Email = "email";
    public const string Name = "name";
    public const string Role = "role";
    public const string TokenId = "jti";
}
