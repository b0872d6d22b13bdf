using System.Net.Http.Json;
using DaprPlatform.Reviews.Features;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Reviews.Tests;

/// <summary>booking.completed / booking.cancelled projected into the reviewable bookings: idempotent, order-independent.</summary>
public sealed class BookingProjectionTests(ReviewsFixture fx) : IClassFixture<ReviewsFixture>
{
    private Task<int> InboxRowsAsync(string eventId) =>
        fx.Factory.WithDbAsync(db => db.InboxMessages.CountAsync(m => m.MessageId == eventId));

    [Fact]
    public async Task A_redelivered_completion_is_projected_once()
    {
        var bookingId = Guid.NewGuid();
        var eventId = Guid.NewGuid().ToString();
        var data = ReviewsFixture.BookingData(bookingId, Guid.NewGuid(), Guid.NewGuid());

        (await fx.DeliverAsync("booking.completed", eventId, data)).Should().Be("SUCCESS");
        var completedAt = await fx.Factory.WithDbAsync(db => db.ReviewableBookings.Where(b => b.BookingId == bookingId).Select(b => b.CompletedAt).SingleAsync());
        var before = await fx.CountsAsync();
        (await fx.DeliverAsync("booking.completed", eventId, data)).Should().Be("SUCCESS");
        (await fx.CountsAsync()).Should().BeEquivalentTo(before, "a redelivery changes nothing");

        // The same fact under another event id (a replay): still one booking, completed when it first was.
        (await fx.DeliverAsync("booking.completed", Guid.NewGuid().ToString(), data)).Should().Be("SUCCESS");
        var rows = await fx.Factory.WithDbAsync(db => db.ReviewableBookings.Where(b => b.BookingId == bookingId).ToListAsync());
        rows.Should().ContainSingle().Which.CompletedAt.Should().Be(completedAt);
        (await InboxRowsAsync(eventId)).Should().Be(1);
    }

    [Fact]
    public async Task A_cancellation_of_a_booking_that_never_completed_records_nothing()
    {
        var bookingId = Guid.NewGuid();
        var data = ReviewsFixture.BookingData(bookingId, Guid.NewGuid(), Guid.NewGuid(), status: "cancelled", previousStatus: "confirmed");

        (await fx.DeliverAsync("booking.cancelled", Guid.NewGuid().ToString(), data)).Should().Be("SUCCESS");

        (await fx.Factory.WithDbAsync(db => db.ReviewableBookings.AnyAsync(b => b.BookingId == bookingId))).Should().BeFalse();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_cancellation_after_completion_withdraws_the_booking_in_either_order(bool completionFirst)
    {
        var (bookingId, student, tutor) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var completed = ReviewsFixture.BookingData(bookingId, student, tutor);
        var cancelled = ReviewsFixture.BookingData(bookingId, student, tutor, status: "cancelled", previousStatus: "completed");
        var deliveries = completionFirst
            ? new[] { ("booking.completed", completed), ("booking.cancelled", cancelled) }
            : [("booking.cancelled", cancelled), ("booking.completed", completed)];

        foreach (var (topic, data) in deliveries)
        {
            (await fx.DeliverAsync(topic, Guid.NewGuid().ToString(), data)).Should().Be("SUCCESS");
        }

        using var client = fx.Student(student);
        using var response = await client.PostAsJsonAsync("/api/reviews", new { bookingId, rating = 5 });
        ((int)response.StatusCode).Should().Be(422);
    }

    public static TheoryData<string, object> Unusable() => new()
    {
        { "no booking id", new { bookingId = Guid.Empty, studentId = Guid.NewGuid(), studentName = "S", tutorId = Guid.NewGuid(), tutorName = "T", subject = "Algebra" } },
        { "no student", new { bookingId = Guid.NewGuid(), studentName = "S", tutorId = Guid.NewGuid(), tutorName = "T", subject = "Algebra" } },
        { "blank subject", new { bookingId = Guid.NewGuid(), studentId = Guid.NewGuid(), studentName = "S", tutorId = Guid.NewGuid(), tutorName = "T", subject = " " } },
        { "no names", new { bookingId = Guid.NewGuid(), studentId = Guid.NewGuid(), tutorId = Guid.NewGuid(), subject = "Algebra" } },
        { "not an object", "booking" },
    };

    [Theory]
    [MemberData(nameof(Unusable))]
    public async Task Events_that_describe_no_booking_are_dropped_and_nothing_is_written(string name, object data)
    {
        var before = await fx.CountsAsync();

        (await fx.DeliverAsync("booking.completed", Guid.NewGuid().ToString(), data)).Should().Be("DROP", name);

        (await fx.CountsAsync()).Should().BeEquivalentTo(before, name);
    }

    [Fact]
    public async Task The_app_subscribes_to_both_booking_topics_with_dead_letters()
    {
        using var client = fx.Anonymous();
        var subscriptions = await ReviewsFixture.ExpectAsync(await client.GetAsync("/dapr/subscribe"), 200);

        subscriptions.EnumerateArray().Select(s => (s.GetProperty("topic").GetString(), s.GetProperty("deadLetterTopic").GetString()))
            .Should().BeEquivalentTo([("booking.completed", "booking.completed.deadletter"), ("booking.cancelled", "booking.cancelled.deadletter")]);
        BookingEventProjection.CompletedConsumer.Should().NotBe(BookingEventProjection.CancelledConsumer);
    }
}
