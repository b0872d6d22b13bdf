using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using DaprPlatform.Grpc.Client;
using DaprPlatform.Grpc.Server;
using DaprPlatform.Grpc.TaskHub;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DaprPlatform.Grpc.Tests;

/// <summary>Our client against our Kestrel side, over real h2c sockets: the rules of the gRPC-over-HTTP/2 spec each test names.</summary>
public sealed class GrpcTransportTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Unary_call_round_trips_a_message()
    {
        await using var server = await GrpcTestServer.StartAsync(e => e.MapGrpcUnary(TaskHubMethods.GetInstance, GetInstanceRequest.Parser,
            (request, _) => Task.FromResult(new GetInstanceResponse
            {
                Exists = true,
                OrchestrationState = new OrchestrationState { InstanceId = request.InstanceId, OrchestrationStatus = OrchestrationStatus.Completed },
            })));

        var response = await server.Client().UnaryAsync(TaskHubMethods.GetInstance, new GetInstanceRequest { InstanceId = "order-1" }, GetInstanceResponse.Parser);

        response.Exists.Should().BeTrue();
        response.OrchestrationState.InstanceId.Should().Be("order-1");
        response.OrchestrationState.OrchestrationStatus.Should().Be(OrchestrationStatus.Completed);
    }

    [Fact]
    public async Task Empty_messages_are_zero_length_frames_and_still_round_trip()
    {
        await using var server = await GrpcTestServer.StartAsync(e => e.MapGrpcUnary(TaskHubMethods.Hello, Empty.Parser, (_, _) => Task.FromResult(new Empty())));

        var response = await server.Client().UnaryAsync(TaskHubMethods.Hello, new Empty(), Empty.Parser);

        response.Should().Be(new Empty());
    }

    [Fact]
    public async Task Error_before_any_message_is_a_trailers_only_response_with_percent_decoded_detail()
    {
        // Spec: grpc-status / grpc-message in the single HEADERS frame; grpc-message is percent-encoded UTF-8.
        await using var server = await GrpcTestServer.StartAsync(e => e.MapGrpcUnary<GetInstanceRequest, GetInstanceResponse>(TaskHubMethods.GetInstance, GetInstanceRequest.Parser,
            (_, _) => throw new GrpcCallException(GrpcStatusCode.NotFound, "no instance 'ü-1' (100% sure)")));

        var act = () => server.Client().UnaryAsync(TaskHubMethods.GetInstance, new GetInstanceRequest { InstanceId = "ü-1" }, GetInstanceResponse.Parser);

        var failure = (await act.Should().ThrowAsync<GrpcCallException>()).Which;
        failure.Status.Should().Be(GrpcStatusCode.NotFound);
        failure.Detail.Should().Be("no instance 'ü-1' (100% sure)");
    }

    [Fact]
    public async Task Trailers_only_response_puts_status_in_headers_on_the_wire()
    {
        await using var server = await GrpcTestServer.StartAsync(e => e.MapGrpcUnary<Empty, Empty>(TaskHubMethods.Hello, Empty.Parser,
            (_, _) => throw new GrpcCallException(GrpcStatusCode.PermissionDenied, "denied")));
        using var http = GrpcClient.CreateHttpClient(server.Address);
        using var request = new HttpRequestMessage(HttpMethod.Post, TaskHubMethods.Hello[1..])
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(GrpcFrames.Frame(new Empty())),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.GetValues("grpc-status").Should().Equal("7");
        body.Should().BeEmpty();
    }

    [Fact]
    public async Task Unhandled_handler_exception_becomes_INTERNAL_without_leaking_its_message()
    {
        await using var server = await GrpcTestServer.StartAsync(e => e.MapGrpcUnary<Empty, Empty>(TaskHubMethods.Hello, Empty.Parser,
            (_, _) => throw new InvalidOperationException("connection string with password=secret")));

        var act = () => server.Client().UnaryAsync(TaskHubMethods.Hello, new Empty(), Empty.Parser);

        var failure = (await act.Should().ThrowAsync<GrpcCallException>()).Which;
        failure.Status.Should().Be(GrpcStatusCode.Internal);
        failure.Detail.Should().NotContain("secret");
    }

    [Fact]
    public async Task Server_stream_delivers_every_message_then_OK()
    {
        await using var server = await GrpcTestServer.StartAsync(e => e.MapGrpcServerStreaming<GetWorkItemsRequest, WorkItem>(TaskHubMethods.GetWorkItems, GetWorkItemsRequest.Parser,
            async (_, stream, call) =>
            {
                for (var i = 0; i < 3; i++) { await stream.WriteAsync(new WorkItem { CompletionToken = $"t{i}" }, call.CancellationToken); }
            }));

        var tokens = new List<string>();
        await foreach (var item in server.Client().ServerStreamingAsync(TaskHubMethods.GetWorkItems, new GetWorkItemsRequest(), WorkItem.Parser))
        {
            tokens.Add(item.CompletionToken);
        }

        tokens.Should().Equal("t0", "t1", "t2");
    }

    [Fact]
    public async Task Status_after_messages_arrives_in_trailers_and_fails_the_stream_after_the_messages()
    {
        await using var server = await GrpcTestServer.StartAsync(e => e.MapGrpcServerStreaming<GetWorkItemsRequest, WorkItem>(TaskHubMethods.GetWorkItems, GetWorkItemsRequest.Parser,
            async (_, stream, call) =>
            {
                await stream.WriteAsync(new WorkItem { CompletionToken = "a" }, call.CancellationToken);
                await stream.WriteAsync(new WorkItem { CompletionToken = "b" }, call.CancellationToken);
                throw new GrpcCallException(GrpcStatusCode.Aborted, "worker replaced");
            }));

        var tokens = new List<string>();
        var act = async () =>
        {
            await foreach (var item in server.Client().ServerStreamingAsync(TaskHubMethods.GetWorkItems, new GetWorkItemsRequest(), WorkItem.Parser))
            {
                tokens.Add(item.CompletionToken);
            }
        };

        (await act.Should().ThrowAsync<GrpcCallException>()).Which.Status.Should().Be(GrpcStatusCode.Aborted);
        tokens.Should().Equal("a", "b");
    }

    [Fact]
    public async Task Stream_headers_arrive_before_the_first_message_so_a_quiet_stream_is_open()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await GrpcTestServer.StartAsync(e => e.MapGrpcServerStreaming<GetWorkItemsRequest, WorkItem>(TaskHubMethods.GetWorkItems, GetWorkItemsRequest.Parser,
            async (_, stream, call) =>
            {
                await release.Task.WaitAsync(call.CancellationToken);
                await stream.WriteAsync(new WorkItem { CompletionToken = "late" }, call.CancellationToken);
            }));

        await using var items = server.Client().ServerStreamingAsync(TaskHubMethods.GetWorkItems, new GetWorkItemsRequest(), WorkItem.Parser).GetAsyncEnumerator();
        var first = items.MoveNextAsync().AsTask();
        await Task.Delay(200);
        first.IsCompleted.Should().BeFalse("the server has not written anything yet");
        release.SetResult();

        (await first.WaitAsync(Patience)).Should().BeTrue();
        items.Current.CompletionToken.Should().Be("late");
    }

    [Fact]
    public async Task Deadline_is_sent_as_grpc_timeout_cancels_the_handler_and_fails_with_DEADLINE_EXCEEDED()
    {
        var handlerCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string? timeoutHeader = null;
        await using var server = await GrpcTestServer.StartAsync(e => e.MapGrpcUnary<Empty, Empty>(TaskHubMethods.Hello, Empty.Parser, async (_, call) =>
        {
            timeoutHeader = call.GetMetadata("grpc-timeout");
            try
            {
                await Task.Delay(Timeout.Infinite, call.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                handlerCancelled.TrySetResult();
                throw;
            }

            return new Empty();
        }));

        var act = () => server.Client().UnaryAsync(TaskHubMethods.Hello, new Empty(), Empty.Parser, new GrpcCallOptions { Deadline = TimeSpan.FromMilliseconds(300) });

        (await act.Should().ThrowAsync<GrpcCallException>()).Which.Status.Should().Be(GrpcStatusCode.DeadlineExceeded);
        await handlerCancelled.Task.WaitAsync(Patience);
        timeoutHeader.Should().Be("300000u");
    }

    [Fact]
    public async Task Caller_cancellation_is_an_OperationCanceledException_and_resets_the_stream_on_the_server()
    {
        var serverSawCancel = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await GrpcTestServer.StartAsync(e => e.MapGrpcServerStreaming<GetWorkItemsRequest, WorkItem>(TaskHubMethods.GetWorkItems, GetWorkItemsRequest.Parser,
            async (_, stream, call) =>
            {
                await stream.WriteAsync(new WorkItem { CompletionToken = "first" }, call.CancellationToken);
                try
                {
                    await Task.Delay(Timeout.Infinite, call.CancellationToken);
                }
                catch (OperationCanceledException)
                {
                    serverSawCancel.TrySetResult();
                    throw;
                }
            }));
        using var cts = new CancellationTokenSource();

        var act = async () =>
        {
            await foreach (var _ in server.Client().ServerStreamingAsync(TaskHubMethods.GetWorkItems, new GetWorkItemsRequest(), WorkItem.Parser, ct: cts.Token))
            {
                await cts.CancelAsync();
            }
        };

        await act.Should().ThrowAsync<OperationCanceledException>();
        await serverSawCancel.Task.WaitAsync(Patience);
    }

    [Fact]
    public async Task Unknown_method_answers_UNIMPLEMENTED()
    {
        await using var server = await GrpcTestServer.StartAsync(e =>
        {
            e.MapGrpcUnary(TaskHubMethods.Hello, Empty.Parser, (_, _) => Task.FromResult(new Empty()));
            e.MapGrpcUnimplemented();
        });

        var act = () => server.Client().UnaryAsync(TaskHubMethods.PurgeInstances, new PurgeInstancesRequest { InstanceId = "x" }, PurgeInstancesResponse.Parser);

        (await act.Should().ThrowAsync<GrpcCallException>()).Which.Status.Should().Be(GrpcStatusCode.Unimplemented);
    }

    [Fact]
    public async Task Non_grpc_content_type_is_refused_with_HTTP_415()
    {
        // Spec: a server receiving an unsupported content-type answers HTTP 415.
        await using var server = await GrpcTestServer.StartAsync(e => e.MapGrpcUnary(TaskHubMethods.Hello, Empty.Parser, (_, _) => Task.FromResult(new Empty())));
        using var http = GrpcClient.CreateHttpClient(server.Address);

        using var response = await http.PostAsync(TaskHubMethods.Hello[1..], new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Compressed_request_encoding_is_refused_with_UNIMPLEMENTED_and_identity_advertised()
    {
        await using var server = await GrpcTestServer.StartAsync(e => e.MapGrpcUnary(TaskHubMethods.Hello, Empty.Parser, (_, _) => Task.FromResult(new Empty())));

        var act = () => server.Client().UnaryAsync(TaskHubMethods.Hello, new Empty(), Empty.Parser,
            new GrpcCallOptions { Metadata = [new("grpc-encoding", "gzip")] });

        (await act.Should().ThrowAsync<GrpcCallException>()).Which.Status.Should().Be(GrpcStatusCode.Unimplemented);
    }

    [Fact]
    public async Task Default_and_per_call_metadata_and_the_current_traceparent_reach_the_handler()
    {
        var seen = new Dictionary<string, string?>();
        await using var server = await GrpcTestServer.StartAsync(e => e.MapGrpcUnary(TaskHubMethods.Hello, Empty.Parser, (_, call) =>
        {
            foreach (var key in new[] { "dapr-api-token", "x-call", "traceparent", "te", "user-agent" }) { seen[key] = call.GetMetadata(key); }
            return Task.FromResult(new Empty());
        }));
        using var activity = new Activity("test").SetIdFormat(ActivityIdFormat.W3C).Start();

        await server.Client(new GrpcClientOptions { Metadata = [new("dapr-api-token", "s3cret")] })
            .UnaryAsync(TaskHubMethods.Hello, new Empty(), Empty.Parser, new GrpcCallOptions { Metadata = [new("x-call", "1")] });

        seen["dapr-api-token"].Should().Be("s3cret");
        seen["x-call"].Should().Be("1");
        seen["traceparent"].Should().Be(activity.Id);
        seen["te"].Should().Be("trailers");
        seen["user-agent"].Should().StartWith("daprplatform-grpc/");
    }

    [Fact]
    public async Task Non_200_HTTP_answer_maps_to_the_status_the_spec_assigns()
    {
        // Spec (HTTP to gRPC status mapping): 503 → UNAVAILABLE, 404 → UNIMPLEMENTED.
        await using var server = await GrpcTestServer.StartAsync(e =>
        {
            e.MapPost("/Busy/Call", (HttpContext http) => { http.Response.StatusCode = 503; return Task.CompletedTask; });
        });

        var busy = () => server.Client().UnaryAsync("/Busy/Call", new Empty(), Empty.Parser);
        var missing = () => server.Client().UnaryAsync("/Nobody/Home", new Empty(), Empty.Parser);

        (await busy.Should().ThrowAsync<GrpcCallException>()).Which.Status.Should().Be(GrpcStatusCode.Unavailable);
        (await missing.Should().ThrowAsync<GrpcCallException>()).Which.Status.Should().Be(GrpcStatusCode.Unimplemented);
    }

    [Fact]
    public async Task Unreachable_server_is_UNAVAILABLE()
    {
        Uri address;
        await using (var server = await GrpcTestServer.StartAsync(_ => { }))
        {
            address = server.Address;
        }

        var act = () => new GrpcClient(GrpcClient.CreateHttpClient(address)).UnaryAsync(TaskHubMethods.Hello, new Empty(), Empty.Parser);

        (await act.Should().ThrowAsync<GrpcCallException>()).Which.Status.Should().Be(GrpcStatusCode.Unavailable);
    }

    [Fact]
    public async Task Unary_reply_without_a_message_is_INTERNAL()
    {
        await using var server = await GrpcTestServer.StartAsync(e => e.MapGrpcServerStreaming<Empty, Empty>(TaskHubMethods.Hello, Empty.Parser, (_, _, _) => Task.CompletedTask));

        var act = () => server.Client().UnaryAsync(TaskHubMethods.Hello, new Empty(), Empty.Parser);

        (await act.Should().ThrowAsync<GrpcCallException>()).Which.Status.Should().Be(GrpcStatusCode.Internal);
    }
}
