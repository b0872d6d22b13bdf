using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace DaprPlatform.ServiceDefaults;

/// <summary>
/// RFC 9457 problem responses with a stable title per status and a request-specific detail. Each status is its own
/// result type, so a handler's <c>Results&lt;…&gt;</c> signature says which problems it answers and the OpenAPI document
/// lists them (ASP.NET's own <see cref="ProblemHttpResult"/> carries its status only at run time).
/// </summary>
public static class Problems
{
    public static BadRequestProblem BadRequest(string detail) => new(detail);

    public static UnauthorizedProblem Unauthorized(string detail) => new(detail);

    public static ForbiddenProblem Forbidden(string detail) => new(detail);

    public static NotFoundProblem NotFound(string detail) => new(detail);

    public static ConflictProblem Conflict(string detail) => new(detail);

    public static GoneProblem Gone(string detail) => new(detail);

    public static UnavailableProblem Unavailable(string detail) => new(detail);

    public static GatewayTimeoutProblem GatewayTimeout(string detail) => new(detail);

    /// <summary>
    /// 422 with field errors in the validation-problem shape: the request was well formed, but what a field names could not
    /// be used (e.g. Telegram does not know the channel).
    /// </summary>
    public static UnprocessableProblem Unprocessable(string field, string message, string detail, string? title = null) =>
        new(detail, title ?? "The request could not be processed.", extensions: new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["errors"] = new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [message] },
        });
}

/// <summary>
/// A problem-details answer whose status is fixed by its type; the concrete types describe themselves to OpenAPI. A title,
/// a problem <c>type</c> URI and extensions may replace the defaults (e.g. a conflict a caller must tell apart).
/// </summary>
public abstract class StatusProblem : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<ProblemDetails>
{
    private readonly ProblemHttpResult _problem;

    private protected StatusProblem(int status, string title, string detail, string? type, IDictionary<string, object?>? extensions) =>
        _problem = TypedResults.Problem(detail, statusCode: status, title: title, type: type, extensions: extensions);

    public int? StatusCode => _problem.StatusCode;

    public ProblemDetails Value => _problem.ProblemDetails;

    object? IValueHttpResult.Value => _problem.ProblemDetails;

    public Task ExecuteAsync(HttpContext httpContext) => _problem.ExecuteAsync(httpContext);

    private protected static void Describe(EndpointBuilder builder, int status)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), ["application/problem+json"]));
    }
}

public sealed class BadRequestProblem(string detail, string? title = null, string? type = null, IDictionary<string, object?>? extensions = null)
    : StatusProblem(StatusCodes.Status400BadRequest, title ?? "The request is invalid.", detail, type, extensions), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status400BadRequest);
}

public sealed class UnauthorizedProblem(string detail, string? title = null, string? type = null, IDictionary<string, object?>? extensions = null)
    : StatusProblem(StatusCodes.Status401Unauthorized, title ?? "Authentication is required.", detail, type, extensions), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status401Unauthorized);
}

public sealed class ForbiddenProblem(string detail, string? title = null, string? type = null, IDictionary<string, object?>? extensions = null)
    : StatusProblem(StatusCodes.Status403Forbidden, title ?? "The operation is not allowed.", detail, type, extensions), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status403Forbidden);
}

public sealed class NotFoundProblem(string detail, string? title = null, string? type = null, IDictionary<string, object?>? extensions = null)
    : StatusProblem(StatusCodes.Status404NotFound, title ?? "The resource was not found.", detail, type, extensions), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status404NotFound);
}

public sealed class ConflictProblem(string detail, string? title = null, string? type = null, IDictionary<string, object?>? extensions = null)
    : StatusProblem(StatusCodes.Status409Conflict, title ?? "The request conflicts with the current state.", detail, type, extensions), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status409Conflict);
}

public sealed class GoneProblem(string detail, string? title = null, string? type = null, IDictionary<string, object?>? extensions = null)
    : StatusProblem(StatusCodes.Status410Gone, title ?? "The resource is no longer available.", detail, type, extensions), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status410Gone);
}

public sealed class UnavailableProblem(string detail, string? title = null, string? type = null, IDictionary<string, object?>? extensions = null)
    : StatusProblem(StatusCodes.Status503ServiceUnavailable, title ?? "The service is temporarily unavailable.", detail, type, extensions), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status503ServiceUnavailable);
}

public sealed class PayloadTooLargeProblem(string detail, string? title = null, string? type = null, IDictionary<string, object?>? extensions = null)
    : StatusProblem(StatusCodes.Status413PayloadTooLarge, title ?? "The request body is too large.", detail, type, extensions), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status413PayloadTooLarge);
}

public sealed class UnsupportedMediaTypeProblem(string detail, string? title = null, string? type = null, IDictionary<string, object?>? extensions = null)
    : StatusProblem(StatusCodes.Status415UnsupportedMediaType, title ?? "The content type is not supported.", detail, type, extensions), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status415UnsupportedMediaType);
}

public sealed class UnprocessableProblem(string detail, string? title = null, string? type = null, IDictionary<string, object?>? extensions = null)
    : StatusProblem(StatusCodes.Status422UnprocessableEntity, title ?? "The request could not be processed.", detail, type, extensions), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status422UnprocessableEntity);
}

public sealed class BadGatewayProblem(string detail, string? title = null, string? type = null, IDictionary<string, object?>? extensions = null)
    : StatusProblem(StatusCodes.Status502BadGateway, title ?? "An upstream service failed.", detail, type, extensions), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status502BadGateway);
}

public sealed class GatewayTimeoutProblem(string detail, string? title = null, string? type = null, IDictionary<string, object?>? extensions = null)
    : StatusProblem(StatusCodes.Status504GatewayTimeout, title ?? "The upstream service did not answer in time.", detail, type, extensions), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status504GatewayTimeout);
}
