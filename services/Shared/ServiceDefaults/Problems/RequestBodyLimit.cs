using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace DaprPlatform.ServiceDefaults;

/// <summary>
/// Rejects a declared Content-Length above the limit before any endpoint runs. Kestrel enforces the same
/// limit while streaming (chunked bodies); this makes the answer immediate and uniform (413 problem).
/// An endpoint may carry its own limit (<see cref="IRequestSizeLimitMetadata"/>, e.g. sidecar delivery routes, whose
/// bulk deliveries are many events in one body); it then replaces the service-wide one for that endpoint only.
/// </summary>
internal static class RequestBodyLimit
{
    public static IApplicationBuilder UseDeclaredBodyLimit(this IApplicationBuilder app, long maxBytes) =>
        app.Use(async (context, next) =>
        {
            var limit = maxBytes;
            if (context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>() is { MaxRequestBodySize: { } endpointLimit })
            {
                limit = endpointLimit;
                if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } streaming)
                {
                    streaming.MaxRequestBodySize = endpointLimit;
                }
            }

            if (context.Request.ContentLength is { } length && length > limit)
            {
                throw new BadHttpRequestException($"The request body exceeds {limit} bytes.", StatusCodes.Status413PayloadTooLarge);
            }

            await next(context);
        });
}
