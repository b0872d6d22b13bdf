using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.ServiceDefaults;

/// <summary>
/// Turns exceptions into problem details. A <see cref="BadHttpRequestException"/> keeps its status
/// (malformed JSON 400, wrong content type 415, body too large 413) so bad input never surfaces as a 500.
/// </summary>
internal sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (context.Response.HasStarted)
        {
            return false;
        }

        if (exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
            context.Response.StatusCode = 499;
            return true;
        }

        var (status, title, detail) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, TitleFor(bad.StatusCode), DetailFor(bad)),
            _ => (StatusCodes.Status500InternalServerError, "An unexpected error occurred.", "The server could not complete the request."),
        };

        if (status >= 500)
        {
            LogUnhandled(logger, exception, context.Request.Method, context.Request.Path);
        }

        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    private static string TitleFor(int status) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
        StatusCodes.Status415UnsupportedMediaType => "The content type is not supported.",
        _ => "The request is invalid.",
    };

    private static string DetailFor(BadHttpRequestException bad) => bad.StatusCode switch
    {
        StatusCodes.Status413PayloadTooLarge => "The request body exceeds the size limit.",
        StatusCodes.Status415UnsupportedMediaType => "Send the body as application/json.",
        // Minimal APIs put the JSON reader's position in the inner exception; it helps the caller find the typo.
        _ when bad.InnerException is System.Text.Json.JsonException json => $"The body is not valid JSON: {json.Message}",
        _ => bad.Message,
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception ex, string method, string path);
}
