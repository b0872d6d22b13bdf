namespace DaprPlatform.Web.Infrastructure.Services;

/// <summary>A file as a service answered it: its bytes, media type and the name it suggested (Content-Disposition).</summary>
public sealed record ServiceFile(byte[] Content, string ContentType, string? FileName)
{
    public bool IsJson => ContentType is "application/json" or "application/problem+json" || ContentType.EndsWith("+json", StringComparison.Ordinal);
}
