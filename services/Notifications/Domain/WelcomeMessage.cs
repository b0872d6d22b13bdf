namespace DaprPlatform.Notifications.Domain;

/// <summary>The text greeting a newly registered user.</summary>
public static class WelcomeMessage
{
    public const string Kind = "welcome";

    public static string Title(string displayName) => $"Welcome to DaprPlatform, {displayName}!";

    public static string Body(string role) => $"Your {role} account is ready. You will find your notifications here.";
}
