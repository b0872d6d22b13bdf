using DaprPlatform.Messaging.Contracts;
using DaprPlatform.Messaging.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Dapr;

namespace DaprPlatform.Messaging.Features;

public static class MessagingApi
{
    /// <summary>Public routes (bearer token, reached through the gateway); only a conversation's participants see it.</summary>
    public static IEndpointRouteBuilder MapMessagingApi(this IEndpointRouteBuilder app)
    {
        var conversations = app.MapGroup("/api/conversations").RequireAuthorization().WithTags("Conversations");
        StartConversation.Map(conversations);
        ListConversations.Map(conversations);
        CountUnread.Map(conversations);
        GetConversation.Map(conversations);
        SendMessage.Map(conversations);
        ArchiveConversation.Map(conversations);
        SignalTyping.Map(conversations);

        var messages = app.MapGroup("/api/messages").RequireAuthorization().WithTags("Messages");
        MarkMessageRead.Map(messages);
        EditMessage.Map(messages);
        DeleteMessage.Map(messages);

        var live = app.MapGroup("/api/messaging").RequireAuthorization().WithTags("Live");
        WatchLive.Map(live);
        return app;
    }

    /// <summary>
    /// Every replica's own subscription to the live topic (ADR 0023): the component's consumer id is per replica, so each
    /// replica gets every notice and writes it to the streams it holds. No dead-letter topic: a missed notice is stale anyway.
    /// </summary>
    public static IEndpointRouteBuilder MapLiveNotices(this IEndpointRouteBuilder app)
    {
        app.MapTopic<LiveNotice, LiveConnections>("/live/notices", new TopicOptions { PubsubName = LiveNotice.PubSubName, Name = LiveNotice.Topic },
            (connections, delivery, _) =>
            {
                connections.Deliver(delivery.Data);
                return Task.FromResult(SubscriberStatus.Success);
            });
        return app;
    }
}
