using System.Text.Json;
using Bunit;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Web.Features.Reports;

namespace DaprPlatform.Web.Tests.Reports;

public sealed class DashboardShareTests : ReportsContext
{
    [Fact]
    public void A_dashboard_link_is_created_for_the_channel_without_a_password_and_shown_once()
    {
        SignIn(PlatformRoles.ChannelOwner);
        const string token = "ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210-_zyxwv";
        Answer(App, "POST", "api/reports/shares", 201,
            $$"""{"id":"{{Guid.NewGuid()}}","kind":"dashboard","url":"http://localhost:5000/api/shared/{{token}}","expiresAt":"2026-12-08T10:00:00+00:00","hasPassword":false}""");
        var form = Render<ShareForm>(p => p.Add(x => x.ChannelId, ChannelId).Add(x => x.Zone, TimeZoneInfo.Utc));

        form.Find("#share-expiry").Change("1");
        form.Find("form").Submit();

        form.WaitForAssertion(() => form.Find("#share-url").GetAttribute("value").Should().Be($"http://localhost/shared/{token}"), Patience);
        form.Find(".created-link small").TextContent.Should().NotContain("password");
        var body = JsonDocument.Parse(CallsTo(App).Single().Body).RootElement;
        body.GetProperty("channelId").GetGuid().Should().Be(ChannelId);
        body.GetProperty("kind").GetString().Should().Be("dashboard");
        body.GetProperty("password").ValueKind.Should().Be(JsonValueKind.Null, "an empty password field means no password");
        body.GetProperty("expiresAt").GetDateTimeOffset().Should().BeCloseTo(DateTimeOffset.UtcNow.AddDays(1), TimeSpan.FromMinutes(1));
    }

    [Fact]
    public void A_refused_expiry_is_shown_next_to_the_expiry()
    {
        SignIn(PlatformRoles.ChannelOwner);
        Answer(App, "POST", "api/reports/shares", 400, Problem(400, "One or more validation errors occurred.", null, ("expiresAt", "expiresAt must be at most 90 days ahead.")));
        var form = Render<ShareForm>(p => p.Add(x => x.ChannelId, ChannelId).Add(x => x.Zone, TimeZoneInfo.Utc));

        form.Find("form").Submit();

        form.WaitForAssertion(() => form.Find("#expiresAt-error").TextContent.Should().Be("expiresAt must be at most 90 days ahead."), Patience);
        form.FindAll("#share-url").Should().BeEmpty();
    }
}
