using System.Net;
using System.Text;

namespace DaprPlatform.Web.Tests.Hosting;

/// <summary>
/// The owner's export download over real HTTP: the web app fetches the file from reports with the session's token and hands
/// the browser only the file.
/// </summary>
public sealed class ReportDownloadTests(WebAppHost web) : IClassFixture<WebAppHost>
{
    [Fact]
    public async Task A_signed_in_owner_gets_the_file_and_never_the_token()
    {
        using var visitor = await web.SignedInVisitorAsync();

        var (response, body) = await visitor.GetAsync($"/reports/exports/{WebAppHost.KnownExportId}/file");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/pdf");
        response.Content.Headers.ContentDisposition!.FileNameStar.Should().Be("some-channel-report.pdf");
        body.Should().Be(Encoding.ASCII.GetString(WebAppHost.KnownExportPdf));
        web.ReportsRequests.Should().Contain(r => r.Path == $"/api/reports/exports/{WebAppHost.KnownExportId}/file"
            && r.Authorization != null && r.Authorization.StartsWith("Bearer access-", StringComparison.Ordinal));
        string.Join("\n", response.Headers.Concat(response.Content.Headers).Select(h => string.Join(",", h.Value))).Should().NotContain("access-");
    }

    [Fact]
    public async Task Another_owners_or_an_unknown_export_is_the_not_found_page()
    {
        using var visitor = await web.SignedInVisitorAsync();
        var unknown = Guid.NewGuid();

        var (response, body) = await visitor.GetAsync($"/reports/exports/{unknown}/file");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        body.Should().NotContain("was not found.", "the service's words stay server-side; the person gets the page");
    }

    [Fact]
    public async Task Without_a_session_the_browser_is_sent_to_sign_in_and_reports_is_not_asked()
    {
        using var visitor = web.NewVisitor();
        var asked = web.ReportsRequests.Count;

        var (response, _) = await visitor.GetAsync($"/reports/exports/{WebAppHost.KnownExportId}/file");

        response.StatusCode.Should().Be(HttpStatusCode.Found);
        new Uri(web.NewVisitorBase(), response.Headers.Location!).AbsolutePath.Should().Be("/account/sign-in");
        web.ReportsRequests.Count.Should().Be(asked);
    }
}
