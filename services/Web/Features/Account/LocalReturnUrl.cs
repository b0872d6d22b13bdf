namespace DaprPlatform.Web.Features.Account;

/// <summary>Only paths on this site are followed after sign-in; anything else (another host, <c>//host</c>, <c>/\host</c>) is dropped.</summary>
public static class LocalReturnUrl
{
    public static string Or(string? returnUrl, string fallback) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Contains("://", StringComparison.Ordinal)
            ? url
            : fallback;
}
