using DaprPlatform.Reports.Contracts;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Reports.Features;

public static class ReportsApi
{
    /// <summary>
    /// The owner's routes under <c>/api/reports</c> (bearer token), and the public <c>/api/shared/{token}</c> that share links
    /// point at (no token: the link is the credential, with its optional password).
    /// </summary>
    public static IEndpointRouteBuilder MapReportsApi(this IEndpointRouteBuilder app)
    {
        var exports = app.MapGroup("/api/reports/exports").RequireAuthorization().WithTags("Reports");
        CreateExport.Map(exports);
        ListExports.Map(exports);
        GetExport.Map(exports);
        DownloadExport.Map(exports);
        CreateExportShare.Map(exports);

        var shares = app.MapGroup("/api/reports/shares").RequireAuthorization().WithTags("Reports");
        CreateDashboardShare.Map(shares);
        ListShares.Map(shares);
        RevokeShare.Map(shares);

        var shared = app.MapGroup("/api/shared").AllowAnonymous().WithTags("Shared");
        OpenShare.Map(shared);
        return app;
    }

    /// <summary>payments' plan changes (the export quota) and channels' removals (their shares stop working).</summary>
    public static IEndpointRouteBuilder MapReportsSubscriptions(this IEndpointRouteBuilder app)
    {
        app.MapTopic<PlanChanged, PlanChangedProjection>("/events/plan-changed", PlatformTopics.Subscription(PlatformTopics.PlanChanged), (h, e, ct) => h.HandleAsync(e, ct));
        app.MapTopic<ChannelRemoved, ChannelRemovedProjection>("/events/channel-removed", PlatformTopics.Subscription(PlatformTopics.ChannelRemoved), (h, e, ct) => h.HandleAsync(e, ct));
        return app;
    }
}
