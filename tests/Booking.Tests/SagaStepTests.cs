using System.Net;
using System.Text.Json;
using DaprPlatform.TestSupport;
using Npgsql;

namespace DaprPlatform.Booking.Tests;

/// <summary>
/// The invocation-only routes the sagas call. Dapr runs workflow activities at least once, so each step is sent again
/// with the same input: a repeat must answer 200 with the same body and leave exactly one effect (one outbox row).
/// </summary>
public sealed class SagaStepTests(BookingFixture fx) : IClassFixture<BookingFixture>
{
    private static DateTimeOffset Tomorrow => BookingFixture.QuarterHour(TimeSpan.FromDays(2));

    [Fact]
    public async Task Create_is_201_then_200_with_the_same_booking_and_one_requested_event()
    {
        var bookingId = Guid.NewGuid();
        var body = BookingFixture.CreateBody(bookingId, Guid.NewGuid(), Guid.NewGuid(), Tomorrow, minutes: 45, amount: 3375);
        using var saga = fx.Saga();

        var first = await BookingFixture.ExpectAsync(await saga.PostAsync("/internal/bookings", BookingFixture.Json(body)), 201);
        var second = await BookingFixture.ExpectAsync(await saga.PostAsync("/internal/bookings", BookingFixture.Json(body)), 200);

        second.GetRawText().Should().Be(first.GetRawText());
        first.GetProperty("status").GetString().Should().Be("pending");
        first.GetProperty("durationMinutes").GetInt32().Should().Be(45);
        first.GetProperty("price").GetProperty("amount").GetInt64().Should().Be(3375);
        first.GetProperty("price").GetProperty("currency").GetString().Should().Be("USD");
        first.GetProperty("workflowInstanceId").GetString().Should().Be($"booking-{bookingId:N}");
        var events = await fx.EventsAsync(bookingId);
        events.Select(e => e.Topic).Should().Equal("booking.requested");
        var data = events[0].Data;
        data.GetProperty("status").GetString().Should().Be("pending");
        data.GetProperty("studentName").GetString().Should().Be("Stu Dent");
        data.GetProperty("tutorName").GetString().Should().Be("Tu Tor");
        data.GetProperty("subject").GetString().Should().Be("Algebra");
        data.GetProperty("price").GetProperty("amount").GetInt64().Should().Be(3375);
        data.GetProperty("end").GetDateTimeOffset().Should().Be(Tomorrow.AddMinutes(45));
        data.TryGetProperty("occurredAt", out _).Should().BeTrue();
    }

    [Fact]
    public async Task Create_with_the_same_id_but_other_details_is_409_and_changes_nothing()
    {
        var bookingId = Guid.NewGuid();
        var studentId = Guid.NewGuid();
        var tutorId = Guid.NewGuid();
        using var saga = fx.Saga();
        await BookingFixture.ExpectAsync(await saga.PostAsync("/internal/bookings", BookingFixture.Json(BookingFixture.CreateBody(bookingId, studentId, tutorId, Tomorrow))), 201);
        var before = await fx.CountsAsync();

        using var response = await saga.PostAsync("/internal/bookings", BookingFixture.Json(BookingFixture.CreateBody(bookingId, studentId, tutorId, Tomorrow, amount: 9999)));

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await response.ReadProblemAsync()).GetProperty("type").GetString().Should().EndWith("booking-mismatch");
        (await fx.CountsAsync()).Should().Be(before);
    }

    [Fact]
    public async Task Concurrent_creates_of_one_booking_give_one_row_and_one_event()
    {
        var bookingId = Guid.NewGuid();
        var body = BookingFixture.CreateBody(bookingId, Guid.NewGuid(), Guid.NewGuid(), Tomorrow);

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            using var saga = fx.Saga();
            using var response = await saga.PostAsync("/internal/bookings", BookingFixture.Json(body));
            return (int)response.StatusCode;
        }));

        answers.Should().OnlyContain(s => s == 200 || s == 201).And.ContainSingle(s => s == 201);
        (await fx.EventsAsync(bookingId)).Should().ContainSingle();
    }

    public static TheoryData<string, string, string?> RepeatableSteps() => new()
    {
        // seeded status, route suffix, JSON body ("{payment}" stands for the seeded booking's payment)
        { "pending", "awaiting-payment", """{"paymentId":"0b7a4a59-5b8f-4a83-9bb3-2f1f3d9f0a11","paymentIntentId":"pi_123"}""" },
        { "awaitingPayment", "confirm", null },
        { "awaitingPayment", "cancel", """{"reason":"payment failed"}""" },
        { "confirmed", "cancel", """{"reason":"student cancelled","refund":{"amount":2250,"currency":"USD"}}""" },
        { "confirmed", "cancel", """{"reason":"student cancelled late","refund":{"amount":0,"currency":"USD"}}""" },
    };

    [Theory]
    [MemberData(nameof(RepeatableSteps))]
    public async Task A_repeated_step_answers_the_same_body_and_has_one_effect(string seeded, string step, string? body)
    {
        var booking = await fx.SeedAsync(Guid.NewGuid(), Guid.NewGuid(), BookingFixture.QuarterHour(TimeSpan.FromDays(3)), seeded);
        var bookingId = booking.GetProperty("bookingId").GetGuid();
        var eventsBefore = (await fx.EventsAsync(bookingId)).Count;
        using var saga = fx.Saga();

        var first = await BookingFixture.ExpectAsync(await saga.PostAsync($"/internal/bookings/{bookingId}/{step}", Content(body)), 200);
        var second = await BookingFixture.ExpectAsync(await saga.PostAsync($"/internal/bookings/{bookingId}/{step}", Content(body)), 200);

        second.GetRawText().Should().Be(first.GetRawText());
        first.GetProperty("status").GetString().Should().NotBe(seeded);
        var events = await fx.EventsAsync(bookingId);
        // awaiting-payment publishes nothing; every other step publishes exactly one event however often it runs.
        events.Should().HaveCount(eventsBefore + (step == "awaiting-payment" ? 0 : 1));
    }

    [Fact]
    public async Task Cancelling_a_confirmed_booking_with_a_refund_makes_it_refunded_and_says_so_in_the_event()
    {
        var booking = await fx.SeedAsync(Guid.NewGuid(), Guid.NewGuid(), BookingFixture.QuarterHour(TimeSpan.FromDays(3)), "confirmed");
        var bookingId = booking.GetProperty("bookingId").GetGuid();
        using var saga = fx.Saga();

        var refunded = await BookingFixture.ExpectAsync(await saga.PostAsync($"/internal/bookings/{bookingId}/cancel",
            BookingFixture.Json(new { reason = "student cancelled", refund = new { amount = 2250, currency = "USD" } })), 200);

        refunded.GetProperty("status").GetString().Should().Be("refunded");
        refunded.GetProperty("refund").GetProperty("amount").GetInt64().Should().Be(2250);
        refunded.GetProperty("cancellationReason").GetString().Should().Be("student cancelled");
        var events = await fx.EventsAsync(bookingId);
        events.Select(e => e.Topic).Should().Equal("booking.requested", "booking.confirmed", "booking.cancelled");
        events[^1].Data.GetProperty("status").GetString().Should().Be("refunded");
        events[^1].Data.GetProperty("refund").GetProperty("amount").GetInt64().Should().Be(2250);
        events[^1].Data.GetProperty("cancellationReason").GetString().Should().Be("student cancelled");
        events[^1].Data.GetProperty("previousStatus").GetString().Should().Be("confirmed", "the tutor of a confirmed booking must hear of its cancellation");
        events[0].Data.GetProperty("previousStatus").ValueKind.Should().Be(JsonValueKind.Null, "a new booking left no status");
    }

    public static TheoryData<string, string, string?> IllegalSteps() => new()
    {
        // seeded status, route suffix, JSON body
        { "pending", "confirm", null },
        { "confirmed", "awaiting-payment", """{"paymentId":"0b7a4a59-5b8f-4a83-9bb3-2f1f3d9f0a11","paymentIntentId":"pi_123"}""" },
        { "awaitingPayment", "awaiting-payment", """{"paymentId":"0b7a4a59-5b8f-4a83-9bb3-2f1f3d9f0a11","paymentIntentId":"pi_other"}""" },
        { "cancelled", "confirm", null },
        { "cancelled", "awaiting-payment", """{"paymentId":"0b7a4a59-5b8f-4a83-9bb3-2f1f3d9f0a11","paymentIntentId":"pi_123"}""" },
        { "cancelled", "cancel", """{"reason":"a different reason"}""" },
        { "refunded", "confirm", null },
        { "refunded", "cancel", """{"reason":"student cancelled"}""" },
        { "pending", "cancel", """{"reason":"x","refund":{"amount":100,"currency":"USD"}}""" },
        { "confirmed", "cancel", """{"reason":"x","refund":{"amount":4501,"currency":"USD"}}""" },
        { "confirmed", "cancel", """{"reason":"x","refund":{"amount":100,"currency":"EUR"}}""" },
    };

    [Theory]
    [MemberData(nameof(IllegalSteps))]
    public async Task An_illegal_transition_is_409_and_changes_nothing(string seeded, string step, string? body)
    {
        var booking = await fx.SeedAsync(Guid.NewGuid(), Guid.NewGuid(), BookingFixture.QuarterHour(TimeSpan.FromDays(3)), seeded);
        var bookingId = booking.GetProperty("bookingId").GetGuid();
        var eventsBefore = await fx.EventsAsync(bookingId);
        using var saga = fx.Saga();

        using var response = await saga.PostAsync($"/internal/bookings/{bookingId}/{step}", Content(body));

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        var problem = await response.ReadProblemAsync();
        problem.GetProperty("type").GetString().Should().EndWith("illegal-transition");
        problem.GetProperty("bookingStatus").GetString().Should().Be(seeded);
        using var reread = await fx.Student(booking.GetProperty("studentId").GetGuid()).GetAsync($"/api/bookings/{bookingId}");
        (await BookingFixture.ExpectAsync(reread, 200)).GetRawText().Should().Be(booking.GetRawText(), "nothing about the booking changed");
        (await fx.EventsAsync(bookingId)).Should().HaveCount(eventsBefore.Count);
    }

    [Fact]
    public async Task Steps_on_an_unknown_booking_are_404()
    {
        using var saga = fx.Saga();
        var id = Guid.NewGuid();

        using var confirm = await saga.PostAsync($"/internal/bookings/{id}/confirm", null);
        using var quote = await saga.GetAsync($"/internal/bookings/{id}/refund-quote?at=2030-01-01T00:00:00Z&requestedBy=student");

        confirm.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await confirm.ReadProblemAsync()).GetProperty("detail").GetString().Should().Contain(id.ToString());
        quote.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Theory]
    // hours before start, requested by, percent, refund of a 4999 JPY session
    [InlineData(48, "student", 100, 4999)]
    [InlineData(24, "student", 100, 4999)]
    [InlineData(3, "student", 50, 2499)]
    [InlineData(2, "student", 50, 2499)]
    [InlineData(1, "student", 0, 0)]
    [InlineData(1, "tutor", 100, 4999)]
    public async Task Refund_quote_applies_the_configured_policy(int hoursBefore, string requestedBy, int percent, long refund)
    {
        var start = BookingFixture.QuarterHour(TimeSpan.FromDays(5));
        var booking = await fx.SeedAsync(Guid.NewGuid(), Guid.NewGuid(), start, "confirmed", amount: 4999, currency: "JPY");
        var bookingId = booking.GetProperty("bookingId").GetGuid();
        var at = start.AddHours(-hoursBefore).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        using var saga = fx.Saga();

        var quote = await BookingFixture.ExpectAsync(await saga.GetAsync($"/internal/bookings/{bookingId}/refund-quote?at={at}&requestedBy={requestedBy}"), 200);

        quote.GetProperty("bookingId").GetGuid().Should().Be(bookingId);
        quote.GetProperty("percent").GetInt32().Should().Be(percent);
        quote.GetProperty("refund").GetProperty("amount").GetInt64().Should().Be(refund);
        quote.GetProperty("refund").GetProperty("currency").GetString().Should().Be("JPY");
        quote.GetProperty("hoursBeforeStart").GetDouble().Should().Be(hoursBefore);
        quote.GetProperty("paymentId").GetGuid().Should().NotBeEmpty();
    }

    [Theory]
    [InlineData("pending")]
    [InlineData("awaitingPayment")]
    [InlineData("cancelled")]
    [InlineData("refunded")]
    public async Task Refund_quote_for_a_booking_that_is_not_confirmed_is_409(string status)
    {
        var booking = await fx.SeedAsync(Guid.NewGuid(), Guid.NewGuid(), BookingFixture.QuarterHour(TimeSpan.FromDays(5)), status);
        using var saga = fx.Saga();

        using var response = await saga.GetAsync($"/internal/bookings/{booking.GetProperty("bookingId").GetGuid()}/refund-quote?at=2030-01-01T00:00:00Z&requestedBy=student");

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await response.ReadProblemAsync()).GetProperty("type").GetString().Should().EndWith("illegal-transition");
    }

    [Fact]
    public async Task Saga_steps_refuse_callers_that_did_not_come_through_a_sidecar()
    {
        var before = await fx.CountsAsync();
        // Invocation-only routes need the dapr-caller-app-id header the sidecar stamps; a bearer token is not enough.
        using var client = fx.Admin();

        using var response = await client.PostAsync("/internal/bookings",
            BookingFixture.Json(BookingFixture.CreateBody(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Tomorrow)));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        await response.ReadProblemAsync();
        (await fx.CountsAsync()).Should().Be(before);
    }

    private static StringContent? Content(string? json) =>
        json is null ? null : new StringContent(json, System.Text.Encoding.UTF8, "application/json");
}

/// <summary>Overlap between confirmed bookings: the app's check and, for races, the database's exclusion constraints.</summary>
public sealed class ConflictTests(BookingFixture fx) : IClassFixture<BookingFixture>
{
    [Fact]
    public async Task Confirming_over_an_existing_confirmed_booking_of_the_tutor_is_409_booking_conflict()
    {
        var tutor = Guid.NewGuid();
        var start = BookingFixture.QuarterHour(TimeSpan.FromDays(4));
        await fx.SeedAsync(Guid.NewGuid(), tutor, start, "confirmed");
        var second = await fx.SeedAsync(Guid.NewGuid(), tutor, start.AddMinutes(30), "awaitingPayment");
        var secondId = second.GetProperty("bookingId").GetGuid();
        using var saga = fx.Saga();

        using var response = await saga.PostAsync($"/internal/bookings/{secondId}/confirm", null);

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        var problem = await response.ReadProblemAsync();
        problem.GetProperty("type").GetString().Should().EndWith("booking-conflict");
        problem.GetProperty("detail").GetString().Should().Contain("tutor");
        (await fx.EventsAsync(secondId)).Select(e => e.Topic).Should().Equal("booking.requested");
    }

    [Fact]
    public async Task A_student_cannot_have_two_overlapping_confirmed_bookings_with_different_tutors()
    {
        var student = Guid.NewGuid();
        var start = BookingFixture.QuarterHour(TimeSpan.FromDays(4));
        await fx.SeedAsync(student, Guid.NewGuid(), start, "confirmed");
        var second = await fx.SeedAsync(student, Guid.NewGuid(), start.AddMinutes(45), "awaitingPayment");
        using var saga = fx.Saga();

        using var response = await saga.PostAsync($"/internal/bookings/{second.GetProperty("bookingId").GetGuid()}/confirm", null);

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await response.ReadProblemAsync()).GetProperty("detail").GetString().Should().Contain("student");
    }

    [Fact]
    public async Task Back_to_back_bookings_both_confirm()
    {
        var tutor = Guid.NewGuid();
        var start = BookingFixture.QuarterHour(TimeSpan.FromDays(4));
        await fx.SeedAsync(Guid.NewGuid(), tutor, start, "confirmed");

        await fx.SeedAsync(Guid.NewGuid(), tutor, start.AddMinutes(60), "confirmed");
    }

    [Fact]
    public async Task Two_overlapping_bookings_of_one_tutor_confirmed_concurrently_give_exactly_one_409()
    {
        // Run several rounds: the app-level check usually catches the loser; when both pass it at once, the exclusion
        // constraint (SQLSTATE 23P01) must turn the second commit into the same 409.
        for (var round = 0; round < 5; round++)
        {
            var tutor = Guid.NewGuid();
            var start = BookingFixture.QuarterHour(TimeSpan.FromDays(6 + round));
            var a = (await fx.SeedAsync(Guid.NewGuid(), tutor, start, "awaitingPayment")).GetProperty("bookingId").GetGuid();
            var b = (await fx.SeedAsync(Guid.NewGuid(), tutor, start.AddMinutes(15), "awaitingPayment")).GetProperty("bookingId").GetGuid();

            var answers = await Task.WhenAll(new[] { a, b }.Select(async id =>
            {
                using var saga = fx.Saga();
                using var response = await saga.PostAsync($"/internal/bookings/{id}/confirm", null);
                var type = response.StatusCode == HttpStatusCode.Conflict ? (await response.ReadProblemAsync()).GetProperty("type").GetString() : null;
                return ((int)response.StatusCode, type);
            }));

            answers.Select(x => x.Item1).Should().BeEquivalentTo([200, 409]);
            answers.Single(x => x.Item1 == 409).type.Should().EndWith("booking-conflict");
            var confirmedEvents = (await fx.EventsAsync(a)).Concat(await fx.EventsAsync(b)).Count(e => e.Topic == "booking.confirmed");
            confirmedEvents.Should().Be(1);
        }
    }

    [Fact]
    public async Task A_confirmation_racing_an_uncommitted_rival_is_refused_by_the_exclusion_constraint_as_409()
    {
        var tutor = Guid.NewGuid();
        var start = BookingFixture.QuarterHour(TimeSpan.FromDays(30));
        var rival = (await fx.SeedAsync(Guid.NewGuid(), tutor, start, "awaitingPayment")).GetProperty("bookingId").GetGuid();
        var mine = (await fx.SeedAsync(Guid.NewGuid(), tutor, start.AddMinutes(15), "awaitingPayment")).GetProperty("bookingId").GetGuid();

        // The rival is confirmed in a transaction that has not committed: the app's check cannot see it yet, so only the
        // constraint can stop the second confirmation (its UPDATE waits on the rival's row, then fails with 23P01).
        await using var connection = new NpgsqlConnection(fx.Database.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var confirmRival = new NpgsqlCommand("UPDATE bookings SET status = 'Confirmed' WHERE id = @id", connection, transaction))
        {
            confirmRival.Parameters.AddWithValue("id", rival);
            await confirmRival.ExecuteNonQueryAsync();
        }

        using var saga = fx.Saga();
        var confirming = saga.PostAsync($"/internal/bookings/{mine}/confirm", null);
        await Eventually.UntilAsync(
            "the confirmation's UPDATE to wait on the rival's uncommitted row",
            async ct =>
            {
                await using var observer = new NpgsqlConnection(fx.Database.ConnectionString);
                await observer.OpenAsync(ct);
                await using var waiting = new NpgsqlCommand(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'UPDATE%bookings%'", observer);
                return Convert.ToInt64(await waiting.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
            },
            waiting => waiting > 0 || confirming.IsCompleted,
            TimeSpan.FromSeconds(30),
            waiting => $"{waiting} waiting statements");
        await transaction.CommitAsync();

        using var response = await confirming;

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await response.ReadProblemAsync()).GetProperty("type").GetString().Should().EndWith("booking-conflict");
        (await fx.EventsAsync(mine)).Select(e => e.Topic).Should().Equal("booking.requested");
        var stored = await fx.Factory.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.Bookings, b => b.Id == mine));
        stored.Status.Should().Be(Domain.BookingStatus.AwaitingPayment);
    }

    [Fact]
    public async Task The_database_constraint_alone_refuses_the_second_confirmation()
    {
        var tutor = Guid.NewGuid();
        var start = BookingFixture.QuarterHour(TimeSpan.FromDays(20));
        await fx.SeedAsync(Guid.NewGuid(), tutor, start, "confirmed");
        var second = (await fx.SeedAsync(Guid.NewGuid(), tutor, start, "awaitingPayment")).GetProperty("bookingId").GetGuid();

        // Bypass the app's check: flip the row directly, as a racing writer that passed the check would.
        var write = () => fx.Factory.WithDbAsync(db => Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.ExecuteSqlAsync(
            db.Database, $"UPDATE bookings SET status = 'Confirmed' WHERE id = {second}"));

        (await write.Should().ThrowAsync<Npgsql.PostgresException>()).Which.SqlState.Should().Be("23P01");
    }
}
