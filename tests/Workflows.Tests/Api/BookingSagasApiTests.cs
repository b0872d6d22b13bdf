using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DaprPlatform.TestSupport;
using DaprPlatform.Workflows.BookingPayment;
using DaprPlatform.Workflows.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace DaprPlatform.Workflows.Tests.Api;

/// <summary>
/// The booking service's handle on its sagas (/internal/booking-payments, /internal/booking-cancellations) and the relay from
/// payment.* events to the <c>payment-result</c> workflow event, on the workflows app with its DevHost sidecar: the sagas run in
/// the official SDK's worker against tutoring, booking and payments stand-ins.
/// </summary>
[Collection(WorkflowsAppCollection.Name)]
public sealed class BookingSagasApiTests(WorkflowsApp platform)
{
    private static readonly MoneyAmount Price = new(4500, "USD");
    private static readonly Guid StudentId = Guid.Parse("0195f0c4-7a7e-7c1e-9a59-5f2a0d6c1b42");

    [Fact]
    public async Task A_booking_saga_starts_under_the_booking_s_instance_id_waits_for_the_payment_and_confirms_on_payment_succeeded()
    {
        var (bookingId, paymentId) = Arrange();
        using var booking = platform.Client("booking");

        using var response = await booking.PostAsJsonAsync("/internal/booking-payments", ValidStart(bookingId));

        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instanceId").GetString().Should().Be(Instance(bookingId));
        var waiting = await platform.StatusUntilAsync($"/internal/booking-payments/{bookingId}", s => s.GetProperty("step").GetString() == BookingSteps.AwaitingPayment, "booking");
        waiting.GetProperty("status").GetString().Should().Be("RUNNING");
        waiting.GetProperty("studentId").GetGuid().Should().Be(StudentId);
        var hold = platform.Callees["tutoring"].To("POST", "/internal/holds").Single(r => r.Body.Contains(bookingId.ToString(), StringComparison.Ordinal));
        JsonDocument.Parse(hold.Body).RootElement.GetProperty("holdMinutes").GetInt32().Should().Be(7, "the configured 2-minute window plus the 5-minute margin");

        using var client = platform.Client();
        (await DeliverAsync(client, "/events/payment-succeeded", new { paymentId, bookingId, status = "succeeded", workflowInstanceId = Instance(bookingId) })).Should().Be("SUCCESS");

        var done = await platform.StatusUntilAsync($"/internal/booking-payments/{bookingId}", WorkflowsApp.Ended, "booking");
        done.GetProperty("status").GetString().Should().Be("COMPLETED", done.ToString());
        done.GetProperty("outcome").GetString().Should().Be(BookingOutcomes.Confirmed);
        done.GetProperty("step").GetString().Should().Be(BookingSteps.Confirmed);
        platform.Callees["tutoring"].To("POST", $"/internal/holds/{bookingId}/book").Should().ContainSingle().Which.IdempotencyKey.Should().Be($"{Instance(bookingId)}:BookSlot");
    }

    [Fact]
    public async Task A_step_refused_by_the_callee_ends_the_saga_at_once_with_the_callee_s_reason_and_undoes_it()
    {
        var (bookingId, _) = Arrange();
        platform.Callees["payments"].Routes["POST /internal/payments/intents"] = r => r.Body.Contains(bookingId.ToString(), StringComparison.Ordinal)
            ? Results.Problem("The amount is below the minimum charge.", statusCode: StatusCodes.Status422UnprocessableEntity)
            : Intent(r);
        using var booking = platform.Client("booking");

        (await booking.PostAsJsonAsync("/internal/booking-payments", ValidStart(bookingId))).StatusCode.Should().Be(HttpStatusCode.Accepted);

        var done = await platform.StatusUntilAsync($"/internal/booking-payments/{bookingId}", WorkflowsApp.Ended, "booking");
        done.GetProperty("outcome").GetString().Should().Be(BookingOutcomes.Cancelled, done.ToString());
        done.GetProperty("reason").GetString().Should().Be("payment-unavailable: payments refused (422): The amount is below the minimum charge");
        platform.Callees["booking"].To("POST", $"/internal/bookings/{bookingId}/cancel").Should().ContainSingle();
        platform.Callees["tutoring"].To("POST", $"/internal/holds/{bookingId}/release").Should().ContainSingle();
    }

    [Fact]
    public async Task Starting_a_booking_that_already_has_a_saga_is_a_conflict()
    {
        var (bookingId, _) = Arrange();
        using var booking = platform.Client("booking");
        (await booking.PostAsJsonAsync("/internal/booking-payments", ValidStart(bookingId))).StatusCode.Should().Be(HttpStatusCode.Accepted);

        using var again = await booking.PostAsJsonAsync("/internal/booking-payments", ValidStart(bookingId));

        again.StatusCode.Should().Be(HttpStatusCode.Conflict);
        await again.ReadProblemAsync();
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("02:56:00")]
    public void A_payment_window_the_slot_hold_cannot_cover_stops_the_app_at_start(string timeout)
    {
        // Tutoring holds a slot for at most 3 h and the hold outlives the window by 5 min: a longer window would make
        // every HoldSlot fail, so the app refuses the setting instead of starting.
        using var factory = platform.Host.App.WithWebHostBuilder(web => web.UseSetting("BookingPayment:PaymentTimeout", timeout));

        var start = () => factory.CreateClient();

        start.Should().Throw<Microsoft.Extensions.Options.OptionsValidationException>().WithMessage("*PaymentTimeout*");
    }

    public static TheoryData<string, string, string[]> BadStarts() => new()
    {
        { "no body fields", "{}", ["bookingId", "studentId", "tutorId", "studentName", "subject", "start", "durationMinutes"] },
        { "wrong instance id", Json(ValidStart(Guid.NewGuid()) with { InstanceId = "booking-other" }), ["instanceId"] },
        { "empty ids", Json(ValidStart(Guid.NewGuid()) with { StudentId = Guid.Empty, TutorId = Guid.Empty }), ["studentId", "tutorId"] },
        { "blank names", Json(ValidStart(Guid.NewGuid()) with { StudentName = "  ", Subject = "" }), ["studentName", "subject"] },
        { "subject too long", Json(ValidStart(Guid.NewGuid()) with { Subject = new string('x', 81) }), ["subject"] },
        { "zero duration", Json(ValidStart(Guid.NewGuid()) with { DurationMinutes = 0 }), ["durationMinutes"] },
        { "a day and more", Json(ValidStart(Guid.NewGuid()) with { DurationMinutes = 1441 }), ["durationMinutes"] },
        { "malformed JSON", "{\"bookingId\":", [] },
    };

    [Theory]
    [MemberData(nameof(BadStarts))]
    public async Task Bad_start_requests_are_field_problems_and_start_nothing(string _, string body, string[] fields)
    {
        using var client = platform.Client("booking");

        using var response = await client.PostAsync("/internal/booking-payments", new StringContent(body, Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.ReadProblemAsync()).FieldErrors().Should().BeEquivalentTo(fields);
        if (JsonDocument.Parse(body.EndsWith(':') ? "{}" : body).RootElement.TryGetProperty("bookingId", out var id) && id.TryGetGuid(out var bookingId))
        {
            (await platform.Workflows.GetWorkflowStateAsync(Instance(bookingId)))?.Exists.Should().NotBe(true);
        }
    }

    public static TheoryData<string, string, string, string[]> BadSagaRequests() => new()
    {
        { "cancellation without fields", "POST", "/internal/booking-cancellations", ["bookingId", "requestedBy"] },
        { "withdrawal by a stranger", "POST", $"/internal/booking-payments/{Guid.NewGuid()}/withdraw", ["requestedBy"] },
    };

    [Theory]
    [MemberData(nameof(BadSagaRequests))]
    public async Task Bad_cancellations_and_withdrawals_are_field_problems(string _, string method, string path, string[] fields)
    {
        using var client = platform.Client("booking");
        var body = path.EndsWith("/withdraw", StringComparison.Ordinal) ? """{"requestedBy":"admin"}""" : """{"bookingId":"00000000-0000-0000-0000-000000000000","requestedBy":"admin"}""";

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(body, Encoding.UTF8, "application/json") });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.ReadProblemAsync()).FieldErrors().Should().BeEquivalentTo(fields);
    }

    public static TheoryData<string, string> SagaRoutes() => new()
    {
        { "POST", "/internal/booking-payments" },
        { "GET", $"/internal/booking-payments/{Guid.NewGuid()}" },
        { "POST", $"/internal/booking-payments/{Guid.NewGuid()}/withdraw" },
        { "POST", "/internal/booking-cancellations" },
        { "GET", $"/internal/booking-cancellations/{Guid.NewGuid()}" },
    };

    [Theory]
    [MemberData(nameof(SagaRoutes))]
    public async Task Only_the_booking_app_through_its_sidecar_may_use_the_saga_routes(string method, string path)
    {
        foreach (var caller in new string?[] { null, "gateway", "payments" })
        {
            using var client = platform.Client(caller);
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method == "POST") { request.Content = JsonContent.Create(ValidStart(Guid.NewGuid())); }

            using var response = await client.SendAsync(request);

            response.StatusCode.Should().Be(HttpStatusCode.Forbidden, $"caller {caller ?? "(none)"}");
        }
    }

    [Fact]
    public async Task Unknown_sagas_are_404()
    {
        using var client = platform.Client("booking");

        (await client.GetAsync($"/internal/booking-payments/{Guid.NewGuid()}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await client.GetAsync($"/internal/booking-cancellations/{Guid.NewGuid()}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await client.PostAsJsonAsync($"/internal/booking-payments/{Guid.NewGuid()}/withdraw", new { requestedBy = "student" })).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_withdrawal_while_waiting_cancels_and_undoes_and_a_second_one_is_a_conflict()
    {
        var (bookingId, paymentId) = Arrange();
        using var booking = platform.Client("booking");
        (await booking.PostAsJsonAsync("/internal/booking-payments", ValidStart(bookingId))).StatusCode.Should().Be(HttpStatusCode.Accepted);
        await platform.StatusUntilAsync($"/internal/booking-payments/{bookingId}", s => s.GetProperty("step").GetString() == BookingSteps.AwaitingPayment, "booking");

        using var accepted = await booking.PostAsJsonAsync($"/internal/booking-payments/{bookingId}/withdraw", new { requestedBy = "tutor", reason = "sick" });

        accepted.StatusCode.Should().Be(HttpStatusCode.Accepted, await accepted.Content.ReadAsStringAsync());
        var done = await platform.StatusUntilAsync($"/internal/booking-payments/{bookingId}", WorkflowsApp.Ended, "booking");
        done.GetProperty("outcome").GetString().Should().Be(BookingOutcomes.Cancelled);
        done.GetProperty("reason").GetString().Should().Be("withdrawn by the tutor: sick");
        platform.Callees["payments"].To("POST", $"/internal/payments/{paymentId}/void").Should().ContainSingle();
        using var ended = await booking.PostAsJsonAsync($"/internal/booking-payments/{bookingId}/withdraw", new { requestedBy = "student" });
        ended.StatusCode.Should().Be(HttpStatusCode.Conflict);

        // A payment result arriving after the end is acknowledged and not raised.
        using var client = platform.Client();
        (await DeliverAsync(client, "/events/payment-succeeded", new { paymentId, bookingId, workflowInstanceId = Instance(bookingId) })).Should().Be("SUCCESS");
    }

    [Fact]
    public async Task A_cancellation_starts_once_per_booking_and_a_repeat_answers_the_same_instance()
    {
        var bookingId = Guid.NewGuid();
        var cancelId = $"booking-cancel-{bookingId:N}";
        platform.Callees["booking"].Routes[$"GET /internal/bookings/{bookingId}/refund-quote"] = _ => Results.Problem("The booking is already cancelled.", statusCode: 409);
        using var client = platform.Client("booking");
        var requestedAt = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

        using var first = await client.PostAsJsonAsync("/internal/booking-cancellations", new { bookingId, requestedBy = "student", requestedAt, reason = "ill" });
        first.StatusCode.Should().Be(HttpStatusCode.Accepted, await first.Content.ReadAsStringAsync());
        using var again = await client.PostAsJsonAsync("/internal/booking-cancellations", new { bookingId, requestedBy = "student", requestedAt });
        again.StatusCode.Should().Be(HttpStatusCode.Accepted);
        (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instanceId").GetString().Should().Be(cancelId);

        var done = await platform.StatusUntilAsync($"/internal/booking-cancellations/{bookingId}", WorkflowsApp.Ended, "booking");
        done.GetProperty("outcome").GetString().Should().Be(BookingOutcomes.NotCancellable, done.ToString());
        platform.Callees["booking"].To("GET", $"/internal/bookings/{bookingId}/refund-quote").Should().ContainSingle("the repeat started nothing");
    }

    [Fact]
    public async Task A_payment_event_naming_no_saga_is_dropped()
    {
        using var client = platform.Client();

        (await DeliverAsync(client, "/events/payment-failed", new { paymentId = Guid.NewGuid(), bookingId = Guid.NewGuid() })).Should().Be("DROP");
    }

    [Fact]
    public async Task A_sidecar_that_cannot_be_reached_gets_the_delivery_retried()
    {
        // The same app in a test server, its sidecar endpoints pointed at ports nobody listens on.
        using var cut = new ServiceFactory<Program>(new Dictionary<string, string?>());
        using var client = cut.CreateClient();

        (await DeliverAsync(client, "/events/payment-failed", new { paymentId = Guid.NewGuid(), bookingId = Guid.NewGuid(), workflowInstanceId = "booking-x" })).Should().Be("RETRY");
    }

    [Fact]
    public async Task The_app_subscribes_to_both_payment_topics_with_their_dead_letter_topics()
    {
        using var client = platform.Client();

        var subscriptions = await client.GetFromJsonAsync<JsonElement>("/dapr/subscribe");

        subscriptions.EnumerateArray().Select(s => (s.GetProperty("pubsubName").GetString(), s.GetProperty("topic").GetString(), Route(s), s.GetProperty("deadLetterTopic").GetString()))
            .Should().BeEquivalentTo(new[]
            {
                ("pubsub", "payment.succeeded", "events/payment-succeeded", "payment.succeeded.deadletter"),
                ("pubsub", "payment.failed", "events/payment-failed", "payment.failed.deadletter"),
            });
    }

    private static string? Route(JsonElement subscription) =>
        (subscription.TryGetProperty("route", out var route) ? route.GetString() : subscription.GetProperty("routes").GetProperty("default").GetString())?.TrimStart('/');

    private static string Instance(Guid bookingId) => BookingSagasApi.PaymentInstanceId(bookingId);

    private static StartBookingPaymentRequest ValidStart(Guid bookingId) =>
        new(bookingId, Instance(bookingId), StudentId, "Sam Student", Guid.NewGuid(), new DateTimeOffset(2026, 12, 1, 15, 0, 0, TimeSpan.Zero), 60, "algebra");

    private static string Json(object value) => JsonSerializer.Serialize(value, JsonSerializerOptions.Web);

    /// <summary>Tutoring, booking and payments answering every step of this booking; returns its payment id.</summary>
    private (Guid BookingId, Guid PaymentId) Arrange()
    {
        var bookingId = Guid.NewGuid();
        var paymentId = PaymentFor(bookingId);
        var (tutoring, booking, payments) = (platform.Callees["tutoring"], platform.Callees["booking"], platform.Callees["payments"]);
        var start = new DateTimeOffset(2026, 12, 1, 15, 0, 0, TimeSpan.Zero);
        tutoring.Routes["POST /internal/holds"] = _ => Results.Json(new { tutorName = "Tina Tutor", start, end = start.AddHours(1), price = Price }, statusCode: 201);
        tutoring.Routes[$"POST /internal/holds/{bookingId}/book"] = _ => Results.Ok();
        tutoring.Routes[$"POST /internal/holds/{bookingId}/release"] = _ => Results.Ok();
        booking.Routes["POST /internal/bookings"] = _ => Results.Created();
        booking.Routes[$"POST /internal/bookings/{bookingId}/awaiting-payment"] = _ => Results.Ok();
        booking.Routes[$"POST /internal/bookings/{bookingId}/confirm"] = _ => Results.Ok();
        booking.Routes[$"POST /internal/bookings/{bookingId}/cancel"] = _ => Results.Ok();
        payments.Routes.TryAdd("POST /internal/payments/intents", Intent);
        payments.Routes[$"POST /internal/payments/{paymentId}/void"] = _ => Results.Ok();
        return (bookingId, paymentId);
    }

    /// <summary>Payments' answer: one intent per booking, its id derived from the booking's.</summary>
    private static IResult Intent(CalleeRequest request)
    {
        var bookingId = JsonDocument.Parse(request.Body).RootElement.GetProperty("bookingId").GetGuid();
        return Results.Json(new { paymentId = PaymentFor(bookingId), paymentIntentId = $"pi_{bookingId:N}" }, statusCode: 201);
    }

    private static Guid PaymentFor(Guid bookingId) => new(System.Security.Cryptography.MD5.HashData(bookingId.ToByteArray()));

    /// <summary>Delivers a CloudEvent the way the sidecar does and returns the app's SUCCESS / RETRY / DROP.</summary>
    private static async Task<string> DeliverAsync(HttpClient client, string route, object data)
    {
        var cloudEvent = new { specversion = "1.0", id = Guid.NewGuid().ToString(), source = "payments", type = "com.dapr.event.sent", datacontenttype = "application/json", topic = "payment", pubsubname = "pubsub", data };
        using var content = new StringContent(JsonSerializer.Serialize(cloudEvent), Encoding.UTF8, "application/cloudevents+json");
        using var response = await client.PostAsync(route, content);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString()!;
    }
}
