using Bunit;
using DaprPlatform.Web.Features.Channels;
using Radzen.Blazor.Rendering;

namespace DaprPlatform.Web.Tests.Channels;

/// <summary>
/// The harness with the channel owner's API client registered, as Program.cs registers it, and a browser that gives
/// Radzen's charts a size (a chart measures itself through JS before it draws).
/// </summary>
public abstract class ChannelsComponentContext : WebComponentContext
{
    protected ChannelsComponentContext()
    {
        Services.AddChannelFeatures();
        JSInterop.Setup<Rect>("Radzen.createChart", _ => true).SetResult(new Rect { Width = 640, Height = 320 });
    }

    /// <summary>
    /// Runs a UI interaction again when the dashboard re-rendered between finding the element and firing its event (the live
    /// feed keeps reconnecting in these tests), as a person's second click would.
    /// </summary>
    protected static void Interact(Action interaction)
    {
        ArgumentNullException.ThrowIfNull(interaction);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                interaction();
                return;
            }
            catch (Exception e) when (attempt < 5 && e is Bunit.Rendering.UnknownEventHandlerIdException or Bunit.ElementRemovedFromDomException)
            {
                Thread.Sleep(50);
            }
        }
    }
}
