using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using DaprPlatform.TestSupport;

namespace DaprPlatform.EndToEnd.Tests;

/// <summary>
/// The tutoring marketplace through the gateway on DevHost with the Stripe stand-in: a student books a tutor's slot, pays
/// (or does not), and the BookingPayment saga keeps tutoring, booking and payments consistent; a confirmed booking is
/// cancelled by policy. After each test the marketplace invariants are checked across the three databases.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed partial class BookingSagaTests(PlatformFixture platform) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => MarketplaceInvariants.AssertHoldAsync(platform);

    [Fact]
    public async Task A_paid_booking_is_confirmed_its_slot_booked_and_both_parties_told()
    {
        var market = new Marketplace(platform);
        var tutor = await market.NewTutorAsync(hourlyRate: 4000);
        var student = await market.NewStudentAsync();
        var start = Marketplace.SlotStart(TimeSpan.FromDays(3), 90);

        var booking = await market.BookAsync(student, tutor, start, 90);
        var paymentId = await market.WaitForPaymentAsync(student, booking);
        var payment = await market.PayAsync(student, paymentId, "pm_card_visa");
        payment.GetProperty("status").GetString().Should().Be("succeeded");

        var saga = await market.WaitForSagaEndAsync(student, booking);
        saga.GetProperty("outcome").GetString().Should().Be("confirmed", saga.ToString());
        var confirmed = await market.GetBookingAsync(student, booking);
        confirmed.GetProperty("status").GetString().Should().Be("confirmed");
        confirmed.GetProperty("price").GetProperty("amount").GetInt64().Should().Be(6000, "90 minutes at 40.00 an hour");
        (await market.SlotsAsync(tutor, start, 90)).Should().NotContain(start, "the slot is booked now");
        (await market.WaitForNotificationAsync(tutor.Token, "booking-confirmed")).GetProperty("title").GetString().Should().Contain("algebra");
        await market.WaitForNotificationAsync(student.Token, "booking-confirmed");
    }

    [Fact]
    public async Task A_declined_card_cancels_the_booking_and_frees_the_slot()
    {
        var market = new Marketplace(platform);
        var tutor = await market.NewTutorAsync(hourlyRate: 3000);
        var student = await market.NewStudentAsync();
        var start = Marketplace.SlotStart(TimeSpan.FromDays(2));

        var booking = await market.BookAsync(student, tutor, start, 60);
        var paymentId = await market.WaitForPaymentAsync(student, booking);
        var payment = await market.PayAsync(student, paymentId, "pm_card_chargeDeclined");
        payment.GetProperty("failureCode").GetString().Should().Be("generic_decline", "Stripe's decline code for pm_card_chargeDeclined");

        var saga = await market.WaitForSagaEndAsync(student, booking);
        saga.GetProperty("outcome").GetString().Should().Be("cancelled", saga.ToString());
        saga.GetProperty("reason").GetString().Should().StartWith("payment-failed: generic_decline");
        (await market.GetBookingAsync(student, booking)).GetProperty("status").GetString().Should().Be("cancelled");
        (await market.SlotsAsync(tutor, start, 60)).Should().Contain(start, "the hold was released");
        await market.WaitForNotificationAsync(student.Token, "payment-failed");
    }

    [Fact]
    public async Task No_payment_before_the_deadline_cancels_the_booking_and_the_intent()
    {
        // A short payment window for this test only, given to the workflows app alone through DevHost.
        await platform.RestartAppAsync("workflows", new Dictionary<string, string> { ["BookingPayment__PaymentTimeout"] = "00:00:04" });
        try
        {
            var market = new Marketplace(platform);
            var tutor = await market.NewTutorAsync(hourlyRate: 3000);
            var student = await market.NewStudentAsync();
            var start = Marketplace.SlotStart(TimeSpan.FromDays(2));

            var booking = await market.BookAsync(student, tutor, start, 60);
            var saga = await market.WaitForSagaEndAsync(student, booking);

            saga.GetProperty("outcome").GetString().Should().Be("cancelled", saga.ToString());
            saga.GetProperty("reason").GetString().Should().Be("payment-timeout");
            var cancelled = await market.GetBookingAsync(student, booking);
            cancelled.GetProperty("status").GetString().Should().Be("cancelled");
            var payment = await market.GetPaymentAsync(student, cancelled.GetProperty("paymentId").GetGuid());
            payment.GetProperty("status").GetString().Should().Be("canceled", "no intent is left open to be paid later");
            (await market.SlotsAsync(tutor, start, 60)).Should().Contain(start);
        }
        finally
        {
            await platform.RestartAppAsync("workflows", new Dictionary<string, string>());
        }
    }

    [Fact]
    public async Task A_webhook_delivered_twice_has_one_effect_and_a_forged_one_changes_nothing()
    {
        var market = new Marketplace(platform);
        var tutor = await market.NewTutorAsync(hourlyRate: 2500);
        var student = await market.NewStudentAsync();
        var booking = await market.BookAsync(student, tutor, Marketplace.SlotStart(TimeSpan.FromDays(4)), 60);
        var paymentId = await market.WaitForPaymentAsync(student, booking);
        await market.PayAsync(student, paymentId, "pm_card_visa");
        (await market.WaitForSagaEndAsync(student, booking)).GetProperty("outcome").GetString().Should().Be("confirmed");
        var succeededEvents = await platform.CountRowsAsync("payments", "outbox_messages WHERE topic = 'payment.succeeded'");

        // Stripe delivers at least once: the stand-in sends the same event (same id, same signature scheme) again.
        var eventId = await market.StripeEventIdAsync("payment_intent.succeeded", paymentId);
        using (var redeliver = await platform.StripeStandIn.PostAsync($"/standin/events/{eventId}/redeliver", null))
        {
            redeliver.IsSuccessStatusCode.Should().BeTrue(await redeliver.Content.ReadAsStringAsync());
        }

        await Eventually.UntilAsync("the redelivery to be answered", _ => market.StripeDeliveriesAsync(eventId), n => n >= 2, TimeSpan.FromSeconds(30), n => $"{n} deliveries");
        (await platform.CountRowsAsync("payments", "outbox_messages WHERE topic = 'payment.succeeded'")).Should().Be(succeededEvents);

        // A forged webhook: a signature made with the wrong secret is refused before anything is parsed.
        var before = await platform.CountRowsAsync("payments", "stripe_events");
        var body = JsonSerializer.Serialize(new { id = $"evt_forged_{Guid.NewGuid():N}", type = "payment_intent.succeeded", data = new { @object = new { id = "pi_forged" } } });
        using var forged = new HttpRequestMessage(HttpMethod.Post, "/api/payments/webhooks/stripe") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        forged.Headers.TryAddWithoutValidation("Stripe-Signature", $"t={DateTimeOffset.UtcNow.ToUnixTimeSeconds()},v1={new string('a', 64)}");
        using var refused = await platform.Gateway.SendAsync(forged);
        refused.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        await refused.ReadProblemAsync();
        (await platform.CountRowsAsync("payments", "stripe_events")).Should().Be(before);
    }

    [Theory]
    [InlineData(48, 100)]
    [InlineData(3, 50)]
    public async Task Cancelling_a_confirmed_booking_refunds_by_the_policy(int hoursAhead, int percent)
    {
        var market = new Marketplace(platform);
        var tutor = await market.NewTutorAsync(hourlyRate: 4500);
        var student = await market.NewStudentAsync();
        var booking = await market.BookAsync(student, tutor, Marketplace.SlotStart(TimeSpan.FromHours(hoursAhead)), 60);
        var paymentId = await market.WaitForPaymentAsync(student, booking);
        await market.PayAsync(student, paymentId, "pm_card_visa");
        (await market.WaitForSagaEndAsync(student, booking)).GetProperty("outcome").GetString().Should().Be("confirmed");

        var cancel = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Post, $"/api/bookings/{booking.BookingId}/cancel", student.Token, new { reason = "plans changed" });
        cancel.StatusCode.Should().Be(HttpStatusCode.Accepted, await cancel.Content.ReadAsStringAsync());

        var expectedRefund = 4500L * percent / 100;
        var cancelled = await Eventually.UntilAsync(
            "the booking to be refunded",
            _ => market.GetBookingAsync(student, booking),
            b => b.GetProperty("status").GetString() is "refunded" or "cancelled",
            TimeSpan.FromSeconds(60),
            b => $"{b} — cancellation saga: {market.EngineStateAsync($"booking-cancel-{booking.BookingId:N}").GetAwaiter().GetResult()}");
        cancelled.GetProperty("status").GetString().Should().Be("refunded");
        cancelled.GetProperty("refund").GetProperty("amount").GetInt64().Should().Be(expectedRefund);
        var payment = await Eventually.UntilAsync(
            "Stripe's charge.refunded to reach payments",
            _ => market.GetPaymentAsync(student, paymentId),
            p => p.GetProperty("refunded").GetProperty("amount").GetInt64() == expectedRefund,
            TimeSpan.FromSeconds(60),
            p => p.ToString());
        payment.GetProperty("status").GetString().Should().Be(percent == 100 ? "refunded" : "partiallyRefunded");
        await market.WaitForNotificationAsync(student.Token, "payment-refunded");
    }

    // Issue 14, as measured: a booking requested, the whole platform SIGKILLed 0.4 s later and restarted, with booking itself back
    // only later. The saga must ride that out (its steps retry until the slot hold runs out) and end in a business
    // outcome — never FAILED, never with the sidecar's "circuit breaker is open" in front of the student. Booking stays down
    // until the saga has failed on a booking step three times (1 + 2 + 4 s of back-off), not for a fixed minute — unless the
    // saga had passed every booking step before the kill.
    [Fact]
    public async Task A_booking_saga_rides_out_a_whole_platform_restart_with_booking_down_through_three_of_its_retries()
    {
        var market = new Marketplace(platform);
        var tutor = await market.NewTutorAsync(hourlyRate: 4000);
        var student = await market.NewStudentAsync();
        var start = Marketplace.SlotStart(TimeSpan.FromDays(4));
        var apps = platform.Host.Apps.Select(a => a.AppId).ToList();

        var booking = await market.BookAsync(student, tutor, start, 60);
        await Task.Delay(TimeSpan.FromMilliseconds(400));
        foreach (var app in apps)
        {
            await platform.Host.StopAppAsync(app, DevHost.AppStopMode.Kill);
        }

        try
        {
            // All at once, as a platform restart starts them (one by one took most of a minute here).
            await Task.WhenAll(apps.Where(a => a != "booking").Select(a => platform.StartAppAsync(a)));

            // The workflows app resumes the saga now, while booking is not listening: its steps keep failing transiently —
            // refused connections, "app is not in a healthy state" once the sidecar's health checks see booking gone, or
            // workflows' sidecar's open circuit breaker after six failures in a row (appBreaker).
            await Eventually.UntilAsync("the saga to fail on booking three times, or to wait for payment",
                _ => BookingOutageMetAsync(booking), met => met is not null, TimeSpan.FromSeconds(90),
                _ => $"saga: {market.EngineStateAsync(BookingSagaInstanceId(booking)).GetAwaiter().GetResult()}",
                interval: TimeSpan.FromMilliseconds(250));
        }
        finally
        {
            await platform.StartAppAsync("booking");
        }

        var saga = await market.WaitForSagaEndOrPaymentAsync(student, booking);
        saga.ToString().Should().NotContainAny(["circuit breaker", "failed to invoke"]);
        saga.GetProperty("status").GetString().Should().NotBe("FAILED", saga.ToString());
        saga.GetProperty("step").GetString().Should().Be("AwaitingPayment", "the saga waited for booking and carried on: " + saga);

        var paymentId = await market.WaitForPaymentAsync(student, booking);
        await market.PayAsync(student, paymentId, "pm_card_visa");
        var end = await market.WaitForSagaEndAsync(student, booking);
        end.GetProperty("outcome").GetString().Should().Be("confirmed", end.ToString());
        (await market.GetBookingAsync(student, booking)).GetProperty("status").GetString().Should().Be("confirmed");
    }

    /// <summary>The booking-payment saga's instance id, as booking names it (BookingRequestId.WorkflowInstanceIdFor).</summary>
    private static string BookingSagaInstanceId(BookingRequest booking) => $"booking-{booking.BookingId:N}";

    /// <summary>
    /// How far the saga has met booking's outage: its custom status while a booking step waits to retry after three failed
    /// attempts or more, or "AwaitingPayment" when it had passed every booking step before the kill; null while neither.
    /// </summary>
    private async Task<string?> BookingOutageMetAsync(BookingRequest booking)
    {
        var (_, saga) = await WorkflowInstances.GetAsync(platform.WorkflowsSidecar, BookingSagaInstanceId(booking));
        if (saga is not { } instance || WorkflowInstances.CustomStatus(instance) is not { } progress) { return null; }
        if (progress.GetProperty("step").GetString() == "AwaitingPayment") { return "AwaitingPayment"; }
        var waiting = progress.TryGetProperty("reason", out var reason) ? reason.GetString() : null;
        var attempt = waiting is null ? null : NextAttemptOnBooking().Match(waiting);
        return attempt is { Success: true } && int.Parse(attempt.Groups[1].Value, CultureInfo.InvariantCulture) >= 4 ? progress.ToString() : null;
    }

    /// <summary>The saga steps' waiting reason for a booking step: "waiting for booking to answer (attempt N at HH:mm:ss UTC)".</summary>
    [GeneratedRegex(@"^waiting for booking to answer \(attempt (\d+) ")]
    private static partial Regex NextAttemptOnBooking();

    [Fact]
    public async Task Twenty_students_racing_for_one_slot_leave_exactly_one_confirmed_booking()
    {
        var market = new Marketplace(platform);
        var tutor = await market.NewTutorAsync(hourlyRate: 5000);
        var start = Marketplace.SlotStart(TimeSpan.FromDays(5));
        var students = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => market.NewStudentAsync()));

        var bookings = await Task.WhenAll(students.Select(s => market.BookAsync(s, tutor, start, 60)));
        var ends = await Task.WhenAll(bookings.Select((b, i) => market.WaitForSagaEndOrPaymentAsync(students[i], b)));

        var waiting = ends.Select((e, i) => (End: e, Index: i)).Where(x => x.End.GetProperty("step").GetString() == "AwaitingPayment").ToList();
        waiting.Should().ContainSingle("one hold wins; the others are refused at HoldSlot");
        ends.Where(e => e.GetProperty("step").GetString() != "AwaitingPayment")
            .Should().HaveCount(19).And.OnlyContain(e => e.GetProperty("outcome").GetString() == "rejected");

        var winner = waiting.Single().Index;
        var paymentId = await market.WaitForPaymentAsync(students[winner], bookings[winner]);
        await market.PayAsync(students[winner], paymentId, "pm_card_visa");
        (await market.WaitForSagaEndAsync(students[winner], bookings[winner])).GetProperty("outcome").GetString().Should().Be("confirmed");
        (await platform.CountRowsAsync("payments", $"payments WHERE booking_id IN ({string.Join(',', bookings.Select(b => $"'{b.BookingId}'"))})"))
            .Should().Be(1, "no payment intent was created for a refused hold");
    }
}
