using DaprPlatform.Notifications.Contracts;
using DaprPlatform.Notifications.Domain;
using DaprPlatform.Notifications.Infrastructure;
using DaprPlatform.OutboxInbox;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Notifications.Features;

/// <summary>Configuration section "Notifications": where the web app is, for links in notices.</summary>
public sealed class WebLinkOptions
{
    public const string SectionName = "Notifications";

    /// <summary>The web app's public address (its export pages are linked from notices, in the app and on Telegram).</summary>
    public Uri WebBaseUrl { get; set; } = new("http://localhost:5009");
}

/// <summary>
/// <c>report.exported</c> → the export's owner, once per export: a republish or replay under a new CloudEvent id is not told
/// again (reports publishes one per export; the inbox key makes the notice one whatever the bus does).
/// </summary>
public sealed class ReportExportedHandler(
    NotificationsDbContext db, Inbox<NotificationsDbContext> inbox, TelegramDelivery telegram, TimeProvider time, IOptions<WebLinkOptions> web, ILogger<ReportExportedHandler> logger)
    : PartyNotificationHandler<ReportExported>(db, inbox, telegram, time, logger)
{
    protected override string Consumer => "notifications.report-exported";

    protected override string InboxKey(ReportExported data, string eventId) => $"export:{data.ExportId}";

    protected override IReadOnlyList<PartyMessage> Compose(ReportExported data) => ReportMessages.Exported(data, web.Value.WebBaseUrl);
}
