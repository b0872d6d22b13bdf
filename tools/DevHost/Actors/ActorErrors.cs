namespace DaprPlatform.DevHost.Actors;

/// <summary>An actors API failure with daprd's status and error code (dapr pkg/messages/errorcodes, pkg/messages/predefined.go).</summary>
internal sealed class ActorApiException(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;

    public string Code { get; } = code;

    /// <summary>A failure a resiliency retry may repeat the call for (transport error, timeout, non-200 reply other than 404).</summary>
    public bool Transient { get; private init; }

    /// <summary>The app's status when it answered with something other than 200.</summary>
    public int? UpstreamStatus { get; private init; }

    public static ActorApiException InvokeMethod(string detail, bool transient = false, int? upstreamStatus = null)
        => new(500, "ERR_ACTOR_INVOKE_METHOD", "error invoke actor method: " + detail) { Transient = transient, UpstreamStatus = upstreamStatus };

    public static ActorApiException StackDepth() => new(500, "ERR_ACTOR_STACK_DEPTH", "maximum stack depth exceeded");

    public static ActorApiException InstanceMissing() => new(400, "ERR_ACTOR_INSTANCE_MISSING", "actor instance is missing");

    public static ActorApiException ReminderNonHosted() => new(403, "ERR_ACTOR_REMINDER_NON_HOSTED", "operations on actor reminders are only possible on hosted actor types");
}

/// <summary>The app's reply to a method callback, passed back to the caller: status, headers and body.</summary>
internal sealed record ActorResponse(int Status, IReadOnlyList<KeyValuePair<string, string[]>> Headers, byte[] Body);

/// <summary>How a reminder or timer callback ended, which decides what happens to the reminder or timer next.</summary>
internal enum CallbackOutcome
{
    Succeeded,
    /// <summary>The app answered 200 with X-DaprReminderCancel: true.</summary>
    Cancelled,
    /// <summary>404: the app has no such method; permanent, no retry.</summary>
    NotFound,
    Failed,
}
