using System.Text.Json;
using Bunit;
using Bunit.TestDoubles;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Web.Features.Reports;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Web.Tests.Reports;

public sealed class ExportFormTests : ReportsContext
{
    [Fact]
    public void Exporting_asks_for_whole_hours_of_the_chosen_period_and_opens_the_exports_page()
    {
        SignIn(PlatformRoles.ChannelOwner);
        Answer(App, "POST", "api/reports/exports", 202, Export("queued", 0, "gather", format: "csv"));
        var form = Render<ExportForm>(p => p.Add(x => x.ChannelId, ChannelId));

        form.Find("#export-period").Change("7");
        form.Find("input[value=csv]").Change("csv");
        form.Find("form").Submit();

        var navigation = Services.GetRequiredService<NavigationManager>();
        form.WaitForAssertion(() => navigation.Uri.Should().Be($"http://localhost/reports/exports/{ExportId}"), Patience);
        var body = JsonDocument.Parse(CallsTo(App).Single().Body).RootElement;
        body.GetProperty("channelId").GetGuid().Should().Be(ChannelId);
        body.GetProperty("format").GetString().Should().Be("csv");
        var from = body.GetProperty("from").GetDateTimeOffset();
        var to = body.GetProperty("to").GetDateTimeOffset();
        (to - from).Should().Be(TimeSpan.FromDays(7));
        (to.Minute, to.Second, to.Millisecond).Should().Be((0, 0, 0), "reports takes whole hours");
        to.Should().BeAfter(DateTimeOffset.UtcNow).And.BeOnOrBefore(DateTimeOffset.UtcNow.AddHours(1));
    }

    [Fact]
    public void The_months_export_quota_offers_the_upgrade()
    {
        SignIn(PlatformRoles.ChannelOwner);
        Answer(App, "POST", "api/reports/exports", 402,
            """{"type":"https://daprplatform.dev/problems/plan-limit","title":"Your plan's limit is reached.","status":402,"detail":"The free plan allows 3 exports a month.","limit":"exportsPerMonth","plan":"free","allowed":3,"liftedBy":"pro"}""");
        var form = Render<ExportForm>(p => p.Add(x => x.ChannelId, ChannelId));

        form.Find("form").Submit();

        form.WaitForAssertion(() => form.Find(".plan-limit").TextContent.Should().Be("Your free plan allows 3 exports a month — upgrade to Pro"), Patience);
        form.Find(".plan-limit a").GetAttribute("href").Should().Be("/plans");
        Services.GetRequiredService<NavigationManager>().Uri.Should().Be("http://localhost/");
    }

    [Fact]
    public void A_refused_period_is_shown_next_to_the_period()
    {
        SignIn(PlatformRoles.ChannelOwner);
        Answer(App, "POST", "api/reports/exports", 400, Problem(400, "One or more validation errors occurred.", null, ("to", "The period must be at most 92 days long.")));
        var form = Render<ExportForm>(p => p.Add(x => x.ChannelId, ChannelId));

        form.Find("form").Submit();

        form.WaitForAssertion(() => form.Find("#to-error").TextContent.Should().Be("The period must be at most 92 days long."), Patience);
        form.FindAll(".plan-limit").Should().BeEmpty();
    }
}
