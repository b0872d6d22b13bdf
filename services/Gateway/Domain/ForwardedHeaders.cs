namespace DaprPlatform.Gateway.Domain;

/// <summary>Which headers cross the gateway in either direction.</summary>
public static class ForwardedHeaders
{
    // RFC 9110 §7.6.1 connection-specific fields plus the legacy Proxy-* and Keep-Alive ones.
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
        "TE", "Trailer", "Transfer-Encoding", "Upgrade",
    };

    // Set by the gateway or its sidecar; a client must not be able to choose them.
    private static readonly HashSet<string> GatewayOwned = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Expect",
        "dapr-api-token", "dapr-app-id", "dapr-caller-app-id", "dapr-callee-app-id", "dapr-caller-namespace",
        "traceparent", "tracestate",
        "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "Forwarded",
    };

    public static bool IsHopByHop(string name) => HopByHop.Contains(name) || name.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase);

    /// <summary>Header names a Connection header declares hop-by-hop (e.g. "Connection: close, X-Debug").</summary>
    public static HashSet<string> NamedInConnection(IEnumerable<string?> connectionValues)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in connectionValues)
        {
            if (value is null)
            {
                continue;
            }

            foreach (var token in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                names.Add(token);
            }
        }

        return names;
    }

    public static bool ForwardRequestHeader(string name, HashSet<string> namedInConnection) =>
        !name.StartsWith(':') && !IsHopByHop(name) && !GatewayOwned.Contains(name) && !namedInConnection.Contains(name);

    public static bool ForwardResponseHeader(string name, HashSet<string> namedInConnection) =>
        !IsHopByHop(name) && !namedInConnection.Contains(name);
}
