namespace DaprPlatform.Channels.Features;

public static class ChannelsApi
{
    public static IEndpointRouteBuilder MapChannelsApi(this IEndpointRouteBuilder app)
    {
        var channels = app.MapGroup("/api/channels").RequireAuthorization().WithTags("Channels");
        RegisterChannel.Map(channels);
        ListChannels.Map(channels);
        GetChannel.Map(channels);
        RemoveChannel.Map(channels);
        IngestMetrics.Map(channels);
        TelegramWebhook.Map(app);
        PlanChangedReceived.MapSubscription(app);
        return app;
    }
}
