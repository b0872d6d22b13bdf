namespace DaprPlatform.Grpc.Client;

public sealed record GrpcClientOptions
{
    /// <summary>Metadata sent on every call (e.g. <c>dapr-api-token</c>). Keys must be lower-case ASCII.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Metadata { get; init; } = [];

    public int MaxReceiveMessageSize { get; init; } = GrpcFrames.DefaultMaxMessageSize;

    public string UserAgent { get; init; } = "daprplatform-grpc/1.0";
}

/// <summary>Per-call settings: a deadline (sent as <c>grpc-timeout</c> and enforced locally) and extra metadata.</summary>
public sealed record GrpcCallOptions
{
    public TimeSpan? Deadline { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Metadata { get; init; } = [];
}
