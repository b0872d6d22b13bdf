using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Grpc.Server;

/// <summary>
/// The server half of our gRPC transport on Kestrel endpoints (the listener must speak HTTP/2 — for cleartext,
/// <c>HttpProtocols.Http2</c> only). Each method is a POST route at its full path; handlers get the parsed request and a
/// <see cref="GrpcServerCallContext"/>, and throw <see cref="GrpcCallException"/> to answer with a status.
/// </summary>
public static class GrpcEndpointRouteBuilderExtensions
{
    public static IEndpointConventionBuilder MapGrpcUnary<TRequest, TResponse>(
        this IEndpointRouteBuilder endpoints, string method, MessageParser<TRequest> parser,
        Func<TRequest, GrpcServerCallContext, Task<TResponse>> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : IMessage
    {
        ArgumentNullException.ThrowIfNull(handler);
        return endpoints.MapPost(method, (HttpContext http) => ServeAsync(http, method, parser, startStreamEarly: false, async (request, call) =>
        {
            var response = await handler(request, call);
            await http.Response.Body.WriteAsync(GrpcFrames.Frame(response), call.CancellationToken);
        }));
    }

    public static IEndpointConventionBuilder MapGrpcServerStreaming<TRequest, TResponse>(
        this IEndpointRouteBuilder endpoints, string method, MessageParser<TRequest> parser,
        Func<TRequest, GrpcServerStreamWriter<TResponse>, GrpcServerCallContext, Task> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : IMessage
    {
        ArgumentNullException.ThrowIfNull(handler);
        return endpoints.MapPost(method, (HttpContext http) => ServeAsync(http, method, parser, startStreamEarly: true,
            (request, call) => handler(request, new GrpcServerStreamWriter<TResponse>(http.Response), call)));
    }

    /// <summary>Answers every other gRPC method on these endpoints with UNIMPLEMENTED, as a gRPC server must.</summary>
    public static IEndpointConventionBuilder MapGrpcUnimplemented(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/{service}/{method}", (HttpContext http, string service, string method) =>
        {
            if (!IsGrpcContentType(http.Request.ContentType))
            {
                http.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
                return Task.CompletedTask;
            }

            WriteTrailersOnly(http.Response, GrpcStatusCode.Unimplemented, $"Method /{service}/{method} is not implemented.");
            return Task.CompletedTask;
        }).WithOrder(int.MaxValue);

    private static async Task ServeAsync<TRequest>(HttpContext http, string method, MessageParser<TRequest> parser, bool startStreamEarly,
        Func<TRequest, GrpcServerCallContext, Task> body)
        where TRequest : class, IMessage<TRequest>
    {
        if (!HttpProtocol.IsHttp2(http.Request.Protocol))
        {
            // gRPC needs HTTP/2 trailers; an HTTP/1.1 caller cannot be answered in gRPC terms.
            http.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            http.Response.Headers.Upgrade = "h2c";
            return;
        }

        if (!IsGrpcContentType(http.Request.ContentType))
        {
            http.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        // Kestrel's request-body limit does not apply to gRPC streams; the frame reader enforces the message limit.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) { limit.MaxRequestBodySize = null; }
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var encoding = http.Request.Headers[GrpcMetadata.Encoding].ToString();
        if (encoding.Length > 0 && !string.Equals(encoding, "identity", StringComparison.OrdinalIgnoreCase))
        {
            http.Response.Headers[GrpcMetadata.AcceptEncoding] = "identity";
            WriteTrailersOnly(http.Response, GrpcStatusCode.Unimplemented, $"Message encoding '{encoding}' is not supported.");
            return;
        }

        var time = http.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;
        using var deadlineSource = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        DateTimeOffset? deadline = null;
        if (GrpcMetadata.TryParseTimeout(http.Request.Headers[GrpcMetadata.Timeout], out var timeout))
        {
            deadline = time.GetUtcNow() + timeout;
            deadlineSource.CancelAfter(timeout);
        }

        var call = new GrpcServerCallContext(http, method, deadline, deadlineSource.Token);
        var logger = http.RequestServices.GetService<ILoggerFactory>()?.CreateLogger("DaprPlatform.Grpc.Server");
        try
        {
            var request = await GrpcFrames.ReadAsync(http.Request.Body, parser, GrpcFrames.DefaultMaxMessageSize, call.CancellationToken)
                ?? throw new GrpcCallException(GrpcStatusCode.Internal, "The request carried no message.");
            if (await GrpcFrames.ReadAsync(http.Request.Body, parser, GrpcFrames.DefaultMaxMessageSize, call.CancellationToken) is not null)
            {
                throw new GrpcCallException(GrpcStatusCode.Internal, $"{method} takes one request message; more were sent.");
            }

            StartResponse(http.Response);
            if (startStreamEarly)
            {
                // Send the headers now, so a client waiting on a quiet stream knows it is open.
                await http.Response.StartAsync(call.CancellationToken);
                await http.Response.Body.FlushAsync(call.CancellationToken);
            }

            await body(request, call);
            Finish(http.Response, GrpcStatusCode.OK, null);
        }
        catch (GrpcCallException ex)
        {
            Finish(http.Response, ex.Status, ex.Detail);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away (cancel or reset stream): there is nobody to answer.
        }
        catch (OperationCanceledException) when (deadlineSource.IsCancellationRequested)
        {
            Finish(http.Response, GrpcStatusCode.DeadlineExceeded, "Deadline exceeded.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger?.LogError(ex, "gRPC handler for {Method} failed", method);
            Finish(http.Response, GrpcStatusCode.Internal, "Exception was thrown by handler.");
        }
    }

    private static bool IsGrpcContentType(string? contentType) =>
        contentType is not null
        && contentType.StartsWith(GrpcFrames.ContentType, StringComparison.OrdinalIgnoreCase)
        && (contentType.Length == GrpcFrames.ContentType.Length || contentType[GrpcFrames.ContentType.Length] is '+' or ';')
        && !contentType.StartsWith("application/grpc-web", StringComparison.OrdinalIgnoreCase);

    private static void StartResponse(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcFrames.ContentType;
        response.Headers[GrpcMetadata.Encoding] = "identity";
    }

    private static void Finish(HttpResponse response, GrpcStatusCode status, string? detail)
    {
        if (!response.HasStarted)
        {
            WriteTrailersOnly(response, status, detail);
            return;
        }

        response.AppendTrailer(GrpcMetadata.Status, ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(detail)) { response.AppendTrailer(GrpcMetadata.Message, GrpcMetadata.EncodeMessage(detail)); }
    }

    /// <summary>A failure before any message: status and message go in the only HEADERS frame, with no body.</summary>
    private static void WriteTrailersOnly(HttpResponse response, GrpcStatusCode status, string? detail)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcFrames.ContentType;
        response.Headers[GrpcMetadata.Status] = ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!string.IsNullOrEmpty(detail)) { response.Headers[GrpcMetadata.Message] = GrpcMetadata.EncodeMessage(detail); }
    }
}
