using System.Net;
using System.Text;
using System.Text.Json;

namespace DaprPlatform.Sidecar.Tests.Subscriptions;

public sealed class SubscriptionTests
{
    private const string TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private static StringContent CloudEvent(string dataJson, string id = "evt-1", string contentType = "application/cloudevents+json", string dataField = "data") =>
        new($$"""
            {"id":"{{id}}","source":"identity","type":"com.dapr.event.sent","specversion":"1.0",
             "topic":"user.registered","pubsubname":"pubsub","time":"2026-01-02T03:04:05Z",
             "traceparent":"{{TraceParent}}","datacontenttype":"application/json",
             "{{dataField}}":{{dataJson}}}
            """, Encoding.UTF8, contentType);

    private static async Task<string?> StatusOf(HttpResponseMessage response)
    {
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString();
    }

    [Fact]
    public async Task Dapr_subscribe_lists_v1_programmatic_subscriptions()
    {
        // App-side subscription: GET /dapr/subscribe → 200 JSON array of {pubsubname, topic, route, deadLetterTopic?}.
        await using var app = await SubscriptionApp.StartAsync();

        using var response = await app.Http.GetAsync("/dapr/subscribe");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        var items = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray().ToList();
        items.Should().HaveCount(2);
        items[0].GetProperty("pubsubname").GetString().Should().Be("pubsub");
        items[0].GetProperty("topic").GetString().Should().Be("user.registered");
        items[0].GetProperty("route").GetString().Should().Be("/events/user-registered");
        items[0].GetProperty("deadLetterTopic").GetString().Should().Be("user.registered.dead");
        items[1].GetProperty("route").GetString().Should().Be("/events/notes");
        items[1].TryGetProperty("deadLetterTopic", out _).Should().BeFalse();
    }

    [Fact]
    public async Task Delivery_unwraps_data_into_the_record_and_replies_SUCCESS()
    {
        // Delivery: POST {route} with application/cloudevents+json; 2xx {"status":"SUCCESS"} acks.
        await using var app = await SubscriptionApp.StartAsync();
        var userId = Guid.NewGuid();

        using var response = await app.Http.PostAsync("/events/user-registered", CloudEvent($$"""{"userId":"{{userId}}","email":"ada@example.com"}"""));

        (await StatusOf(response)).Should().Be("SUCCESS");
        var (data, envelope, traceId) = app.Handled.Items.Should().ContainSingle().Subject;
        data.Should().Be(new UserRegistered(userId, "ada@example.com"));
        envelope.Id.Should().Be("evt-1");
        envelope.Source.Should().Be("identity");
        envelope.Type.Should().Be("com.dapr.event.sent");
        envelope.SpecVersion.Should().Be("1.0");
        envelope.Topic.Should().Be("user.registered");
        envelope.PubSubName.Should().Be("pubsub");
        envelope.Time.Should().Be(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        envelope.DataContentType.Should().Be("application/json");
        envelope.Data.GetProperty("email").GetString().Should().Be("ada@example.com");
        traceId.Should().Be("4bf92f3577b34da6a3ce929d0e0e4736", "the handler runs under the CloudEvent's traceparent");
    }

    [Fact]
    public async Task Plain_application_json_CloudEvents_are_accepted_too()
    {
        await using var app = await SubscriptionApp.StartAsync();

        using var response = await app.Http.PostAsync("/events/user-registered", CloudEvent("""{"userId":"00000000-0000-0000-0000-000000000001","email":"a@b.c"}""", contentType: "application/json"));

        (await StatusOf(response)).Should().Be("SUCCESS");
    }

    [Fact]
    public async Task Data_base64_is_decoded_before_deserializing()
    {
        // CloudEvents: binary payloads travel base64-encoded in data_base64.
        await using var app = await SubscriptionApp.StartAsync();
        var base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"userId":"00000000-0000-0000-0000-000000000002","email":"b64@example.com"}"""));

        using var response = await app.Http.PostAsync("/events/user-registered", CloudEvent($"\"{base64}\"", dataField: "data_base64"));

        (await StatusOf(response)).Should().Be("SUCCESS");
        app.Handled.Items.Single().Data.Email.Should().Be("b64@example.com");
    }

    [Theory]
    [InlineData("retry@example.com", "RETRY")]
    [InlineData("drop@example.com", "DROP")]
    [InlineData("throw@example.com", "RETRY")]
    public async Task Handler_outcome_maps_to_the_reply_contract(string email, string expected)
    {
        // Delivery reply contract: {"status":"SUCCESS"|"RETRY"|"DROP"}; a handler exception asks for a retry.
        await using var app = await SubscriptionApp.StartAsync();

        using var response = await app.Http.PostAsync("/events/user-registered", CloudEvent($$"""{"userId":"00000000-0000-0000-0000-000000000003","email":"{{email}}"}"""));

        (await StatusOf(response)).Should().Be(expected);
    }

    [Theory]
    [InlineData("\"not an object\"")]
    [InlineData("{\"userId\":\"not-a-guid\",\"email\":\"x\"}")]
    [InlineData("null")]
    public async Task Data_that_cannot_become_the_record_is_DROPped_without_calling_the_handler(string data)
    {
        // Delivery reply contract: DROP for a message that can never succeed (it goes to the dead-letter topic).
        await using var app = await SubscriptionApp.StartAsync();

        using var response = await app.Http.PostAsync("/events/user-registered", CloudEvent(data));

        (await StatusOf(response)).Should().Be("DROP");
        app.Handled.Items.Should().BeEmpty();
    }

    [Fact]
    public async Task A_body_that_is_not_a_CloudEvent_is_DROPped()
    {
        await using var app = await SubscriptionApp.StartAsync();

        using var notJson = await app.Http.PostAsync("/events/user-registered", new StringContent("{oops", Encoding.UTF8, "application/cloudevents+json"));
        using var noId = await app.Http.PostAsync("/events/user-registered", new StringContent("""{"data":{}}""", Encoding.UTF8, "application/cloudevents+json"));

        (await StatusOf(notJson)).Should().Be("DROP");
        (await StatusOf(noId)).Should().Be("DROP");
    }

    [Fact]
    public async Task String_data_reaches_a_string_handler()
    {
        await using var app = await SubscriptionApp.StartAsync();

        using var response = await app.Http.PostAsync("/events/notes", CloudEvent("\"ok\""));

        (await StatusOf(response)).Should().Be("SUCCESS");
    }

    [Fact]
    public async Task App_token_is_required_on_sidecar_calls_when_APP_API_TOKEN_is_set()
    {
        // App API token: sidecar→app calls carry dapr-api-token = APP_API_TOKEN; health probes are exempt.
        await using var app = await SubscriptionApp.StartAsync(appApiToken: "app-secret");

        using var without = await app.Http.GetAsync("/dapr/subscribe");
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/dapr/subscribe");
        wrong.Headers.Add("dapr-api-token", "app-secreT");
        using var wrongResponse = await app.Http.SendAsync(wrong);
        using var with = new HttpRequestMessage(HttpMethod.Get, "/dapr/subscribe");
        with.Headers.Add("dapr-api-token", "app-secret");
        using var withResponse = await app.Http.SendAsync(with);
        using var health = await app.Http.GetAsync("/healthz");
        using var publicRoute = await app.Http.GetAsync("/api/public");

        without.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        without.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        JsonDocument.Parse(await without.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetInt32().Should().Be(401);
        wrongResponse.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        withResponse.StatusCode.Should().Be(HttpStatusCode.OK);
        health.StatusCode.Should().Be(HttpStatusCode.OK);
        publicRoute.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "requireForAllRoutes defaults to true");
    }

    [Fact]
    public async Task App_token_can_be_limited_to_sidecar_routes()
    {
        await using var app = await SubscriptionApp.StartAsync(appApiToken: "app-secret", requireForAllRoutes: false);

        using var publicRoute = await app.Http.GetAsync("/api/public");
        using var delivery = await app.Http.PostAsync("/events/user-registered", CloudEvent("""{"userId":"00000000-0000-0000-0000-000000000004","email":"a@b.c"}"""));

        publicRoute.StatusCode.Should().Be(HttpStatusCode.OK);
        delivery.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        app.Handled.Items.Should().BeEmpty();
    }

    [Fact]
    public async Task No_APP_API_TOKEN_means_no_check()
    {
        await using var app = await SubscriptionApp.StartAsync(appApiToken: null);

        using var response = await app.Http.GetAsync("/dapr/subscribe");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
