using System.Net;
using System.Text.Json;
using DaprPlatform.TestSupport;

namespace DaprPlatform.Booking.Tests;

/// <summary>Reading, listing, following, cancelling and completing bookings through the public API.</summary>
public sealed class BookingApiTests(BookingFixture fx) : IClassFixture<BookingFixture>
{
    private static DateTimeOffset Soon(int days) => BookingFixture.QuarterHour(TimeSpan.FromDays(days));

    [Fact]
    public async Task The_student_the_tutor_and_an_admin_see_a_booking_others_get_404()
    {
        var student = Guid.NewGuid();
        var tutor = Guid.NewGuid();
        var booking = await fx.SeedAsync(student, tutor, Soon(3), "confirmed");
        var path = $"/api/bookings/{booking.GetProperty("bookingId").GetGuid()}";

        foreach (var client in new[] { fx.Student(student), fx.Tutor(tutor), fx.Admin() })
        {
            using (client)
            {
                (await BookingFixture.ExpectAsync(await client.GetAsync(path), 200)).GetRawText().Should().Be(booking.GetRawText());
            }
        }

        foreach (var client in new[] { fx.Student(Guid.NewGuid()), fx.Tutor(Guid.NewGuid()) })
        {
            using (client)
            {
                using var response = await client.GetAsync(path);
                response.StatusCode.Should().Be(HttpStatusCode.NotFound);
                await response.ReadProblemAsync();
            }
        }
    }

    [Fact]
    public async Task Listing_shows_my_bookings_by_role_and_status_newest_start_first()
    {
        var me = Guid.NewGuid();
        var asStudentEarly = await fx.SeedAsync(me, Guid.NewGuid(), Soon(3), "confirmed");
        var asStudentLate = await fx.SeedAsync(me, Guid.NewGuid(), Soon(5), "pending");
        var asTutor = await fx.SeedAsync(Guid.NewGuid(), me, Soon(4), "cancelled");
        await fx.SeedAsync(Guid.NewGuid(), Guid.NewGuid(), Soon(4), "pending");
        using var client = fx.Student(me);

        var all = await ListAsync(client, "");
        var asStudent = await ListAsync(client, "?as=student");
        var asTutorOnly = await ListAsync(client, "?as=tutor");
        var confirmed = await ListAsync(client, "?status=confirmed");
        var paged = await BookingFixture.ExpectAsync(await client.GetAsync("/api/bookings?page=2&pageSize=2"), 200);

        all.Should().Equal(Id(asStudentLate), Id(asTutor), Id(asStudentEarly));
        asStudent.Should().Equal(Id(asStudentLate), Id(asStudentEarly));
        asTutorOnly.Should().Equal(Id(asTutor));
        confirmed.Should().Equal(Id(asStudentEarly));
        paged.GetProperty("total").GetInt32().Should().Be(3);
        paged.GetProperty("page").GetInt32().Should().Be(2);
        paged.GetProperty("pageSize").GetInt32().Should().Be(2);
        paged.GetProperty("items").EnumerateArray().Select(Id).Should().Equal(Id(asStudentEarly));
    }

    [Fact]
    public async Task Saga_status_is_read_from_workflows_for_the_student_and_admins_only()
    {
        var student = Guid.NewGuid();
        var bookingId = Guid.NewGuid();
        var sagaPath = $"/v1.0/invoke/workflows/method/internal/booking-payments/{bookingId}";
        fx.Sidecar.Respond(call => call.Method == "GET" && call.Path == sagaPath
            ? new SidecarReply(200, JsonSerializer.Serialize(new
            {
                instanceId = $"booking-{bookingId:N}",
                studentId = student,
                status = "RUNNING",
                step = "AwaitingPayment",
            }))
            : null);
        var url = $"/api/bookings/{bookingId}/saga";

        using var mine = fx.Student(student);
        var status = await BookingFixture.ExpectAsync(await mine.GetAsync(url), 200);
        using var admin = fx.Admin();
        await BookingFixture.ExpectAsync(await admin.GetAsync(url), 200);
        using var other = fx.Student(Guid.NewGuid());
        using var hidden = await other.GetAsync(url);

        status.GetProperty("instanceId").GetString().Should().Be($"booking-{bookingId:N}");
        status.GetProperty("status").GetString().Should().Be("RUNNING");
        status.GetProperty("step").GetString().Should().Be("AwaitingPayment");
        status.TryGetProperty("studentId", out _).Should().BeFalse();
        hidden.StatusCode.Should().Be(HttpStatusCode.NotFound);
        fx.Sidecar.Received.Should().Contain(c => c.Method == "GET" && c.Path == sagaPath);
    }

    [Theory]
    [InlineData(404, 404)]
    [InlineData(500, 503)]
    [InlineData(-1, 503)]
    public async Task Saga_status_maps_workflows_failures(int workflowsStatus, int expected)
    {
        var bookingId = Guid.NewGuid();
        fx.Sidecar.Respond(call => call.Path.EndsWith($"/internal/booking-payments/{bookingId}", StringComparison.Ordinal)
            ? workflowsStatus < 0 ? SidecarReply.Drop : new SidecarReply(workflowsStatus, "{}")
            : null);
        using var client = fx.Student(Guid.NewGuid());

        using var response = await client.GetAsync($"/api/bookings/{bookingId}/saga");

        ((int)response.StatusCode).Should().Be(expected);
        await response.ReadProblemAsync();
    }

    [Theory]
    [InlineData("student")]
    [InlineData("tutor")]
    public async Task Cancelling_a_confirmed_booking_starts_the_cancellation_saga(string who)
    {
        var student = Guid.NewGuid();
        var tutor = Guid.NewGuid();
        var booking = await fx.SeedAsync(student, tutor, Soon(3), "confirmed");
        var bookingId = booking.GetProperty("bookingId").GetGuid();
        using var client = who == "student" ? fx.Student(student) : fx.Tutor(tutor);
        var before = DateTimeOffset.UtcNow;

        using var response = await client.PostAsync($"/api/bookings/{bookingId}/cancel", BookingFixture.Json(new { reason = "  cannot make it " }));

        var accepted = await BookingFixture.ExpectAsync(response, 202);
        accepted.GetProperty("bookingId").GetGuid().Should().Be(bookingId);
        accepted.GetProperty("instanceId").GetString().Should().Be($"booking-cancel-{bookingId:N}");
        accepted.GetProperty("statusUrl").GetString().Should().Be($"/api/bookings/{bookingId}");
        var call = fx.WorkflowsInvocations("POST", "internal/booking-cancellations").Single(c => c.Body.Contains(bookingId.ToString(), StringComparison.Ordinal));
        var input = JsonDocument.Parse(call.Body).RootElement;
        input.GetProperty("requestedBy").GetString().Should().Be(who);
        input.GetProperty("reason").GetString().Should().Be("cannot make it");
        input.GetProperty("requestedAt").GetDateTimeOffset().Should().BeOnOrAfter(before).And.BeOnOrBefore(DateTimeOffset.UtcNow);
        (await fx.EventsAsync(bookingId)).Should().HaveCount(2, "the saga cancels; this request changes nothing itself");
    }

    [Theory]
    [InlineData("pending")]
    [InlineData("awaitingPayment")]
    public async Task Cancelling_a_booking_still_being_paid_withdraws_it_from_its_payment_saga(string status)
    {
        var student = Guid.NewGuid();
        var booking = await fx.SeedAsync(student, Guid.NewGuid(), Soon(3), status);
        var bookingId = booking.GetProperty("bookingId").GetGuid();
        using var client = fx.Student(student);

        using var response = await client.PostAsync($"/api/bookings/{bookingId}/cancel", null);

        var accepted = await BookingFixture.ExpectAsync(response, 202);
        accepted.GetProperty("instanceId").GetString().Should().Be($"booking-{bookingId:N}");
        accepted.GetProperty("statusUrl").GetString().Should().Be($"/api/bookings/{bookingId}/saga");
        var call = fx.WorkflowsInvocations("POST", $"internal/booking-payments/{bookingId}/withdraw").Should().ContainSingle().Subject;
        JsonDocument.Parse(call.Body).RootElement.GetProperty("requestedBy").GetString().Should().Be("student");
    }

    [Theory]
    [InlineData("cancelled")]
    [InlineData("refunded")]
    public async Task Cancelling_a_finished_booking_is_409_illegal_transition(string status)
    {
        var student = Guid.NewGuid();
        var booking = await fx.SeedAsync(student, Guid.NewGuid(), Soon(3), status);
        var bookingId = booking.GetProperty("bookingId").GetGuid();
        using var client = fx.Student(student);

        using var response = await client.PostAsync($"/api/bookings/{bookingId}/cancel", null);

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await response.ReadProblemAsync()).GetProperty("type").GetString().Should().EndWith("illegal-transition");
        // The outbox publishes this booking's events through the sidecar too; only invocations of workflows matter here.
        fx.Sidecar.Received.Where(c => c.Path.StartsWith("/v1.0/invoke/", StringComparison.Ordinal))
            .Should().NotContain(c => c.Path.Contains(bookingId.ToString(), StringComparison.Ordinal) || c.Body.Contains(bookingId.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cancel_by_someone_else_is_404_and_by_an_admin_403()
    {
        var booking = await fx.SeedAsync(Guid.NewGuid(), Guid.NewGuid(), Soon(3), "confirmed");
        var path = $"/api/bookings/{booking.GetProperty("bookingId").GetGuid()}/cancel";
        using var stranger = fx.Student(Guid.NewGuid());
        using var admin = fx.Admin();

        using var hidden = await stranger.PostAsync(path, null);
        using var forbidden = await admin.PostAsync(path, null);

        hidden.StatusCode.Should().Be(HttpStatusCode.NotFound);
        forbidden.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Cancel_answers_503_when_workflows_cannot_take_it()
    {
        var student = Guid.NewGuid();
        var booking = await fx.SeedAsync(student, Guid.NewGuid(), Soon(3), "confirmed");
        var bookingId = booking.GetProperty("bookingId").GetGuid();
        fx.Sidecar.Respond(call => call.Path.EndsWith("/internal/booking-cancellations", StringComparison.Ordinal) && call.Body.Contains(bookingId.ToString(), StringComparison.Ordinal)
            ? new SidecarReply(500, "{}")
            : null);
        using var client = fx.Student(student);

        using var response = await client.PostAsync($"/api/bookings/{bookingId}/cancel", null);

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        await response.ReadProblemAsync();
    }

    [Fact]
    public async Task The_tutor_completes_a_session_after_it_ended_once()
    {
        var student = Guid.NewGuid();
        var tutor = Guid.NewGuid();
        // The saga steps do not check the clock, so a session that already ended can be set up through them.
        var booking = await fx.SeedAsync(student, tutor, BookingFixture.QuarterHour(TimeSpan.FromHours(-3)), "confirmed");
        var bookingId = booking.GetProperty("bookingId").GetGuid();
        using var client = fx.Tutor(tutor);

        var first = await BookingFixture.ExpectAsync(await client.PostAsync($"/api/bookings/{bookingId}/complete", null), 200);
        var again = await BookingFixture.ExpectAsync(await client.PostAsync($"/api/bookings/{bookingId}/complete", null), 200);

        first.GetProperty("status").GetString().Should().Be("completed");
        again.GetRawText().Should().Be(first.GetRawText());
        var events = await fx.EventsAsync(bookingId);
        events.Select(e => e.Topic).Should().Equal("booking.requested", "booking.confirmed", "booking.completed");
        events[^1].Data.GetProperty("status").GetString().Should().Be("completed");
    }

    [Fact]
    public async Task Completing_before_the_end_or_by_the_student_is_refused_and_changes_nothing()
    {
        var student = Guid.NewGuid();
        var tutor = Guid.NewGuid();
        var booking = await fx.SeedAsync(student, tutor, Soon(2), "confirmed");
        var bookingId = booking.GetProperty("bookingId").GetGuid();
        using var tutorClient = fx.Tutor(tutor);
        using var studentClient = fx.Student(student);
        using var stranger = fx.Tutor(Guid.NewGuid());

        using var early = await tutorClient.PostAsync($"/api/bookings/{bookingId}/complete", null);
        using var byStudent = await studentClient.PostAsync($"/api/bookings/{bookingId}/complete", null);
        using var byStranger = await stranger.PostAsync($"/api/bookings/{bookingId}/complete", null);

        early.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await early.ReadProblemAsync()).GetProperty("type").GetString().Should().EndWith("illegal-transition");
        byStudent.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        byStranger.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await BookingFixture.ExpectAsync(await studentClient.GetAsync($"/api/bookings/{bookingId}"), 200)).GetRawText().Should().Be(booking.GetRawText());
        (await fx.EventsAsync(bookingId)).Should().HaveCount(2);
    }

    [Fact]
    public async Task Completing_a_pending_booking_is_409_illegal_transition()
    {
        var tutor = Guid.NewGuid();
        var booking = await fx.SeedAsync(Guid.NewGuid(), tutor, BookingFixture.QuarterHour(TimeSpan.FromHours(-3)), "pending");
        using var client = fx.Tutor(tutor);

        using var response = await client.PostAsync($"/api/bookings/{booking.GetProperty("bookingId").GetGuid()}/complete", null);

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await response.ReadProblemAsync()).GetProperty("bookingStatus").GetString().Should().Be("pending");
    }

    [Theory]
    // hours until the session, who asks, percent back of a 4000 USD-cent session
    [InlineData(72, "student", 100, 4000)]
    [InlineData(5, "student", 50, 2000)]
    [InlineData(1, "student", 0, 0)]
    [InlineData(1, "tutor", 100, 4000)]
    public async Task The_parties_see_the_refund_cancelling_now_would_give(int hoursAhead, string who, int percent, long refund)
    {
        var student = Guid.NewGuid();
        var tutor = Guid.NewGuid();
        var booking = await fx.SeedAsync(student, tutor, BookingFixture.QuarterHour(TimeSpan.FromHours(hoursAhead) + TimeSpan.FromMinutes(20)), "confirmed", amount: 4000);
        var before = await fx.CountsAsync();
        using var client = who == "student" ? fx.Student(student) : fx.Tutor(tutor);

        var quote = await BookingFixture.ExpectAsync(await client.GetAsync($"/api/bookings/{Id(booking)}/refund-quote"), 200);

        quote.GetProperty("bookingId").GetGuid().Should().Be(Id(booking));
        quote.GetProperty("percent").GetInt32().Should().Be(percent);
        quote.GetProperty("refund").GetProperty("amount").GetInt64().Should().Be(refund);
        quote.GetProperty("refund").GetProperty("currency").GetString().Should().Be("USD");
        quote.GetProperty("hoursBeforeStart").GetDouble().Should().BeInRange(hoursAhead, hoursAhead + 0.6);
        (await fx.CountsAsync()).Should().Be(before, "a quote changes nothing");
        fx.WorkflowsInvocations("POST", "internal/booking-cancellations").Should().NotContain(c => c.Body.Contains(Id(booking).ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_refund_quote_is_404_for_anyone_but_the_parties_and_409_before_payment()
    {
        var student = Guid.NewGuid();
        var confirmed = await fx.SeedAsync(student, Guid.NewGuid(), Soon(3), "confirmed");
        var unpaid = await fx.SeedAsync(student, Guid.NewGuid(), Soon(4), "awaitingPayment");

        foreach (var client in new[] { fx.Student(Guid.NewGuid()), fx.Tutor(Guid.NewGuid()), fx.Admin() })
        {
            using (client)
            {
                using var response = await client.GetAsync($"/api/bookings/{Id(confirmed)}/refund-quote");
                response.StatusCode.Should().Be(HttpStatusCode.NotFound);
                (await response.ReadProblemAsync()).GetRawText().Should().NotContain("4500");
            }
        }

        using var mine = fx.Student(student);
        using var early = await mine.GetAsync($"/api/bookings/{Id(unpaid)}/refund-quote");
        early.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await early.ReadProblemAsync()).GetProperty("bookingStatus").GetString().Should().Be("awaitingPayment");
    }

    private static Guid Id(JsonElement booking) => booking.GetProperty("bookingId").GetGuid();

    private static async Task<List<Guid>> ListAsync(HttpClient client, string query)
    {
        var page = await BookingFixture.ExpectAsync(await client.GetAsync("/api/bookings" + query), 200);
        return page.GetProperty("items").EnumerateArray().Select(Id).ToList();
    }
}
