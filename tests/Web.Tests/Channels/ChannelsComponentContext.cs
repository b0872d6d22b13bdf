using Bunit;
using DaprPlatform.Web.Features.Channels;
using Microsoft.Extensions.DependencyInjection;
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
        // The dashboard's export form talks to reports.
        Services.AddChannelFeatures().AddReportFeatures();
        JSInterop.Setup<Rect>("Radzen.createChart", _ => true).SetResult(new Rect { Width = 640, Height = 320 });
    }
}
