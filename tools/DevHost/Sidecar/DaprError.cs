using System.Text.Json;

namespace DaprPlatform.DevHost.Sidecar;

/// <summary>Dapr's HTTP error body: {"errorCode":"ERR_…","message":"…"} (dapr/dapr pkg/messages/api_error.go).</summary>
internal static class DaprError
{
    public static IResult Result(int status, string code, string message)
        => Results.Json(new { errorCode = code, message }, statusCode: status);

    public static Task WriteAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new { errorCode = code, message }), context.RequestAborted);
    }

    public static IResult MalformedBody(Exception ex) => Result(400, "ERR_MALFORMED_REQUEST", $"failed deserializing HTTP body: {ex.Message}");
}
