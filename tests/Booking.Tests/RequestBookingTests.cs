using System.Net;
using System.Text.Json;
using DaprPlatform.TestSupport;

namespace DaprPlatform.Booking.Tests;

/// <summary>POST /api/bookings starts the booking-payment saga by invoking app workflows through the booking app's own sidecar.</summary>
public sealed class RequestBookingTests(BookingFixture fx) : IClassFixture<BookingFixture>
{
    private const string StartPath = "internal/booking-payments";

    private static object Body(Guid tutorId, DateTimeOffset start, int minutes = 60, string subject = "Algebra") =>
        new { tutorId, start, durationMinutes = minutes, subject };

    private List<JsonElement> StartsFor(Guid studentId) => fx.WorkflowsInvocations("POST", StartPath)
        .Select(c => JsonDocument.Parse(c.Body).RootElement.Clone())
        .Where(b => b.GetProperty("studentId").GetGuid() == studentId)
        .ToList();

    [Fact]
    public async Task Accepted_request_invokes_workflows_with_the_saga_input_and_writes_nothing()
    {
        var studentId = Guid.NewGuid();
        var tutorId = Guid.NewGuid();
        var start = BookingFixture.QuarterHour(TimeSpan.FromDays(3));
        var before = await fx.CountsAsync();
        using var client = fx.Student(studentId, "Ada Lovelace");

        using var response = await client.PostAsync("/api/bookings", BookingFixture.Json(Body(tutorId, start, 90, "  Linear algebra ")));

        var accepted = await BookingFixture.ExpectAsync(response, 202);
        var bookingId = accepted.GetProperty("bookingId").GetGuid();
        accepted.GetProperty("instanceId").GetString().Should().Be($"booking-{bookingId:N}");
        accepted.GetProperty("statusUrl").GetString().Should().Be($"/api/bookings/{bookingId}/saga");
        response.Headers.Location!.OriginalString.Should().Be($"/api/bookings/{bookingId}/saga");

        // Dapr service invocation: POST {sidecar}/v1.0/invoke/{appId}/method/{method}.
        var call = fx.WorkflowsInvocations("POST", StartPath).Single(c => c.Body.Contains(bookingId.ToString(), StringComparison.Ordinal));
        call.Headers["Content-Type"].Should().StartWith("application/json");
        var input = JsonDocument.Parse(call.Body).RootElement;
        input.GetProperty("bookingId").GetGuid().Should().Be(bookingId);
        input.GetProperty("instanceId").GetString().Should().Be($"booking-{bookingId:N}");
        input.GetProperty("studentId").GetGuid().Should().Be(studentId);
        input.GetProperty("studentName").GetString().Should().Be("Ada Lovelace");
        input.GetProperty("tutorId").GetGuid().Should().Be(tutorId);
        input.GetProperty("start").GetDateTimeOffset().Should().Be(start);
        input.GetProperty("durationMinutes").GetInt32().Should().Be(90);
        input.GetProperty("subject").GetString().Should().Be("Linear algebra");
        (await fx.CountsAsync()).Should().Be(before, "the saga's CreateBooking step writes the booking, not this request");
    }

    [Fact]
    public async Task A_retried_post_with_the_same_idempotency_key_gives_the_same_booking_id()
    {
        var studentId = Guid.NewGuid();
        var tutorId = Guid.NewGuid();
        var start = BookingFixture.QuarterHour(TimeSpan.FromDays(3));
        // The second start finds the instance already there: workflows answers 409, which is still the same booking.
        var seen = 0;
        fx.Sidecar.Respond(call => call.Body.Contains(studentId.ToString(), StringComparison.Ordinal)
            ? Interlocked.Increment(ref seen) == 1 ? new SidecarReply(202, "{}") : new SidecarReply(409, """{"title":"instance exists"}""")
            : null);
        using var client = fx.Student(studentId);

        var first = await PostAsync(client, Body(tutorId, start), "retry-key-1");
        var second = await PostAsync(client, Body(tutorId, start), "retry-key-1");
        var other = await PostAsync(client, Body(tutorId, start), "retry-key-2");

        second.GetProperty("bookingId").GetGuid().Should().Be(first.GetProperty("bookingId").GetGuid());
        second.GetProperty("instanceId").GetString().Should().Be(first.GetProperty("instanceId").GetString());
        other.GetProperty("bookingId").GetGuid().Should().NotBe(first.GetProperty("bookingId").GetGuid());
        StartsFor(studentId).Select(b => b.GetProperty("bookingId").GetGuid()).Should().HaveCount(3)
            .And.Subject.Distinct().Should().HaveCount(2);
    }

    [Fact]
    public async Task Without_an_idempotency_key_every_post_is_a_new_booking()
    {
        var studentId = Guid.NewGuid();
        var start = BookingFixture.QuarterHour(TimeSpan.FromDays(3));
        using var client = fx.Student(studentId);

        var first = await PostAsync(client, Body(Guid.NewGuid(), start), key: null);
        var second = await PostAsync(client, Body(Guid.NewGuid(), start), key: null);

        first.GetProperty("bookingId").GetGuid().Should().NotBe(second.GetProperty("bookingId").GetGuid());
    }

    public static TheoryData<int, string> Failures() => new()
    {
        { 500, "workflows failed" },
        { 503, "workflows unavailable" },
        { -1, "sidecar connection dropped" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task When_the_saga_cannot_be_started_the_answer_is_503_and_nothing_is_written(int status, string why)
    {
        var studentId = Guid.NewGuid();
        fx.Sidecar.Respond(call => call.Body.Contains(studentId.ToString(), StringComparison.Ordinal)
            ? status < 0 ? SidecarReply.Drop : new SidecarReply(status, """{"errorCode":"ERR_DIRECT_INVOKE","message":"x"}""")
            : null);
        var before = await fx.CountsAsync();
        using var client = fx.Student(studentId);

        using var response = await client.PostAsync("/api/bookings", BookingFixture.Json(Body(Guid.NewGuid(), BookingFixture.QuarterHour(TimeSpan.FromDays(3)))));

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, why);
        await response.ReadProblemAsync();
        (await fx.CountsAsync()).Should().Be(before);
    }

    [Theory]
    [InlineData("tutor")]
    [InlineData("channel-owner")]
    [InlineData("admin")]
    public async Task Only_students_can_book(string role)
    {
        var userId = Guid.NewGuid();
        using var client = fx.Factory.CreateClientFor(userId, role);

        using var response = await client.PostAsync("/api/bookings", BookingFixture.Json(Body(Guid.NewGuid(), BookingFixture.QuarterHour(TimeSpan.FromDays(3)))));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        await response.ReadProblemAsync();
        fx.Sidecar.Received.Should().NotContain(c => c.Body.Contains(userId.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_token_the_answer_is_401()
    {
        using var client = fx.Factory.CreateClient();

        using var response = await client.PostAsync("/api/bookings", BookingFixture.Json(Body(Guid.NewGuid(), BookingFixture.QuarterHour(TimeSpan.FromDays(3)))));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    private static async Task<JsonElement> PostAsync(HttpClient client, object body, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/bookings") { Content = BookingFixture.Json(body) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        using var response = await client.SendAsync(request);
        return await BookingFixture.ExpectAsync(response, 202);
    }
}
