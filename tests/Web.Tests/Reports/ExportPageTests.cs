using System.Text.Json;
using Bunit;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Web.Features.Reports;

namespace DaprPlatform.Web.Tests.Reports;

public sealed class ExportPageTests : ReportsContext
{
    private static readonly Guid ShareId = Guid.Parse("0193aaaa-bbbb-7ccc-8ddd-eeeeffff0001");

    [Fact]
    public void The_progress_bar_moves_with_the_workflow_until_the_file_is_ready_to_download_and_share()
    {
        SignIn(PlatformRoles.ChannelOwner);
        Answer(App, "GET", $"api/reports/exports/{ExportId}", 200, Export("running", 40, "render"));
        Answer(App, "GET", "api/reports/shares", 200, Page());
        var page = Render<ExportPage>(p => p.Add(x => x.Id, ExportId));

        page.WaitForAssertion(() => page.Find("#export-progress").GetAttribute("value").Should().Be("40"), Patience);
        page.Find("label[for=export-progress]").TextContent.Should().Be("Drawing the report");
        page.Find(".export-state").TextContent.Should().Contain("Working on it: 40 %");
        page.FindAll("a.button-link").Should().BeEmpty("nothing to download yet");
        page.FindAll("#share-heading").Should().BeEmpty();

        Answer(App, "GET", $"api/reports/exports/{ExportId}", 200, Export("running", 80, "store"));
        page.WaitForAssertion(() => page.Find("#export-progress").GetAttribute("value").Should().Be("80"), Patience);
        page.Find("label[for=export-progress]").TextContent.Should().Be("Saving the file");

        Answer(App, "GET", $"api/reports/exports/{ExportId}", 200, Export("completed", 100, "done", sizeBytes: 48_000));
        page.WaitForAssertion(() => page.Find("#export-progress").GetAttribute("value").Should().Be("100"), Patience);
        page.Find(".export-state").TextContent.Should().Contain("The report is ready (46 KB).");
        var download = page.Find("a.button-link");
        download.GetAttribute("href").Should().Be($"/reports/exports/{ExportId}/file", "the web app fetches the file as the owner; no token in the browser");
        download.TextContent.Should().Be("Download PDF");
        page.WaitForAssertion(() => page.Find("#share-heading").ParentElement!.TextContent.Should().Contain("No share links yet."), Patience);

        var polls = CallsTo(App).Count(r => r.Path.EndsWith($"exports/{ExportId}", StringComparison.Ordinal));
        Thread.Sleep(1500);
        CallsTo(App).Count(r => r.Path.EndsWith($"exports/{ExportId}", StringComparison.Ordinal)).Should().Be(polls, "a finished export is not asked about again");
    }

    [Fact]
    public void A_failed_export_says_why()
    {
        SignIn(PlatformRoles.ChannelOwner);
        Answer(App, "GET", $"api/reports/exports/{ExportId}", 200, Export("running", 10, "gather"));
        var page = Render<ExportPage>(p => p.Add(x => x.Id, ExportId));
        page.WaitForAssertion(() => page.Find("label[for=export-progress]").TextContent.Should().Be("Gathering the channel's numbers"), Patience);

        Answer(App, "GET", $"api/reports/exports/{ExportId}", 200, Export("failed", 100, "failed", failureReason: "The channel was not found."));

        page.WaitForAssertion(() => page.Find(".export-state").TextContent.Should().Contain("The export failed: The channel was not found."), Patience);
        page.Find("h2#progress-heading").TextContent.Should().Be("Failed");
        page.FindAll("a.button-link").Should().BeEmpty();
    }

    [Fact]
    public void Someone_elses_export_is_not_found()
    {
        SignIn(PlatformRoles.ChannelOwner);
        Answer(App, "GET", $"api/reports/exports/{ExportId}", 404, Problem(404, "Not Found", "Export was not found."));

        var page = Render<ExportPage>(p => p.Add(x => x.Id, ExportId));

        page.WaitForAssertion(() => page.Find("h1").TextContent.Should().Be("Export not found"), Patience);
    }

    [Fact]
    public void A_share_link_is_created_with_a_password_copied_listed_and_revoked()
    {
        SignIn(PlatformRoles.ChannelOwner);
        Answer(App, "GET", $"api/reports/exports/{ExportId}", 200, Export("completed", 100, "done", sizeBytes: 2_000_000));
        Answer(App, "GET", "api/reports/shares", 200, Page(Share(Guid.NewGuid(), 2, exportId: Guid.NewGuid())));
        Answer(App, "POST", $"api/reports/exports/{ExportId}/shares", 400, Problem(400, "One or more validation errors occurred.", null, ("password", "password must be 8 to 128 characters.")));
        var page = Render<ExportPage>(p => p.Add(x => x.Id, ExportId));
        page.WaitForAssertion(() => page.Find("#share-heading").ParentElement!.TextContent.Should().Contain("No share links yet.", "another export's link is not this one's"), Patience);
        page.Find(".export-state").TextContent.Should().Contain("1.9 MB");

        page.Find("#share-password").Change("short");
        page.Find("form.share-form").Submit();
        page.WaitForAssertion(() => page.Find("#password-error").TextContent.Should().Be("password must be 8 to 128 characters."), Patience);

        const string token = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde";
        Answer(App, "POST", $"api/reports/exports/{ExportId}/shares", 201,
            $$"""{"id":"{{ShareId}}","kind":"export","url":"http://localhost:5000/api/shared/{{token}}","expiresAt":"2026-12-14T10:00:00+00:00","hasPassword":true}""");
        Answer(App, "GET", "api/reports/shares", 200, Page(Share(ShareId, 0)));
        page.Find("#share-expiry").Change("30");
        page.Find("#share-password").Change("correct horse");
        page.Find("form.share-form").Submit();

        page.WaitForAssertion(() => page.Find("#share-url").GetAttribute("value").Should().Be($"http://localhost/shared/{token}"), Patience);
        page.FindAll("#password-error").Should().BeEmpty();
        var body = JsonDocument.Parse(CallsTo(App).Last(r => r.Method == "POST").Body).RootElement;
        body.GetProperty("password").GetString().Should().Be("correct horse");
        body.GetProperty("expiresAt").GetDateTimeOffset().Should().BeCloseTo(DateTimeOffset.UtcNow.AddDays(30), TimeSpan.FromMinutes(1));
        Interact(() => page.Find(".created-link button").Click());
        // The click may queue behind the list's reload on the renderer, so its effects are awaited.
        page.WaitForAssertion(() => JSInterop.VerifyInvoke("daprPlatform.copyText").Arguments.Single().Should().Be($"http://localhost/shared/{token}"), Patience);
        page.WaitForAssertion(() => page.Find(".created-link .saved").TextContent.Should().Be("Copied."), Patience);
        page.WaitForAssertion(() => page.Find($"[data-share='{ShareId}'] .state").TextContent.Should().Be("Active"), Patience);

        Answer(App, "DELETE", $"api/reports/shares/{ShareId}", 204);
        Answer(App, "GET", "api/reports/shares", 200, Page(Share(ShareId, 3, revoked: true)));
        Interact(() => page.Find($"[data-share='{ShareId}'] button").Click());

        page.WaitForAssertion(() => page.Find($"[data-share='{ShareId}'] .state").TextContent.Should().Be("Revoked"), Patience);
        page.Find($"[data-share='{ShareId}'] [data-views]").TextContent.Should().Be("3");
        page.FindAll($"[data-share='{ShareId}'] button").Should().BeEmpty();
        page.Find(".saved-line").TextContent.Should().Contain("Link revoked");
    }
}
