using System.Diagnostics;
using System.Net;
using DaprPlatform.Sidecar.Actors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Sidecar.Tests.Actors;

/// <summary>The typed proxy's wire format against a sidecar that only records and answers.</summary>
public sealed class ActorProxyTests : IAsyncLifetime
{
    private readonly List<SidecarCall> _calls = [];
    private Func<HttpContext, Task> _answer = context =>
    {
        context.Response.StatusCode = 200;
        return Task.CompletedTask;
    };

    private WebApplication _sidecar = null!;
    private HttpClient _http = null!;
    private ActorProxyFactory _factory = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _sidecar = builder.Build();
        _sidecar.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            lock (_calls)
            {
                // The raw target shows the escaping on the wire; Request.Path is already decoded.
                _calls.Add(new SidecarCall(context.Request.Method, context.Features.Get<IHttpRequestFeature>()!.RawTarget, context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()), body));
            }

            await _answer(context);
        });
        await _sidecar.StartAsync();
        _http = new HttpClient();
        _factory = new ActorProxyFactory(new SidecarClient(_http, new SidecarOptions { HttpEndpoint = new Uri(_sidecar.Urls.First()), ApiToken = "tok" }));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _sidecar.StopAsync();
        await _sidecar.DisposeAsync();
    }

    [Fact]
    public async Task Typed_call_is_a_put_to_the_actor_method_route_with_a_json_body()
    {
        // Rule (actor invoke): /v1.0/actors/{type}/{id}/method/{method}; the upstream status and body come back.
        _answer = context => Json(context, "12");
        var counter = _factory.CreateActorProxy<ICounterActor>(new ActorId("chan 1"), "Counter");

        var result = await counter.IncrementAsync(5);

        result.Should().Be(12);
        var call = _calls.Should().ContainSingle().Subject;
        call.Method.Should().Be("PUT");
        call.Path.Should().Be("/v1.0/actors/Counter/chan%201/method/IncrementAsync");
        call.Body.Should().Be("5");
        call.Header("content-type").Should().Be("application/json");
        call.Header("dapr-api-token").Should().Be("tok");
        call.Header("traceparent").Should().MatchRegex("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$");
        call.Header("Dapr-Reentrancy-Id").Should().BeNull("outside an actor turn there is no reentrancy chain");
    }

    [Fact]
    public async Task Record_argument_is_camel_case_json_and_cancellation_token_is_not_sent()
    {
        _answer = context => Json(context, "\"hi\"");
        var counter = _factory.CreateActorProxy<ICounterActor>(new ActorId("a"), "Counter");

        var result = await counter.GreetAsync(new Greeting("zed", 1), CancellationToken.None);

        result.Should().Be("hi");
        _calls.Single().Body.Should().Be("""{"name":"zed","times":1}""");
    }

    [Fact]
    public async Task Parameterless_call_sends_no_body_and_plain_task_accepts_an_empty_200()
    {
        var counter = _factory.CreateActorProxy<ICounterActor>(new ActorId("a"), "Counter");

        await counter.ResetAsync();

        _calls.Single().Body.Should().BeEmpty();
        _calls.Single().Path.Should().EndWith("/method/ResetAsync");
    }

    [Fact]
    public async Task Current_trace_context_is_propagated()
    {
        using var activity = new Activity("caller").SetIdFormat(ActivityIdFormat.W3C).Start();
        var counter = _factory.CreateActorProxy<ICounterActor>(new ActorId("a"), "Counter");

        await counter.ResetAsync();

        _calls.Single().Header("traceparent").Should().Contain(activity.TraceId.ToString());
    }

    [Fact]
    public async Task Sidecar_error_surfaces_as_actor_method_invocation_exception_with_status_and_code()
    {
        // Rule: actor invoke errors come back as 500 ERR_ACTOR_INVOKE_METHOD.
        _answer = context =>
        {
            context.Response.StatusCode = 500;
            return context.Response.WriteAsync("""{"errorCode":"ERR_ACTOR_INVOKE_METHOD","message":"boom"}""");
        };
        var counter = _factory.CreateActorProxy<ICounterActor>(new ActorId("a"), "Counter");

        var call = () => counter.GetAsync();

        var error = (await call.Should().ThrowAsync<ActorMethodInvocationException>()).Which;
        error.StatusCode.Should().Be(500);
        error.ErrorCode.Should().Be("ERR_ACTOR_INVOKE_METHOD");
        error.ActorType.Should().Be("Counter");
        error.Method.Should().Be("GetAsync");
        error.ResponseBody.Should().Contain("boom");
    }

    [Fact]
    public async Task A_200_marked_with_X_DaprErrorResponseHeader_is_an_error()
    {
        // The .NET SDK convention: an actor error can arrive as 200 plus X-DaprErrorResponseHeader.
        _answer = context =>
        {
            context.Response.Headers[ActorEndpointRouteBuilderExtensions.ErrorResponseHeader] = "true";
            return Json(context, """{"message":"actor threw"}""");
        };
        var counter = _factory.CreateActorProxy<ICounterActor>(new ActorId("a"), "Counter");

        var call = () => counter.GetAsync();

        (await call.Should().ThrowAsync<ActorMethodInvocationException>()).Which.StatusCode.Should().Be(200);
    }

    [Fact]
    public async Task Untyped_proxy_calls_methods_by_name()
    {
        _answer = context => Json(context, """{"name":"n","times":3}""");
        var proxy = _factory.Create(new ActorId("u"), "Counter");

        var result = await proxy.InvokeMethodAsync<Greeting, Greeting>("Echo", new Greeting("n", 3));

        result.Should().Be(new Greeting("n", 3));
        _calls.Single().Path.Should().Be("/v1.0/actors/Counter/u/method/Echo");
    }

    [Fact]
    public async Task Unreadable_result_is_reported_not_swallowed()
    {
        _answer = context => Json(context, "not-json");
        var counter = _factory.CreateActorProxy<ICounterActor>(new ActorId("a"), "Counter");

        var call = () => counter.GetAsync();

        await call.Should().ThrowAsync<InvalidOperationException>();
    }

    [Fact]
    public void Only_actor_interfaces_can_be_proxied()
    {
        var create = () => _factory.CreateActorProxy<IActor>(new ActorId("a"), "Counter");
        var blankType = () => _factory.Create(new ActorId("a"), " ");
        var blankId = () => _factory.Create(new ActorId(""), "Counter");

        create.Should().NotThrow("IActor itself is an interface with no methods");
        blankType.Should().Throw<ArgumentException>();
        blankId.Should().Throw<ArgumentException>();
    }

    private static Task Json(HttpContext context, string json)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(json);
    }
}
