using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Web.Tests.Notifications;

/// <summary>The notifications area's services over the fake sidecar, rendered as in a live circuit, a student signed in.</summary>
public abstract class NotificationsContext : WebComponentContext
{
    protected const string App = "notifications";

    protected NotificationsContext() => Services.AddNotificationFeatures();

    /// <summary>A student, signed in, on an interactive page (the renderer can only be set once the services are built).</summary>
    protected void SignInOnInteractivePage(bool interactive = true)
    {
        SetRendererInfo(new RendererInfo(interactive ? "Server" : "Static", interactive));
        SignIn("student");
    }

    protected void AnswerUnread(int unread) => Answer(App, "GET", "api/notifications/unread-count", 200, $$"""{"unread":{{unread}}}""");

    protected int CountCalls() => CallsTo(App).Count(r => r.Method == "GET" && r.Path.EndsWith("/unread-count", StringComparison.Ordinal));
}
