namespace DaprPlatform.Web.Infrastructure.Session;

/// <summary>Bounds of a browser session (configuration section <c>Web:Session</c>).</summary>
public sealed class BrowserSessionOptions
{
    public const string SectionName = "Web:Session";

    /// <summary>The Dapr state store holding sessions.</summary>
    public string StateStore { get; set; } = "statestore";

    /// <summary>A session ends this long after sign-in however active it is; the person signs in again.</summary>
    public TimeSpan AbsoluteLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>The cookie expires after this long without a request (sliding).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Refresh the access token when it has less than this left, so a call never carries one about to expire.</summary>
    public TimeSpan RefreshMargin { get; set; } = TimeSpan.FromSeconds(60);
}
