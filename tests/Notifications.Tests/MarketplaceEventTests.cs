using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.Monetary;
using DaprPlatform.Notifications.Contracts;
using DaprPlatform.Notifications.Domain;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Notifications.Tests;

/// <summary>booking.confirmed, booking.cancelled, payment.failed and payment.refunded reach the right people, once.</summary>
public sealed class MarketplaceEventTests(NotificationsFixture fx) : IClassFixture<NotificationsFixture>
{
    private readonly NotificationsFactory _app = fx.Factory;

    [Fact]
    public async Task Subscribe_lists_the_four_marketplace_topics_each_with_its_dead_letter_topic()
    {
        using var client = _app.CreateClient();

        var subscriptions = await client.GetFromJsonAsync<JsonElement>("/dapr/subscribe");

        var topics = subscriptions.EnumerateArray().ToDictionary(s => s.GetProperty("topic").GetString()!, s => s.GetProperty("deadLetterTopic").GetString());
        foreach (var topic in new[] { "booking.confirmed", "booking.cancelled", "payment.failed", "payment.refunded", "review.posted", "message.sent", "message.read" })
        {
            topics.Should().ContainKey(topic).WhoseValue.Should().Be(topic + ".deadletter");
        }
    }

    [Fact]
    public async Task A_confirmed_booking_notifies_the_student_and_the_tutor_once_however_often_it_is_delivered()
    {
        var booking = Booking("confirmed");
        using var client = _app.CreateClient();
        var eventId = Guid.NewGuid().ToString();

        (await DeliverAsync(client, "/events/booking-confirmed", eventId, booking)).Should().Be("SUCCESS");
        (await DeliverAsync(client, "/events/booking-confirmed", eventId, booking)).Should().Be("SUCCESS");

        var student = await NotificationsOfAsync(booking.StudentId);
        student.Should().ContainSingle().Which.Should().Match<Notification>(n =>
            n.Kind == MarketplaceMessages.BookingConfirmedKind && n.Title.Contains("Tina Tutor") && n.Body.Contains("45.00 USD") && n.Body.Contains("Tue 1 Dec 2026, 15:00 UTC"));
        (await NotificationsOfAsync(booking.TutorId)).Should().ContainSingle().Which.Title.Should().Contain("Sam Student");
    }

    [Theory]
    [InlineData("cancelled", "awaitingPayment", 1)]
    [InlineData("cancelled", "confirmed", 2)]
    [InlineData("refunded", null, 2)]
    public async Task A_cancellation_tells_the_tutor_only_when_the_booking_had_been_confirmed(string status, string? previous, int people)
    {
        var booking = Booking(status) with { PreviousStatus = previous, CancellationReason = "payment-timeout", Refund = status == "refunded" ? new MoneyPayload(2250, "USD") : null };
        using var client = _app.CreateClient();

        (await DeliverAsync(client, "/events/booking-cancelled", Guid.NewGuid().ToString(), booking)).Should().Be("SUCCESS");

        var student = (await NotificationsOfAsync(booking.StudentId)).Should().ContainSingle().Subject;
        student.Body.Should().Contain("Reason: payment-timeout");
        if (status == "refunded") { student.Body.Should().Contain("22.50 USD is being refunded"); }
        (await NotificationsOfAsync(booking.TutorId)).Should().HaveCount(people - 1);
    }

    [Fact]
    public async Task A_failed_payment_and_a_refund_go_to_the_student_in_the_currency_s_own_digits()
    {
        var studentId = Guid.NewGuid();
        using var client = _app.CreateClient();

        (await DeliverAsync(client, "/events/payment-failed", Guid.NewGuid().ToString(),
            Payment(studentId, "failed", new MoneyPayload(4500, "JPY")) with { FailureCode = "card_declined", FailureMessage = "Your card was declined." })).Should().Be("SUCCESS");
        (await DeliverAsync(client, "/events/payment-refunded", Guid.NewGuid().ToString(),
            Payment(studentId, "partiallyRefunded", new MoneyPayload(4500, "USD")) with { Refunded = new MoneyPayload(2250, "USD") })).Should().Be("SUCCESS");

        var notifications = await NotificationsOfAsync(studentId);
        notifications.Should().ContainSingle(n => n.Kind == MarketplaceMessages.PaymentFailedKind)
            .Which.Should().Match<Notification>(n => n.Title == "Payment of 4500 JPY failed" && n.Body.Contains("Your card was declined"));
        notifications.Should().ContainSingle(n => n.Kind == MarketplaceMessages.PaymentRefundedKind).Which.Title.Should().Be("Refund of 22.50 USD");
    }

    [Fact]
    public async Task Telegram_is_used_for_a_party_who_chose_it_and_in_app_for_everyone()
    {
        var booking = Booking("confirmed");
        using (var tutorApi = _app.CreateClientFor(booking.TutorId))
        {
            using var put = await tutorApi.PutAsJsonAsync("/api/notifications/preferences", new { inApp = true, telegram = true, email = false, telegramChatId = "555000111" });
            put.EnsureSuccessStatusCode();
        }

        using var client = _app.CreateClient();
        (await DeliverAsync(client, "/events/booking-confirmed", Guid.NewGuid().ToString(), booking)).Should().Be("SUCCESS");

        fx.Bot.Calls.Should().ContainSingle(c => c.Body.Contains("555000111")).Which.Body.Should().Contain("Sam Student");
        var log = await _app.WithDbAsync(db => db.DeliveryLog.Where(d => d.UserId == booking.TutorId || d.UserId == booking.StudentId).ToListAsync());
        log.Should().HaveCount(3, "in-app for both, Telegram for the tutor only");
        log.Where(d => d.Channel == DeliveryChannel.Telegram).Should().ContainSingle().Which.UserId.Should().Be(booking.TutorId);
    }

    [Fact]
    public async Task An_event_that_names_nobody_is_dropped_and_writes_nothing()
    {
        using var client = _app.CreateClient();
        var before = await _app.WithDbAsync(db => db.Notifications.CountAsync());

        (await DeliverAsync(client, "/events/payment-failed", Guid.NewGuid().ToString(), Payment(Guid.Empty, "failed", new MoneyPayload(100, "USD")))).Should().Be("DROP");

        (await _app.WithDbAsync(db => db.Notifications.CountAsync())).Should().Be(before);
    }

    [Fact]
    public async Task A_posted_review_tells_the_tutor_once_per_review_in_app_and_on_telegram_when_chosen()
    {
        var review = Review(4, "Clear and patient.");
        using (var tutorApi = _app.CreateClientFor(review.TutorId))
        {
            using var put = await tutorApi.PutAsJsonAsync("/api/notifications/preferences", new { inApp = true, telegram = true, email = false, telegramChatId = "@tess_tutor" });
            put.EnsureSuccessStatusCode();
        }

        using var client = _app.CreateClient();
        var eventId = Guid.NewGuid().ToString();
        (await DeliverAsync(client, "/events/review-posted", eventId, review)).Should().Be("SUCCESS");
        (await DeliverAsync(client, "/events/review-posted", eventId, review)).Should().Be("SUCCESS");
        (await DeliverAsync(client, "/events/review-posted", Guid.NewGuid().ToString(), review)).Should().Be("SUCCESS", "a replay under a new id is the same review");

        var notification = (await NotificationsOfAsync(review.TutorId)).Should().ContainSingle().Subject;
        notification.Kind.Should().Be(MarketplaceMessages.ReviewPostedKind);
        notification.Title.Should().Be("New review: ★★★★☆ from Sam Student");
        notification.Body.Should().Be("Sam Student rated your algebra session 4 of 5. “Clear and patient.”");
        (await NotificationsOfAsync(review.StudentId)).Should().BeEmpty("the student wrote it");
        fx.Bot.Calls.Should().ContainSingle(c => c.Body.Contains("@tess_tutor")).Which.Body.Should().Contain("Sam Student rated");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    public async Task A_review_event_with_a_rating_outside_1_to_5_or_no_tutor_is_dropped(int rating)
    {
        using var client = _app.CreateClient();
        var before = await _app.WithDbAsync(db => db.Notifications.CountAsync());

        (await DeliverAsync(client, "/events/review-posted", Guid.NewGuid().ToString(), Review(rating, null))).Should().Be("DROP");
        (await DeliverAsync(client, "/events/review-posted", Guid.NewGuid().ToString(), Review(3, null) with { TutorId = Guid.Empty })).Should().Be("DROP");

        (await _app.WithDbAsync(db => db.Notifications.CountAsync())).Should().Be(before);
    }

    private static ReviewChanged Review(int rating, string? comment) => new(
        Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "Sam Student", "algebra", rating, comment, "visible", 1,
        new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));

    private static BookingChanged Booking(string status) => new(
        Guid.NewGuid(), Guid.NewGuid(), "Sam Student", Guid.NewGuid(), "Tina Tutor", "algebra",
        new DateTimeOffset(2026, 12, 1, 15, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 1, 16, 0, 0, TimeSpan.Zero),
        new MoneyPayload(4500, "USD"), status);

    private static PaymentChanged Payment(Guid studentId, string status, MoneyPayload amount) =>
        new(Guid.NewGuid(), Guid.NewGuid(), studentId, amount, null, status);

    private Task<List<Notification>> NotificationsOfAsync(Guid userId) =>
        _app.WithDbAsync(db => db.Notifications.Where(n => n.UserId == userId).ToListAsync());

    private static async Task<string> DeliverAsync(HttpClient client, string route, string id, object data)
    {
        using var envelope = CloudEvents.Envelope(id, JsonSerializer.SerializeToElement(data, JsonSerializerOptions.Web), topic: route);
        return await client.DeliverAsync(route, envelope);
    }
}
