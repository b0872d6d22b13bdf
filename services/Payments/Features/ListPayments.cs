using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Payments.Features;

/// <summary>GET /api/payments?page=&amp;pageSize= — the caller's own payments, newest first.</summary>
public static class ListPayments
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapGet("/", HandleAsync).WithName("ListPayments");

    // Paging values arrive as strings so a non-number becomes a field error rather than a binding failure.
    public static async Task<Results<Ok<PagedResponse<PaymentResponse>>, ValidationProblem>> HandleAsync(string? page, string? pageSize, ClaimsPrincipal user, PaymentsDbContext db, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var paging = PageRequest.TryCreate(page, pageSize, errors);
        if (paging is null)
        {
            return errors.ToProblem();
        }

        var studentId = user.GetUserId();
        var mine = db.Payments.AsNoTracking().Where(p => p.StudentId == studentId);
        var total = await mine.CountAsync(ct);
        var items = await paging.Apply(mine.OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id)).ToListAsync(ct);
        // The list leaves client secrets out; the single GET gives the student theirs.
        return TypedResults.Ok(new PagedResponse<PaymentResponse>(
            items.Select(p => PaymentResponse.From(p, withClientSecret: false)).ToList(), paging.Page, paging.PageSize, total));
    }
}
