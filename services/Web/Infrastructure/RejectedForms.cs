using Microsoft.AspNetCore.Antiforgery;

namespace DaprPlatform.Web.Infrastructure;

/// <summary>
/// A form post whose antiforgery token is missing or stale is sent (303) to the 400 status page, which says what to do.
/// Left to the endpoints, a Razor page answers an empty 400 and a minimal endpoint throws; and the status page cannot be
/// re-executed for the post itself, because re-executing keeps the method and the page would read the rejected form again.
/// </summary>
public static class RejectedForms
{
    public static IApplicationBuilder UseRejectedFormsStatusPage(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var requiresToken = context.GetEndpoint()?.Metadata.GetMetadata<IAntiforgeryMetadata>()?.RequiresValidation == true;
            if (requiresToken && context.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false })
            {
                context.Response.StatusCode = StatusCodes.Status303SeeOther;
                context.Response.Headers.Location = "/status/400";
                return;
            }

            await next();
        });
}
