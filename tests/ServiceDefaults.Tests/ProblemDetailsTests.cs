using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DaprPlatform.ServiceDefaults.Tests.Infrastructure;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DaprPlatform.ServiceDefaults.Tests;

public sealed record EchoRequest(string Text, int Count);

/// <summary>RFC 9457: every error the defaults produce is application/problem+json with status, title and traceId.</summary>
public sealed class ProblemDetailsTests : IAsyncLifetime
{
    private const int MaxBodyBytes = 1024;
    private const int EndpointBodyBytes = 8 * MaxBodyBytes;
    private const string SecretExceptionText = "connection string Password=hunter2 leaked";
    private InProcessApp _app = null!;

    public async Task InitializeAsync() =>
        _app = await InProcessApp.StartAsync(
            MapEndpoints,
            new Dictionary<string, string?> { ["Limits:MaxRequestBodyBytes"] = MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static void MapEndpoints(WebApplication app)
    {
        app.MapPost("/echo", (EchoRequest request) => Results.Ok(request));
        app.MapGet("/typed/{code:int}", Results<Ok<EchoRequest>, NotFoundProblem, ConflictProblem> (int code) => code switch
        {
            404 => Problems.NotFound("No such echo."),
            409 => new ConflictProblem("Echo taken.", "The echo exists.", "https://example.test/echo-taken",
                new Dictionary<string, object?> { ["echo"] = code }),
            _ => TypedResults.Ok(new EchoRequest("hi", code)),
        });
        app.MapPost("/echo-large", (EchoRequest request) => Results.Ok(request))
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(EndpointBodyBytes));
        app.MapGroup("/internal").RequireSidecarCaller().MapGet("/ping", () => Results.Ok("pong"));
        app.MapPost("/api/charges", () => Results.Ok("charged")).RequireSidecarCaller("workflows");
        app.MapGet("/boom", IResult () => throw new InvalidOperationException(SecretExceptionText));
        app.MapPost("/validate", (EchoRequest request) =>
        {
            var errors = new ValidationErrors();
            if (string.IsNullOrWhiteSpace(request.Text))
            {
                errors.Add("text", "Text is required.");
            }

            if (request.Count < 1)
            {
                errors.Add("count", "Count must be at least 1.");
                errors.Add("count", "Count must be odd.");
            }

            return errors.IsEmpty ? Results.Ok(request) : errors.ToProblem();
        });
        app.MapGet("/problems/{kind}", (string kind) => kind switch
        {
            "bad-request" => Problems.BadRequest("bad-request detail"),
            "unauthorized" => Problems.Unauthorized("unauthorized detail"),
            "forbidden" => Problems.Forbidden("forbidden detail"),
            "not-found" => Problems.NotFound("not-found detail"),
            "conflict" => Problems.Conflict("conflict detail"),
            _ => Results.Ok(),
        });
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>The fields every problem body carries, whatever produced it.</summary>
    private static async Task<JsonElement> ReadProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        response.StatusCode.Should().Be(expected);
        var problem = await response.ReadProblemAsync();
        problem.GetProperty("title").GetString().Should().NotBeNullOrWhiteSpace();
        problem.GetProperty("traceId").GetString().Should().NotBeNullOrWhiteSpace();
        return problem;
    }

    [Fact]
    public async Task Valid_json_body_is_accepted()
    {
        // Control for the bad-body cases below: the same endpoint with a good body answers 200.
        using var response = await _app.Client.PostAsync("/echo", Json("""{"text":"hi","count":2}"""));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem()
    {
        using var response = await _app.Client.PostAsync("/echo", Json("""{"text": "unterminated"""));
        var problem = await ReadProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("detail").GetString().Should().Contain("not valid JSON");
    }

    [Fact]
    public async Task Json_of_the_wrong_shape_is_a_400_problem()
    {
        using var response = await _app.Client.PostAsync("/echo", Json("""{"text":"hi","count":"many"}"""));
        await ReadProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Empty_body_for_a_required_json_parameter_is_a_400_problem()
    {
        using var response = await _app.Client.PostAsync("/echo", Json(""));
        await ReadProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Wrong_content_type_is_a_415_problem()
    {
        using var response = await _app.Client.PostAsync("/echo", new StringContent("""{"text":"hi","count":2}""", Encoding.UTF8, "text/plain"));
        await ReadProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Declared_content_length_over_the_limit_is_a_413_problem()
    {
        var body = """{"text":"___TEXT___","count":1}""".Replace("___TEXT___", new string('x', MaxBodyBytes), StringComparison.Ordinal);
        using var content = Json(body);
        content.Headers.ContentLength.Should().BeGreaterThan(MaxBodyBytes);
        using var response = await _app.Client.PostAsync("/echo", content);
        var problem = await ReadProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        problem.GetProperty("title").GetString().Should().Be("The request body is too large.");
    }

    [Fact]
    public async Task Chunked_body_over_the_limit_is_a_413_problem()
    {
        // No Content-Length: Kestrel's MaxRequestBodySize (same Limits:MaxRequestBodyBytes) stops the read.
        var body = Encoding.UTF8.GetBytes("""{"text":"___TEXT___","count":1}""".Replace("___TEXT___", new string('x', MaxBodyBytes * 4), StringComparison.Ordinal));
        using var content = new StreamContent(new NonSeekableStream(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/echo") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await _app.Client.SendAsync(request);
        await ReadProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_endpoint_with_its_own_size_limit_accepts_bodies_over_the_service_limit(bool chunked)
    {
        var body = Encoding.UTF8.GetBytes("""{"text":"___TEXT___","count":1}""".Replace("___TEXT___", new string('x', MaxBodyBytes * 4), StringComparison.Ordinal));
        using HttpContent content = chunked ? new StreamContent(new NonSeekableStream(body)) : new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/echo-large") { Content = content };
        request.Headers.TransferEncodingChunked = chunked;

        using var response = await _app.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_endpoint_with_its_own_size_limit_still_refuses_bodies_over_that_limit()
    {
        var body = """{"text":"___TEXT___","count":1}""".Replace("___TEXT___", new string('x', EndpointBodyBytes), StringComparison.Ordinal);
        using var response = await _app.Client.PostAsync("/echo-large", Json(body));
        await ReadProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Invocation_only_routes_refuse_requests_that_did_not_come_through_a_sidecar()
    {
        // Dapr stamps dapr-caller-app-id on every invocation it forwards; a direct call has none.
        using var direct = await _app.Client.GetAsync("/internal/ping");
        await ReadProblemAsync(direct, HttpStatusCode.Forbidden);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/internal/ping");
        request.Headers.Add(SidecarCallerEndpointExtensions.CallerAppIdHeader, "workflows");
        using var viaSidecar = await _app.Client.SendAsync(request);
        viaSidecar.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Forbidden)]
    [InlineData("gateway", HttpStatusCode.Forbidden)]
    [InlineData("Workflows", HttpStatusCode.Forbidden)]
    [InlineData("workflows", HttpStatusCode.OK)]
    public async Task An_invocation_only_route_under_api_serves_only_the_apps_it_names(string? caller, HttpStatusCode expected)
    {
        // A request the gateway forwards arrives stamped dapr-caller-app-id: gateway; an allow-list keeps it out.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/charges");
        if (caller is not null) { request.Headers.Add(SidecarCallerEndpointExtensions.CallerAppIdHeader, caller); }

        using var response = await _app.Client.SendAsync(request);

        if (expected == HttpStatusCode.OK) { response.StatusCode.Should().Be(HttpStatusCode.OK); }
        else { await ReadProblemAsync(response, expected); }
    }

    [Fact]
    public async Task Body_within_the_limit_is_accepted()
    {
        var body = """{"text":"___TEXT___","count":1}""".Replace("___TEXT___", new string('x', MaxBodyBytes - 40), StringComparison.Ordinal);
        using var response = await _app.Client.PostAsync("/echo", Json(body));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Unmatched_route_is_a_404_problem()
    {
        using var response = await _app.Client.GetAsync("/no/such/route");
        var problem = await ReadProblemAsync(response, HttpStatusCode.NotFound);
        problem.GetProperty("instance").GetString().Should().Be("/no/such/route");
    }

    [Fact]
    public async Task Wrong_method_is_a_405_problem()
    {
        using var response = await _app.Client.DeleteAsync("/echo");
        await ReadProblemAsync(response, HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task Unhandled_exception_is_a_500_problem_without_exception_details()
    {
        using var response = await _app.Client.GetAsync("/boom");
        var problem = await ReadProblemAsync(response, HttpStatusCode.InternalServerError);
        var raw = problem.GetRawText();
        raw.Should().NotContain("hunter2").And.NotContain(nameof(InvalidOperationException)).And.NotContain("at DaprPlatform");
        problem.TryGetProperty("exception", out _).Should().BeFalse();
        problem.GetProperty("service").GetString().Should().Be(InProcessApp.ServiceName);

        // The details go to the log instead, at Error, with the exception attached.
        _app.Logs.Entries.Should().Contain(e =>
            e.Level == Microsoft.Extensions.Logging.LogLevel.Error
            && e.Exception is InvalidOperationException
            && e.Message.Contains("/boom", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validation_errors_are_a_400_problem_listing_every_field()
    {
        using var response = await _app.Client.PostAsync("/validate", Json("""{"text":" ","count":0}"""));
        var problem = await ReadProblemAsync(response, HttpStatusCode.BadRequest);
        problem.FieldErrors().Should().BeEquivalentTo("text", "count");
        var errors = problem.GetProperty("errors");
        errors.GetProperty("text").EnumerateArray().Select(e => e.GetString()).Should().Equal("Text is required.");
        errors.GetProperty("count").EnumerateArray().Select(e => e.GetString()).Should().Equal("Count must be at least 1.", "Count must be odd.");
    }

    [Theory]
    [InlineData("bad-request", HttpStatusCode.BadRequest)]
    [InlineData("unauthorized", HttpStatusCode.Unauthorized)]
    [InlineData("forbidden", HttpStatusCode.Forbidden)]
    [InlineData("not-found", HttpStatusCode.NotFound)]
    [InlineData("conflict", HttpStatusCode.Conflict)]
    public async Task Problems_helpers_answer_their_status_with_title_and_detail(string kind, HttpStatusCode expected)
    {
        using var response = await _app.Client.GetAsync(new Uri($"/problems/{kind}", UriKind.Relative));
        var problem = await ReadProblemAsync(response, expected);
        problem.GetProperty("detail").GetString().Should().Be($"{kind} detail");
    }

    [Fact]
    public async Task Problem_trace_id_is_the_callers_w3c_trace_id()
    {
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        using var request = new HttpRequestMessage(HttpMethod.Get, "/no/such/route");
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        using var response = await _app.Client.SendAsync(request);
        var problem = await ReadProblemAsync(response, HttpStatusCode.NotFound);
        problem.GetProperty("traceId").GetString().Should().Be(traceId);
    }

    [Fact]
    public async Task Swagger_document_declares_the_bearer_scheme()
    {
        using var response = await _app.Client.GetAsync("/swagger/v1/swagger.json");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var scheme = document.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        scheme.GetProperty("scheme").GetString().Should().Be("bearer");
        scheme.GetProperty("bearerFormat").GetString().Should().Be("JWT");
    }

    [Fact]
    public async Task A_typed_problem_answers_problem_json_with_its_status_title_type_and_extensions()
    {
        using var notFound = await _app.Client.GetAsync("/typed/404");
        var missing = await ReadProblemAsync(notFound, HttpStatusCode.NotFound);
        missing.GetProperty("title").GetString().Should().Be("The resource was not found.");
        missing.GetProperty("detail").GetString().Should().Be("No such echo.");

        using var conflict = await _app.Client.GetAsync("/typed/409");
        var taken = await ReadProblemAsync(conflict, HttpStatusCode.Conflict);
        taken.GetProperty("title").GetString().Should().Be("The echo exists.");
        taken.GetProperty("type").GetString().Should().Be("https://example.test/echo-taken");
        taken.GetProperty("echo").GetInt32().Should().Be(409);
    }

    [Fact]
    public async Task A_typed_signature_documents_each_answer_in_the_swagger_document()
    {
        // Results<Ok<T>, NotFoundProblem, ConflictProblem>: no .Produces chain, yet 200, 404 and 409 (problem+json) are listed.
        using var response = await _app.Client.GetAsync("/swagger/v1/swagger.json");
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var responses = document.RootElement.GetProperty("paths").GetProperty("/typed/{code}").GetProperty("get").GetProperty("responses");
        responses.EnumerateObject().Select(r => r.Name).Should().BeEquivalentTo(["200", "404", "409"]);
        responses.GetProperty("404").GetProperty("content").TryGetProperty("application/problem+json", out _).Should().BeTrue();
        responses.GetProperty("409").GetProperty("content").TryGetProperty("application/problem+json", out _).Should().BeTrue();
    }

    /// <summary>Forces HttpClient to stream without a Content-Length.</summary>
    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
