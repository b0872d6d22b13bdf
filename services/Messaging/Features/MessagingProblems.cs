using System.Globalization;
using System.Reflection;
using DaprPlatform.Messaging.Domain;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace DaprPlatform.Messaging.Features;

public static class MessagingProblems
{
    public const string EditWindowClosedType = "https://daprplatform.dev/problems/edit-window-closed";
    public const string MessageDeletedType = "https://daprplatform.dev/problems/message-deleted";
    public const string TooManyMessagesType = "https://daprplatform.dev/problems/too-many-messages";

    public static NotFoundProblem ConversationNotFound(Guid id) => Problems.NotFound($"Conversation {id} does not exist.");

    public static NotFoundProblem MessageNotFound(Guid id) => Problems.NotFound($"Message {id} does not exist.");

    public static ConflictProblem StillChanging(Guid id) =>
        Problems.Conflict($"Conversation {id} kept changing while this request ran; try again.");

    /// <summary>The edit window passed or the message is deleted: 409 with a type the client can tell apart.</summary>
    public static ConflictProblem RuleViolated(MessagingRuleViolation violation)
    {
        ArgumentNullException.ThrowIfNull(violation);
        return violation.Rule == MessagingRule.EditWindowClosed
            ? new ConflictProblem(violation.Message, "The message can no longer be edited.", EditWindowClosedType)
            : new ConflictProblem(violation.Message, "The message was deleted.", MessageDeletedType);
    }
}

/// <summary>429 problem details with <c>Retry-After</c> (whole seconds, rounded up): the send rate limit.</summary>
public sealed class TooManyMessagesProblem(TimeSpan retryAfter, string detail) : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    public int? StatusCode => StatusCodes.Status429TooManyRequests;

    public int RetryAfterSeconds { get; } = (int)Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds));

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(detail, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many messages.",
                type: MessagingProblems.TooManyMessagesType,
                extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["retryAfterSeconds"] = RetryAfterSeconds })
            .ExecuteAsync(httpContext);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status429TooManyRequests, typeof(ProblemDetails), ["application/problem+json"]));
    }
}
