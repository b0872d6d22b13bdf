using Bunit;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Web.Features.Reports;

namespace DaprPlatform.Web.Tests.Reports;

public sealed class ReportsPageTests : ReportsContext
{
    [Fact]
    public void Lists_the_owners_exports_with_downloads_and_all_their_share_links_with_views_and_states()
    {
        SignIn(PlatformRoles.ChannelOwner);
        Answer(App, "GET", "api/reports/exports", 200, Page(Export("completed", 100, "done", sizeBytes: 1000)));
        var (active, expired, revoked) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        Answer(App, "GET", "api/reports/shares", 200, Page(Share(active, 5), Share(expired, 1, expired: true), Share(revoked, 0, revoked: true, hasPassword: false)));

        var page = Render<ReportsPage>();

        page.WaitForAssertion(() => page.Find("table.exports tbody tr").TextContent.Should().Contain("Some Channel").And.Contain("PDF").And.Contain("Ready"), Patience);
        page.Find("table.exports tbody a[download]").GetAttribute("href").Should().Be($"/reports/exports/{ExportId}/file");
        page.Find("table.exports tbody a").GetAttribute("href").Should().Be($"/reports/exports/{ExportId}");
        page.WaitForAssertion(() => page.FindAll("[data-share]").Should().HaveCount(3), Patience);
        page.Find($"[data-share='{active}'] [data-views]").TextContent.Should().Be("5");
        page.Find($"[data-share='{active}'] button").TextContent.Trim().Should().StartWith("Revoke");
        page.Find($"[data-share='{expired}'] .state").TextContent.Should().Be("Expired");
        page.FindAll($"[data-share='{expired}'] button").Should().BeEmpty();
        page.Find($"[data-share='{revoked}'] .state").TextContent.Should().Be("Revoked");
        CallsTo(App).Select(r => r.RawTarget).Should().Contain(t => t.EndsWith("api/reports/exports?pageSize=50", StringComparison.Ordinal));
    }

    [Fact]
    public void No_exports_yet_points_to_the_channel_dashboards()
    {
        SignIn(PlatformRoles.ChannelOwner);
        Answer(App, "GET", "api/reports/exports", 200, Page());
        Answer(App, "GET", "api/reports/shares", 200, Page());

        var page = Render<ReportsPage>();

        page.WaitForAssertion(() => page.Find("#exports-heading").ParentElement!.TextContent.Should().Contain("No exports yet."), Patience);
        page.WaitForAssertion(() => page.Find("#shares-heading").ParentElement!.TextContent.Should().Contain("No share links yet."), Patience);
    }
}
