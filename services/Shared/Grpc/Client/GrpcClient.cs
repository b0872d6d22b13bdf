using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Google.Protobuf;

namespace DaprPlatform.Grpc.Client;

/// <summary>
/// Unary and server-streaming gRPC calls over cleartext HTTP/2 (prior knowledge, no TLS) with a plain HttpClient:
/// every request is HTTP/2 exactly, framed as gRPC, and the outcome is read from the <c>grpc-status</c> trailer
/// (or from the headers of a trailers-only response). A non-OK status surfaces as <see cref="GrpcCallException"/>;
/// the caller's own cancellation surfaces as <see cref="OperationCanceledException"/>.
/// </summary>
/// <remarks>
/// The HttpClient must have <see cref="HttpClient.BaseAddress"/> set to the server (http://host:port) and an
/// infinite <see cref="HttpClient.Timeout"/>: streams such as GetWorkItems stay open for hours, and deadlines are per call.
/// </remarks>
public sealed class GrpcClient(HttpClient http, GrpcClientOptions? options = null)
{
    private readonly GrpcClientOptions _options = options ?? new GrpcClientOptions();

    /// <summary>A handler tuned for long-lived h2c streams: keep-alive pings and more than one connection when streams pile up.</summary>
    public static SocketsHttpHandler CreateHandler() => new()
    {
        EnableMultipleHttp2Connections = true,
        KeepAlivePingDelay = TimeSpan.FromSeconds(30),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
        KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>An HttpClient for <paramref name="endpoint"/> with <see cref="CreateHandler"/> and no overall timeout.</summary>
    public static HttpClient CreateHttpClient(Uri endpoint) => new(CreateHandler())
    {
        BaseAddress = endpoint,
        Timeout = Timeout.InfiniteTimeSpan,
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(
        string method, TRequest request, MessageParser<TResponse> responseParser, GrpcCallOptions? callOptions = null, CancellationToken ct = default)
        where TRequest : IMessage
        where TResponse : class, IMessage<TResponse>
    {
        using var call = await StartAsync(method, request, callOptions, ct);
        var response = await call.ReadAsync(responseParser);
        if (response is not null && await call.ReadAsync(responseParser) is not null)
        {
            throw new GrpcCallException(GrpcStatusCode.Internal, $"{method} is unary but the server sent more than one message.");
        }

        call.ThrowIfNotOk();
        return response ?? throw new GrpcCallException(GrpcStatusCode.Internal, $"{method} ended OK without a response message.");
    }

    public async IAsyncEnumerable<TResponse> ServerStreamingAsync<TRequest, TResponse>(
        string method, TRequest request, MessageParser<TResponse> responseParser, GrpcCallOptions? callOptions = null,
        [EnumeratorCancellation] CancellationToken ct = default)
        where TRequest : IMessage
        where TResponse : class, IMessage<TResponse>
    {
        // Disposing the call (also when the consumer stops early) resets the HTTP/2 stream, which the server sees as a cancel.
        using var call = await StartAsync(method, request, callOptions, ct);
        while (await call.ReadAsync(responseParser) is { } message)
        {
            yield return message;
        }

        call.ThrowIfNotOk();
    }

    private async Task<GrpcCall> StartAsync(string method, IMessage request, GrpcCallOptions? callOptions, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(request);
        var httpRequest = new HttpRequestMessage(HttpMethod.Post, method.StartsWith('/') ? method[1..] : method)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(GrpcFrames.Frame(request)),
        };
        httpRequest.Content.Headers.ContentType = new MediaTypeHeaderValue(GrpcFrames.ContentType);
        httpRequest.Headers.TryAddWithoutValidation("te", "trailers");
        httpRequest.Headers.TryAddWithoutValidation("user-agent", _options.UserAgent);
        httpRequest.Headers.TryAddWithoutValidation(GrpcMetadata.AcceptEncoding, "identity");
        foreach (var (key, value) in _options.Metadata.Concat(callOptions?.Metadata ?? []))
        {
            httpRequest.Headers.TryAddWithoutValidation(key, value);
        }

        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } traceparent } activity && !httpRequest.Headers.Contains("traceparent"))
        {
            httpRequest.Headers.TryAddWithoutValidation("traceparent", traceparent);
            if (!string.IsNullOrEmpty(activity.TraceStateString)) { httpRequest.Headers.TryAddWithoutValidation("tracestate", activity.TraceStateString); }
        }

        var lifetime = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (callOptions?.Deadline is { } deadline)
        {
            httpRequest.Headers.TryAddWithoutValidation(GrpcMetadata.Timeout, GrpcMetadata.FormatTimeout(deadline));
            lifetime.CancelAfter(deadline);
        }

        HttpResponseMessage? response = null;
        try
        {
            response = await http.SendAsync(httpRequest, HttpCompletionOption.ResponseHeadersRead, lifetime.Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new GrpcCallException(GrpcMetadata.FromHttpStatus((int)response.StatusCode), $"{method} answered HTTP {(int)response.StatusCode}, not a gRPC response.");
            }

            // A trailers-only response (the server failed before sending anything) carries grpc-status in its headers.
            if (response.Headers.TryGetValues(GrpcMetadata.Status, out _))
            {
                var trailersOnly = new GrpcCall(method, httpRequest, response, Stream.Null, lifetime, ct, _options.MaxReceiveMessageSize, fromHeaders: true);
                return trailersOnly;
            }

            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (mediaType is null || !mediaType.StartsWith(GrpcFrames.ContentType, StringComparison.OrdinalIgnoreCase))
            {
                throw new GrpcCallException(GrpcStatusCode.Internal, $"{method} answered with content type '{mediaType}', not {GrpcFrames.ContentType}.");
            }

            var body = await response.Content.ReadAsStreamAsync(lifetime.Token);
            return new GrpcCall(method, httpRequest, response, body, lifetime, ct, _options.MaxReceiveMessageSize, fromHeaders: false);
        }
        catch (Exception ex)
        {
            response?.Dispose();
            httpRequest.Dispose();
            var mapped = GrpcCall.Translate(ex, method, lifetime, ct);
            lifetime.Dispose();
            if (ReferenceEquals(mapped, ex)) { throw; }
            throw mapped;
        }
    }

    /// <summary>One call in flight: reads frames, then the status from the trailers.</summary>
    private sealed class GrpcCall(
        string method, HttpRequestMessage request, HttpResponseMessage response, Stream body,
        CancellationTokenSource lifetime, CancellationToken callerToken, int maxMessageSize, bool fromHeaders) : IDisposable
    {
        private readonly bool _trailersOnly = fromHeaders;
        private bool _ended = fromHeaders;

        public async Task<T?> ReadAsync<T>(MessageParser<T> parser)
            where T : class, IMessage<T>
        {
            if (_ended) { return null; }
            try
            {
                var message = await GrpcFrames.ReadAsync(body, parser, maxMessageSize, lifetime.Token);
                _ended = message is null;
                return message;
            }
            catch (Exception ex)
            {
                var mapped = Translate(ex, method, lifetime, callerToken);
                if (ReferenceEquals(mapped, ex)) { throw; }
                throw mapped;
            }
        }

        public void ThrowIfNotOk()
        {
            var headers = _trailersOnly ? (HttpHeaders)response.Headers : response.TrailingHeaders;
            if (!headers.TryGetValues(GrpcMetadata.Status, out var statusValues))
            {
                throw new GrpcCallException(GrpcStatusCode.Internal, $"{method} ended without a grpc-status trailer.");
            }

            var text = statusValues.FirstOrDefault();
            if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code))
            {
                throw new GrpcCallException(GrpcStatusCode.Unknown, $"{method} ended with an unreadable grpc-status '{text}'.");
            }

            if (code == (int)GrpcStatusCode.OK) { return; }
            var detail = headers.TryGetValues(GrpcMetadata.Message, out var messages) ? GrpcMetadata.DecodeMessage(messages.FirstOrDefault()) : "";
            throw new GrpcCallException(Enum.IsDefined(typeof(GrpcStatusCode), code) ? (GrpcStatusCode)code : GrpcStatusCode.Unknown, detail);
        }

        /// <summary>The caller's cancel stays a cancel; the local deadline becomes DeadlineExceeded; a lost connection becomes Unavailable.</summary>
        public static Exception Translate(Exception ex, string method, CancellationTokenSource lifetime, CancellationToken callerToken)
        {
            if (ex is GrpcCallException) { return ex; }
            if (callerToken.IsCancellationRequested) { return ex is OperationCanceledException ? ex : new OperationCanceledException(callerToken); }
            if (lifetime.IsCancellationRequested) { return new GrpcCallException(GrpcStatusCode.DeadlineExceeded, $"{method} did not finish before its deadline.", ex); }
            return ex switch
            {
                HttpRequestException or IOException => new GrpcCallException(GrpcStatusCode.Unavailable, $"{method}: {ex.Message}", ex),
                OperationCanceledException => new GrpcCallException(GrpcStatusCode.Cancelled, $"{method} was cancelled.", ex),
                _ => ex,
            };
        }

        public void Dispose()
        {
            body.Dispose();
            response.Dispose();
            request.Dispose();
            lifetime.Dispose();
        }
    }
}
