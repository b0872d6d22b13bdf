using System.Security.Claims;
using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Payments.Features;

/// <summary>GET /api/payouts?page=&amp;pageSize= — the caller's own payouts (skipped ones included), newest period first.</summary>
public static class ListPayouts
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapGet("/", HandleAsync).WithName("ListPayouts");

    public static async Task<Results<Ok<PagedResponse<PayoutResponse>>, ValidationProblem>> HandleAsync(string? page, string? pageSize, ClaimsPrincipal user, PaymentsDbContext db, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var paging = PageRequest.TryCreate(page, pageSize, errors);
        if (paging is null)
        {
            return errors.ToProblem();
        }

        var tutorId = user.GetUserId();
        var mine = db.Payouts.AsNoTracking().Where(p => p.TutorId == tutorId);
        var total = await mine.CountAsync(ct);
        var items = await paging.Apply(mine.OrderByDescending(p => p.PeriodEnd).ThenByDescending(p => p.Id)).ToListAsync(ct);
        return TypedResults.Ok(new PagedResponse<PayoutResponse>(items.Select(PayoutResponse.From).ToList(), paging.Page, paging.PageSize, total));
    }
}
