using DaprPlatform.Web.Infrastructure.Services;

namespace DaprPlatform.Web.Features.Reports;

/// <summary>
/// The owner's export download: a plain link the browser follows, answered here from the reports app as the signed-in person
/// (the access token stays on the server). Not found, someone else's or not ready → the app's status page.
/// </summary>
public static class ReportEndpoints
{
    public static IEndpointRouteBuilder MapReportEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/reports/exports/{id:guid}/file", async (Guid id, ReportsClient reports, CancellationToken ct) =>
        {
            var answer = await reports.DownloadAsync(id, ct);
            if (answer.Succeeded)
            {
                return Results.File(answer.Value.Content, answer.Value.ContentType, answer.Value.FileName);
            }

            // The session behind the cookie ended: sign in again and come back to the file.
            return ReferenceEquals(answer.Problem, ApiProblem.SignedOut)
                ? Results.LocalRedirect($"/account/sign-in?returnUrl={Uri.EscapeDataString(FileUrl(id))}")
                : Results.StatusCode(answer.Problem.Status);
        }).RequireAuthorization().ExcludeFromDescription();
        return app;
    }

    public static string FileUrl(Guid exportId) => $"/reports/exports/{exportId}/file";
}
