namespace DaprPlatform.DevHost;

/// <summary>How <see cref="PlatformHost.StopAppAsync"/> ends an app's process.</summary>
public enum AppStopMode
{
    /// <summary>SIGTERM to the process tree, SIGKILL after the grace period: a deploy or a Ctrl-C.</summary>
    Graceful,

    /// <summary>SIGKILL at once: a crash, an OOM kill, a node going away.</summary>
    Kill,
}
