using System.Globalization;
using System.Text.RegularExpressions;
using DaprPlatform.Reports.Domain;
using DaprPlatform.Reports.Exports;
using DaprPlatform.Reports.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Reports.Features;

/// <summary>What a dashboard link shows: the channel's current summary and nothing of its owner.</summary>
public sealed record SharedDashboardResponse(
    string Kind, string ChannelTitle, string Period, DateTimeOffset From, DateTimeOffset To, SummaryTotals Totals, long? Subscribers,
    long SubscriberGrowth, double EngagementRate, double PostsPerDay, DateTimeOffset LinkExpiresAt)
{
    public static SharedDashboardResponse Of(ChannelSummary s, ShareLink link)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(link);
        return new("dashboard", s.Title, s.Period, s.From, s.To, s.Totals, s.Subscribers, s.SubscriberGrowth, s.EngagementRate, s.PostsPerDay, link.ExpiresAt);
    }
}

/// <summary>
/// GET /api/shared/{token} — anonymous. Unknown or revoked → 404, expired → 410, a password link without the right
/// <c>X-Share-Password</c> → 401 (a wrong one counts; after <see cref="ShareLink.MaxFailedAttempts"/> in the window → 429 with
/// Retry-After). Served: an export's file (a PDF stamped on every page with the owner's name and this link) or a dashboard's
/// summary as JSON; each counts a view.
/// </summary>
public static partial class OpenShare
{
    public const string PasswordHeader = "X-Share-Password";

    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapGet("/{token}", HandleAsync).WithName("OpenShare")
        .Produces(StatusCodes.Status200OK, contentType: "application/pdf", additionalContentTypes: ["text/csv"])
        .Produces<SharedDashboardResponse>()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status410Gone)
        .ProducesProblem(StatusCodes.Status429TooManyRequests)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    public static async Task<IResult> HandleAsync(
        string token, HttpContext http, ReportsDbContext db, AnalyticsReader analytics, IOptions<ReportsOptions> options, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (!TokenShape().IsMatch(token))
        {
            return Unknown();
        }

        var hash = ShareLink.HashToken(token);
        var now = time.GetUtcNow();
        var password = http.Request.Headers[PasswordHeader].ToString();
        ShareLink? link;
        ShareRefusal refusal;
        // The link's row is locked while its password is checked, so parallel guesses queue and each one counts: the attempt
        // limit holds however many requests arrive at once.
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            link = (await db.ShareLinks.FromSqlInterpolated($"SELECT * FROM share_links WHERE token_hash = {hash} FOR UPDATE").ToListAsync(ct)).SingleOrDefault();
            // Found by its hash; the constant-time comparison keeps the check itself free of timing differences.
            if (link is null || !link.Matches(token))
            {
                return Unknown();
            }

            refusal = link.Admit(password.Length == 0 ? null : password, now);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }

        switch (refusal)
        {
            case ShareRefusal.Revoked:
                return Unknown();
            case ShareRefusal.Expired:
                return Problems.Gone($"This link expired at {link.ExpiresAt.ToString("O", CultureInfo.InvariantCulture)}.");
            case ShareRefusal.TooManyAttempts:
                var wait = Math.Max(1, (int)Math.Ceiling((link.AttemptsResetAt - now).TotalSeconds));
                http.Response.Headers.RetryAfter = wait.ToString(CultureInfo.InvariantCulture);
                return TypedResults.Problem($"Too many wrong passwords for this link; try again in {wait} seconds.",
                    statusCode: StatusCodes.Status429TooManyRequests, title: "Too many attempts.");
            case ShareRefusal.PasswordRequired:
                return Problems.Unauthorized($"This link is protected: send its password in the {PasswordHeader} header.");
            case ShareRefusal.WrongPassword:
                return Problems.Unauthorized("The password is wrong.");
        }

        IResult served;
        if (link.Kind == ShareKind.Dashboard)
        {
            try
            {
                served = TypedResults.Ok(SharedDashboardResponse.Of(await analytics.SummaryAsync(link.ChannelId, link.OwnerId, ct), link));
            }
            catch (ChannelNotFoundException)
            {
                // The channel was removed or changed hands: the link shows nothing any more.
                return Unknown();
            }
            catch (HttpRequestException)
            {
                return Problems.Unavailable("The channel's summary could not be read; try again shortly.");
            }
        }
        else
        {
            var export = await db.Exports.AsNoTracking().SingleAsync(e => e.Id == link.ExportId, ct);
            var content = await db.ExportFiles.Where(f => f.ExportId == export.Id).Select(f => f.Content).SingleAsync(ct);
            if (export.Format == ExportFormat.Pdf)
            {
                content = PdfExportRenderer.Stamp(content, export.OwnerName, ShareLinks.UrlOf(options.Value, token));
            }

            served = TypedResults.File(content, export.Format.ContentType(), export.FileName);
        }

        // Counted in the database, so concurrent views all count.
        await db.ShareLinks.Where(s => s.Id == link.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.ViewCount, s => s.ViewCount + 1), ct);
        return served;
    }

    private static NotFoundProblem Unknown() => Problems.NotFound("This link does not exist or was revoked.");

    // 32 random bytes in base64url without padding: 43 characters.
    [GeneratedRegex("^[A-Za-z0-9_-]{43}$", RegexOptions.CultureInvariant)]
    private static partial Regex TokenShape();
}
