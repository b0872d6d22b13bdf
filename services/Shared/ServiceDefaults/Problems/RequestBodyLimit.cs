using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DaprPlatform.ServiceDefaults;

/// <summary>
/// Rejects a declared Content-Length above the limit before any endpoint runs. Kestrel enforces the same
/// limit while streaming (chunked bodies); this makes the answer immediate and uniform (413 problem).
/// </summary>
internal static class RequestBodyLimit
{
    public static IApplicationBuilder UseDeclaredBodyLimit(this IApplicationBuilder app, long maxBytes) =>
        app.Use(async (context, next) =>
        {
            if (context.Request.ContentLength is { } length && length > maxBytes)
            {
                throw new BadHttpRequestException($"The request body exceeds {maxBytes} bytes.", StatusCodes.Status413PayloadTooLarge);
            }

            await next(context);
        });
}
