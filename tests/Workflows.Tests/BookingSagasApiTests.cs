using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DaprPlatform.Sidecar;
using DaprPlatform.TestSupport;
using DaprPlatform.Workflows.BookingPayment;
using DaprPlatform.Workflows.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DaprPlatform.Workflows.Tests;

/// <summary>
/// The booking service's handle on its sagas (/internal/booking-payments, /internal/booking-cancellations) and the relay
/// from payment.* events to the <c>payment-result</c> workflow event, against a fake sidecar.
/// </summary>
public sealed class BookingSagasApiTests : IAsyncLifetime
{
    private static readonly Guid BookingId = Guid.Parse("0195f0c4-7a7e-7c1e-9a59-5f2a0d6c1b41");
    private static readonly string InstanceId = $"booking-{BookingId:N}";
    private FakeSidecar _sidecar = null!;
    private WebApplicationFactory<Program> _factory = null!;

    public async Task InitializeAsync()
    {
        _sidecar = await FakeSidecar.StartAsync();
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Testing");
            web.UseSetting("BookingPayment:PaymentTimeout", "00:02:00");
            web.ConfigureTestServices(services =>
            {
                services.Configure<SidecarOptions>(o => o.HttpEndpoint = _sidecar.BaseAddress);
                foreach (var worker in services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Name == "WorkflowWorker").ToList())
                {
                    services.Remove(worker);
                }
            });
        });
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _sidecar.DisposeAsync();
    }

    [Fact]
    public async Task Start_schedules_BookingPayment_under_the_booking_s_instance_id_with_the_configured_payment_window()
    {
        _sidecar.AnswerWorkflowStart(nameof(BookingPaymentWorkflow));
        using var client = BookingCaller();

        using var response = await client.PostAsJsonAsync("/internal/booking-payments", ValidStart());

        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instanceId").GetString().Should().Be(InstanceId);
        var start = _sidecar.CallsTo("POST", $"/v1.0/workflows/dapr/{nameof(BookingPaymentWorkflow)}/start").Single();
        start.PathAndQuery.Should().EndWith($"?instanceID={InstanceId}");
        var input = JsonSerializer.Deserialize<BookingPaymentInput>(start.Body, JsonSerializerOptions.Web)!;
        input.PaymentTimeoutSeconds.Should().Be(120);
        input.StudentName.Should().Be("Sam Student");
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("02:56:00")]
    public void A_payment_window_the_slot_hold_cannot_cover_stops_the_app_at_start(string timeout)
    {
        // Tutoring holds a slot for at most 3 h and the hold outlives the window by 5 min: a longer window would make
        // every HoldSlot fail, so the app refuses the setting instead of starting.
        using var factory = _factory.WithWebHostBuilder(web => web.UseSetting("BookingPayment:PaymentTimeout", timeout));

        var start = () => factory.CreateClient();

        start.Should().Throw<Microsoft.Extensions.Options.OptionsValidationException>().WithMessage("*PaymentTimeout*");
    }

    [Fact]
    public async Task Starting_a_booking_that_already_has_a_saga_is_a_conflict_and_starts_nothing()
    {
        _sidecar.AnswerWorkflowState(InstanceId, nameof(BookingPaymentWorkflow), "RUNNING", new Dictionary<string, string>());
        using var client = BookingCaller();

        using var response = await client.PostAsJsonAsync("/internal/booking-payments", ValidStart());

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        await response.ReadProblemAsync();
        _sidecar.CallsTo("POST", $"/v1.0/workflows/dapr/{nameof(BookingPaymentWorkflow)}/start").Should().BeEmpty();
    }

    public static TheoryData<string, string, string[]> BadStarts() => new()
    {
        { "no body fields", "{}", ["bookingId", "studentId", "tutorId", "studentName", "subject", "start", "durationMinutes"] },
        { "wrong instance id", Json(ValidStart() with { InstanceId = "booking-other" }), ["instanceId"] },
        { "empty ids", Json(ValidStart() with { StudentId = Guid.Empty, TutorId = Guid.Empty }), ["studentId", "tutorId"] },
        { "blank names", Json(ValidStart() with { StudentName = "  ", Subject = "" }), ["studentName", "subject"] },
        { "subject too long", Json(ValidStart() with { Subject = new string('x', 81) }), ["subject"] },
        { "zero duration", Json(ValidStart() with { DurationMinutes = 0 }), ["durationMinutes"] },
        { "a day and more", Json(ValidStart() with { DurationMinutes = 1441 }), ["durationMinutes"] },
    };

    [Theory]
    [MemberData(nameof(BadStarts))]
    public async Task Bad_start_requests_are_field_problems_and_start_nothing(string _, string body, string[] fields)
    {
        using var client = BookingCaller();

        using var response = await client.PostAsync("/internal/booking-payments", new StringContent(body, Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.ReadProblemAsync()).FieldErrors().Should().BeEquivalentTo(fields);
        _sidecar.Calls.Should().NotContain(c => c.PathAndQuery.Contains("/start", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("gateway")]
    [InlineData("payments")]
    public async Task Only_the_booking_app_through_its_sidecar_may_start_a_saga(string? caller)
    {
        using var client = _factory.CreateClient();
        if (caller is not null) { client.DefaultRequestHeaders.Add("dapr-caller-app-id", caller); }

        using var response = await client.PostAsJsonAsync("/internal/booking-payments", ValidStart());

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        _sidecar.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task Status_reports_step_outcome_and_the_student_it_belongs_to()
    {
        _sidecar.AnswerWorkflowState(InstanceId, nameof(BookingPaymentWorkflow), "COMPLETED", new Dictionary<string, string>
        {
            ["dapr.workflow.input"] = Json(new BookingPaymentInput(BookingId, StudentId, "Sam", Guid.NewGuid(), DateTimeOffset.UtcNow, 60, "algebra", 900)),
            ["dapr.workflow.custom_status"] = Json(new BookingProgress(BookingSteps.Cancelled, Guid.NewGuid(), "payment-timeout")),
            ["dapr.workflow.output"] = Json(new BookingPaymentOutput(BookingOutcomes.Cancelled, BookingId, null, "payment-timeout")),
        });
        using var client = BookingCaller();

        var status = await client.GetFromJsonAsync<JsonElement>($"/internal/booking-payments/{BookingId}");

        status.GetProperty("status").GetString().Should().Be("COMPLETED");
        status.GetProperty("step").GetString().Should().Be(BookingSteps.Cancelled);
        status.GetProperty("outcome").GetString().Should().Be(BookingOutcomes.Cancelled);
        status.GetProperty("reason").GetString().Should().Be("payment-timeout");
        status.GetProperty("studentId").GetGuid().Should().Be(StudentId);

        using var unknown = await client.GetAsync($"/internal/booking-payments/{Guid.NewGuid()}");
        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Withdraw_raises_booking_withdrawn_while_running_and_is_a_conflict_once_ended()
    {
        _sidecar.AnswerWorkflowState(InstanceId, nameof(BookingPaymentWorkflow), "RUNNING", new Dictionary<string, string>());
        _sidecar.Answers[$"POST /v1.0/workflows/dapr/{InstanceId}/raiseEvent/{BookingEvents.Withdrawn}"] = new SidecarAnswer(202);
        using var client = BookingCaller();

        using var accepted = await client.PostAsJsonAsync($"/internal/booking-payments/{BookingId}/withdraw", new { requestedBy = "tutor", reason = "sick" });

        accepted.StatusCode.Should().Be(HttpStatusCode.Accepted, await accepted.Content.ReadAsStringAsync());
        var raised = _sidecar.CallsTo("POST", $"/v1.0/workflows/dapr/{InstanceId}/raiseEvent/{BookingEvents.Withdrawn}").Single();
        JsonSerializer.Deserialize<BookingWithdrawal>(raised.Body, JsonSerializerOptions.Web).Should().Be(new BookingWithdrawal("tutor", "sick"));

        _sidecar.AnswerWorkflowState(InstanceId, nameof(BookingPaymentWorkflow), "COMPLETED", new Dictionary<string, string>());
        using var ended = await client.PostAsJsonAsync($"/internal/booking-payments/{BookingId}/withdraw", new { requestedBy = "student" });
        ended.StatusCode.Should().Be(HttpStatusCode.Conflict);

        using var unknown = await client.PostAsJsonAsync($"/internal/booking-payments/{Guid.NewGuid()}/withdraw", new { requestedBy = "student" });
        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
        using var badParty = await client.PostAsJsonAsync($"/internal/booking-payments/{BookingId}/withdraw", new { requestedBy = "admin" });
        (await badParty.ReadProblemAsync()).FieldErrors().Should().Equal("requestedBy");
    }

    [Fact]
    public async Task A_cancellation_starts_once_per_booking_and_a_repeat_answers_the_same_instance()
    {
        var cancelId = $"booking-cancel-{BookingId:N}";
        _sidecar.AnswerWorkflowStart(nameof(BookingCancellationWorkflow));
        using var client = BookingCaller();
        var requestedAt = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

        using var first = await client.PostAsJsonAsync("/internal/booking-cancellations", new { bookingId = BookingId, requestedBy = "student", requestedAt, reason = "ill" });
        first.StatusCode.Should().Be(HttpStatusCode.Accepted, await first.Content.ReadAsStringAsync());
        var input = JsonSerializer.Deserialize<BookingCancellationInput>(
            _sidecar.CallsTo("POST", $"/v1.0/workflows/dapr/{nameof(BookingCancellationWorkflow)}/start").Single().Body, JsonSerializerOptions.Web);
        input.Should().Be(new BookingCancellationInput(BookingId, "student", requestedAt, "ill"));

        _sidecar.AnswerWorkflowState(cancelId, nameof(BookingCancellationWorkflow), "RUNNING", new Dictionary<string, string>());
        using var again = await client.PostAsJsonAsync("/internal/booking-cancellations", new { bookingId = BookingId, requestedBy = "student", requestedAt });
        again.StatusCode.Should().Be(HttpStatusCode.Accepted);
        (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instanceId").GetString().Should().Be(cancelId);
        _sidecar.CallsTo("POST", $"/v1.0/workflows/dapr/{nameof(BookingCancellationWorkflow)}/start").Should().ContainSingle();

        using var bad = await client.PostAsJsonAsync("/internal/booking-cancellations", new { bookingId = Guid.Empty, requestedBy = "admin" });
        (await bad.ReadProblemAsync()).FieldErrors().Should().BeEquivalentTo("bookingId", "requestedBy");
    }

    [Theory]
    [InlineData("/events/payment-succeeded", true)]
    [InlineData("/events/payment-failed", false)]
    public async Task A_payment_event_becomes_the_payment_result_event_on_the_instance_it_names(string route, bool succeeded)
    {
        var paymentId = Guid.NewGuid();
        _sidecar.AnswerWorkflowState(InstanceId, nameof(BookingPaymentWorkflow), "RUNNING", new Dictionary<string, string>());
        _sidecar.Answers[$"POST /v1.0/workflows/dapr/{InstanceId}/raiseEvent/{BookingEvents.PaymentResult}"] = new SidecarAnswer(202);
        using var client = _factory.CreateClient();

        var status = await DeliverAsync(client, route, new { paymentId, bookingId = BookingId, status = "x", workflowInstanceId = InstanceId, failureCode = succeeded ? null : "card_declined" });

        status.Should().Be("SUCCESS");
        var raised = _sidecar.CallsTo("POST", $"/v1.0/workflows/dapr/{InstanceId}/raiseEvent/{BookingEvents.PaymentResult}").Single();
        JsonSerializer.Deserialize<PaymentResult>(raised.Body, JsonSerializerOptions.Web).Should().Be(new PaymentResult(paymentId, succeeded, succeeded ? null : "card_declined"));
    }

    [Fact]
    public async Task A_payment_event_for_an_ended_or_unnamed_saga_raises_nothing()
    {
        _sidecar.AnswerWorkflowState(InstanceId, nameof(BookingPaymentWorkflow), "COMPLETED", new Dictionary<string, string>());
        using var client = _factory.CreateClient();

        (await DeliverAsync(client, "/events/payment-succeeded", new { paymentId = Guid.NewGuid(), bookingId = BookingId, workflowInstanceId = InstanceId })).Should().Be("SUCCESS");
        (await DeliverAsync(client, "/events/payment-succeeded", new { paymentId = Guid.NewGuid(), bookingId = BookingId })).Should().Be("DROP");

        _sidecar.Calls.Should().NotContain(c => c.PathAndQuery.Contains("/raiseEvent/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_sidecar_that_cannot_raise_the_event_gets_the_delivery_retried()
    {
        _sidecar.AnswerWorkflowState(InstanceId, nameof(BookingPaymentWorkflow), "RUNNING", new Dictionary<string, string>());
        using var client = _factory.CreateClient();

        // No answer set up for raiseEvent: the fake sidecar answers 500.
        (await DeliverAsync(client, "/events/payment-failed", new { paymentId = Guid.NewGuid(), bookingId = BookingId, workflowInstanceId = InstanceId })).Should().Be("RETRY");
    }

    private static readonly Guid StudentId = Guid.Parse("0195f0c4-7a7e-7c1e-9a59-5f2a0d6c1b42");

    private static StartBookingPaymentRequest ValidStart() =>
        new(BookingId, InstanceId, StudentId, "Sam Student", Guid.NewGuid(), new DateTimeOffset(2026, 12, 1, 15, 0, 0, TimeSpan.Zero), 60, "algebra");

    private static string Json(object value) => JsonSerializer.Serialize(value, JsonSerializerOptions.Web);

    private HttpClient BookingCaller()
    {
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Add("dapr-caller-app-id", "booking");
        return client;
    }

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
