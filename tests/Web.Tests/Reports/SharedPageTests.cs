using System.Text;
using Bunit;
using DaprPlatform.Web.Features.Reports;
using Microsoft.AspNetCore.Http;

namespace DaprPlatform.Web.Tests.Reports;

/// <summary>The public page of a share link: anonymous, the password asked when needed, the file offered through the web app.</summary>
public sealed class SharedPageTests : ReportsContext
{
    private const string Token = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde";
    private const string Password = "correct horse";
    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.7 a shared report");

    [Fact]
    public void A_protected_link_asks_for_the_password_says_when_it_is_wrong_and_then_offers_the_file()
    {
        ServeShare();
        var page = Render<SharedPage>(p => p.Add(x => x.Token, Token));

        page.WaitForAssertion(() => page.Find("#password-heading").TextContent.Should().Be("This link is protected"), Patience);
        page.FindAll("#password-error").Should().BeEmpty();
        page.FindAll(".problem").Should().BeEmpty("a first visit is asked, not scolded");
        LastShareRequest().Headers.Should().NotContainKey("X-Share-Password");
        LastShareRequest().Headers.Should().NotContainKey("Authorization");

        page.Find("#share-password").Change("wrong password");
        page.Find("form").Submit();
        page.WaitForAssertion(() => page.Find("#password-error").TextContent.Should().Be("The password is wrong."), Patience);
        page.Find("#share-password").GetAttribute("aria-invalid").Should().Be("true");
        LastShareRequest().Headers["X-Share-Password"].Should().Be("wrong password");

        page.Find("#share-password").Change(Password);
        page.Find("form").Submit();
        page.WaitForAssertion(() => page.Find("button.primary").TextContent.Should().Be("Download report.pdf"), Patience);
        page.Find(".muted").TextContent.Should().Be("PDF · 1 KB");
        page.FindAll("#password-heading").Should().BeEmpty();

        page.Find("button.primary").Click();
        page.WaitForAssertion(() =>
        {
            var saved = JSInterop.VerifyInvoke("daprPlatform.saveFile");
            saved.Arguments[0].Should().Be("report.pdf");
            saved.Arguments[1].Should().Be("application/pdf");
        }, Patience);
    }

    [Fact]
    public void Too_many_wrong_passwords_keep_the_form_with_the_wait()
    {
        Sidecar.Handler = async context =>
        {
            var password = context.Request.Headers["X-Share-Password"].ToString();
            context.Response.StatusCode = password.Length == 0 ? 401 : 429;
            await context.Response.WriteAsync(password.Length == 0
                ? """{"title":"Unauthorized","status":401,"detail":"This link is protected."}"""
                : """{"title":"Too many attempts.","status":429,"detail":"Too many wrong passwords for this link; try again in 600 seconds."}""");
        };
        var page = Render<SharedPage>(p => p.Add(x => x.Token, Token));
        page.WaitForAssertion(() => page.Find("#share-password"), Patience);

        page.Find("#share-password").Change("guess");
        page.Find("form").Submit();

        page.WaitForAssertion(() => page.Find(".problem p").TextContent.Should().Contain("try again in 600 seconds"), Patience);
        page.Find("#share-password").Should().NotBeNull();
    }

    [Fact]
    public void An_expired_link_says_so()
    {
        Answer(App, "GET", $"api/shared/{Token}", 410, Problem(410, "Gone", "This link expired at 2026-12-01T00:00:00Z."));

        var page = Render<SharedPage>(p => p.Add(x => x.Token, Token));

        page.WaitForAssertion(() => page.Find("h1").TextContent.Should().Be("Link expired"), Patience);
        page.FindAll("form").Should().BeEmpty();
    }

    [Fact]
    public void An_unknown_or_revoked_link_is_not_found()
    {
        Answer(App, "GET", $"api/shared/{Token}", 404, Problem(404, "Not Found", "This link does not exist or was revoked."));

        var page = Render<SharedPage>(p => p.Add(x => x.Token, Token));

        page.WaitForAssertion(() => page.Find("h1").TextContent.Should().Be("Link not found"), Patience);
    }

    [Fact]
    public void A_dashboard_link_shows_the_channels_summary()
    {
        Answer(App, "GET", $"api/shared/{Token}", 200, """
            {"kind":"dashboard","channelTitle":"Some Channel","period":"30d","from":"2026-11-07T10:00:00Z","to":"2026-12-07T10:00:00Z",
             "totals":{"views":12345,"reactions":67,"forwards":8,"posts":9,"joins":10,"leaves":1},"subscribers":4321,"subscriberGrowth":9,
             "engagementRate":0.0123,"postsPerDay":0.3,"linkExpiresAt":"2026-12-14T10:00:00Z"}
            """);

        var page = Render<SharedPage>(p => p.Add(x => x.Token, Token));

        page.WaitForAssertion(() => page.Find("h2").TextContent.Should().Be("Some Channel"), Patience);
        page.Find(".dashboard").TextContent.Should().Contain("12,345").And.Contain("4,321").And.Contain("+9").And.Contain("1.2%");
        page.Markup.Should().NotContain("ownerId").And.NotContain("{\"");
    }

    /// <summary>reports' public route: 401 without the right password, the PDF with it.</summary>
    private void ServeShare() => Sidecar.Handler = async context =>
    {
        var password = context.Request.Headers["X-Share-Password"].ToString();
        if (password != Password)
        {
            context.Response.StatusCode = 401;
            await context.Response.WriteAsync(password.Length == 0
                ? """{"title":"Unauthorized","status":401,"detail":"This link is protected: send its password in the X-Share-Password header."}"""
                : """{"title":"Unauthorized","status":401,"detail":"The password is wrong."}""");
            return;
        }

        context.Response.ContentType = "application/pdf";
        context.Response.Headers.ContentDisposition = "attachment; filename=report.pdf; filename*=UTF-8''report.pdf";
        await context.Response.Body.WriteAsync(Pdf);
    };

    private TestSupport.SidecarRequest LastShareRequest() => CallsTo(App).Last(r => r.Path.EndsWith($"api/shared/{Token}", StringComparison.Ordinal));
}
