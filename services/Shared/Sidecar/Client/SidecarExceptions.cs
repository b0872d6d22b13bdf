namespace DaprPlatform.Sidecar;

/// <summary>The sidecar answered a call with a non-success status; the Dapr error body is parsed when present.</summary>
public class SidecarException : Exception
{
    public SidecarException(string message, int statusCode, string? errorCode, string? responseBody, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        ErrorCode = errorCode;
        ResponseBody = responseBody;
    }

    public int StatusCode { get; }

    /// <summary>Dapr's errorCode (e.g. ERR_STATE_STORE_NOT_FOUND) when the body carried one.</summary>
    public string? ErrorCode { get; }

    public string? ResponseBody { get; }
}

/// <summary>An invoked app (or the sidecar on its behalf) answered with a non-2xx status; status and body are kept verbatim.</summary>
public sealed class InvocationException : SidecarException
{
    public InvocationException(string appId, string methodPath, int statusCode, string? errorCode, string? responseBody, Exception? innerException = null)
        : base(
            innerException is null
                ? $"Invoking '{methodPath}' on app '{appId}' returned {statusCode}."
                : $"Invoking '{methodPath}' on app '{appId}' returned a body that is not the expected JSON.",
            statusCode,
            errorCode,
            responseBody,
            innerException)
    {
        AppId = appId;
        MethodPath = methodPath;
    }

    public string AppId { get; }

    public string MethodPath { get; }
}

/// <summary>409: the ETag sent with a save or delete no longer matches; re-read and retry.</summary>
public sealed class StateConcurrencyException : SidecarException
{
    public StateConcurrencyException(string key, string? errorCode, string? responseBody)
        : base($"ETag mismatch for state key '{key}'.", 409, errorCode, responseBody)
    {
        Key = key;
    }

    public string Key { get; }
}

/// <summary>The sidecar did not become reachable/healthy in time.</summary>
public sealed class SidecarUnavailableException : Exception
{
    public SidecarUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
