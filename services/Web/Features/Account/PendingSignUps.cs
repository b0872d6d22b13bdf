using System.Globalization;
using Dapr.Client;
using DaprPlatform.Web.Infrastructure.Session;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Web.Features.Account;

/// <summary>A sign-up whose onboarding saga is running: once it completes, the person is signed in without typing again.</summary>
public sealed record PendingSignUp(string Id, string InstanceId, string Email, string ProtectedPassword);

/// <summary>
/// Pending sign-ups in the state store for <see cref="Lifetime"/> at most, the password encrypted with this app's data-protection
/// keys (never stored in the clear, never in the cookie); the browser holds only the id, in a strict same-site cookie.
/// </summary>
public sealed class PendingSignUps(DaprClient dapr, IDataProtectionProvider protection, IOptions<BrowserSessionOptions> options)
{
    public const string CookieName = "__Host-daprplatform-signup";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);
    private const string KeyPrefix = "pending-sign-up-";

    private readonly IDataProtector _protector = protection.CreateProtector("DaprPlatform.Web.PendingSignUp");

    public async Task<string> AddAsync(string instanceId, string email, string password, CancellationToken ct)
    {
        var pending = new PendingSignUp(BrowserSessionStore.NewId(), instanceId, email, _protector.Protect(password));
        await dapr.SaveStateAsync(options.Value.StateStore, KeyPrefix + pending.Id, pending,
            metadata: new Dictionary<string, string> { ["ttlInSeconds"] = ((int)Lifetime.TotalSeconds).ToString(CultureInfo.InvariantCulture) },
            cancellationToken: ct);
        return pending.Id;
    }

    public async Task<(PendingSignUp Pending, string Password)?> TakeAsync(string? id, CancellationToken ct)
    {
        if (!BrowserSessionStore.IsWellFormedId(id))
        {
            return null;
        }

        var pending = await dapr.GetStateAsync<PendingSignUp?>(options.Value.StateStore, KeyPrefix + id, cancellationToken: ct);
        if (pending is null)
        {
            return null;
        }

        await dapr.DeleteStateAsync(options.Value.StateStore, KeyPrefix + id, cancellationToken: ct);
        try
        {
            return (pending, _protector.Unprotect(pending.ProtectedPassword));
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // Keys rotated or lost since: the person signs in by hand.
            return null;
        }
    }

    public static CookieOptions CookieOptions() => new()
    {
        HttpOnly = true,
        Secure = true,
        SameSite = SameSiteMode.Strict,
        Path = "/",
        MaxAge = Lifetime,
        IsEssential = true,
    };
}
