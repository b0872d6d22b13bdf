using DaprPlatform.DevHost.Configuration;

namespace DaprPlatform.DevHost.Actors;

/// <summary>
/// Resiliency <c>spec.targets.actors.&lt;type&gt;</c> (timeout and retry) from the Resiliency resources in an app's
/// resources paths; it applies to actor calls made through that app's sidecar, as in daprd. Circuit breakers are not applied.
/// </summary>
internal static class ActorResiliency
{
    public static IReadOnlyDictionary<string, TargetPolicy> Load(AppDefinition app)
        => ResourceLoader.LoadActorTargets(app.AppId, app.ResourcesPaths);
}
