using System.Net;
using System.Net.Http.Json;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;

namespace DaprPlatform.Tutoring.Tests.Api;

public sealed class HoldTests(TutoringFixture fx) : IClassFixture<TutoringFixture>
{
    private async Task<long> LiveHoldsAsync(Guid tutorId) =>
        (await fx.ScalarAsync($"SELECT count(*) FROM slot_holds WHERE tutor_id = '{tutorId}' AND status IN ('held', 'booked')"));

    [Fact]
    public async Task A_hold_answers_201_with_the_price_and_expiry()
    {
        var tutorId = await fx.CreateTutorAsync(rate: 4999, name: "Priced Tutor");
        var bookingId = Guid.NewGuid();
        var start = fx.QuarterHourAhead(TimeSpan.FromDays(1));

        using var response = await fx.HoldAsync(bookingId, tutorId, start, 45);

        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var hold = await TutoringFixture.BodyAsync(response);
        hold.GetProperty("bookingId").GetGuid().Should().Be(bookingId);
        hold.GetProperty("tutorId").GetGuid().Should().Be(tutorId);
        hold.GetProperty("tutorName").GetString().Should().Be("Priced Tutor");
        hold.GetProperty("studentId").GetGuid().Should().Be(TutoringFixture.StudentOf(bookingId));
        hold.GetProperty("start").GetDateTimeOffset().Should().Be(start);
        hold.GetProperty("end").GetDateTimeOffset().Should().Be(start.AddMinutes(45));
        hold.GetProperty("price").GetProperty("amount").GetInt64().Should().Be(3749, "4999 × 45 / 60 = 3749.25");
        hold.GetProperty("price").GetProperty("currency").GetString().Should().Be("USD");
        hold.GetProperty("status").GetString().Should().Be("held");
        hold.GetProperty("expiresAt").GetDateTimeOffset().Should().Be(fx.Clock.GetUtcNow().AddMinutes(20), "Tutoring:HoldMinutes defaults to 20");
    }

    [Fact]
    public async Task The_same_booking_twice_is_one_row_and_the_same_answer()
    {
        // Saga activities run at least once: a repeated HoldSlot must not take a second slot or fail.
        var tutorId = await fx.CreateTutorAsync();
        var bookingId = Guid.NewGuid();
        var start = fx.QuarterHourAhead(TimeSpan.FromDays(1));

        using var first = await fx.HoldAsync(bookingId, tutorId, start);
        using var second = await fx.HoldAsync(bookingId, tutorId, start);

        first.StatusCode.Should().Be(HttpStatusCode.Created);
        second.StatusCode.Should().Be(HttpStatusCode.OK);
        (await second.Content.ReadAsStringAsync()).Should().Be(await first.Content.ReadAsStringAsync());
        (await fx.ScalarAsync($"SELECT count(*) FROM slot_holds WHERE booking_id = '{bookingId}'")).Should().Be(1);
    }

    [Fact]
    public async Task The_same_booking_for_another_slot_is_a_conflict()
    {
        var tutorId = await fx.CreateTutorAsync();
        var bookingId = Guid.NewGuid();
        var start = fx.QuarterHourAhead(TimeSpan.FromDays(1));
        using var first = await fx.HoldAsync(bookingId, tutorId, start);

        using var other = await fx.HoldAsync(bookingId, tutorId, start.AddHours(2));

        other.StatusCode.Should().Be(HttpStatusCode.Conflict);
        await other.ReadProblemAsync();
        (await LiveHoldsAsync(tutorId)).Should().Be(1);
    }

    [Fact]
    public async Task An_overlapping_hold_is_refused_as_slot_unavailable()
    {
        var tutorId = await fx.CreateTutorAsync();
        var start = fx.QuarterHourAhead(TimeSpan.FromDays(1));
        using var first = await fx.HoldAsync(Guid.NewGuid(), tutorId, start, 60);

        using var overlapping = await fx.HoldAsync(Guid.NewGuid(), tutorId, start.AddMinutes(45), 60);
        using var adjacent = await fx.HoldAsync(Guid.NewGuid(), tutorId, start.AddMinutes(60), 60);

        overlapping.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await overlapping.ReadProblemAsync()).GetProperty("type").GetString().Should().EndWith("slot-unavailable");
        adjacent.StatusCode.Should().Be(HttpStatusCode.Created, "ranges are half-open: touching holds do not overlap");
        (await LiveHoldsAsync(tutorId)).Should().Be(2);
    }

    [Fact]
    public async Task Past_and_unavailable_slots_are_refused_as_slot_unavailable()
    {
        var tutorId = await fx.CreateTutorAsync(rules: new[] { new { day = "monday", start = "09:00", end = "10:00" } });
        var nextMonday = fx.QuarterHourAhead(TimeSpan.FromDays(1)).Date;
        while (nextMonday.DayOfWeek != DayOfWeek.Monday)
        {
            nextMonday = nextMonday.AddDays(1);
        }

        var nine = new DateTimeOffset(nextMonday, TimeSpan.Zero).AddHours(9);
        using var outside = await fx.HoldAsync(Guid.NewGuid(), tutorId, nine.AddMinutes(15), 60);
        using var past = await fx.HoldAsync(Guid.NewGuid(), await fx.CreateTutorAsync(), fx.QuarterHourAhead(TimeSpan.FromDays(-1)), 60);
        using var inside = await fx.HoldAsync(Guid.NewGuid(), tutorId, nine, 60);

        foreach (var refused in new[] { outside, past })
        {
            refused.StatusCode.Should().Be(HttpStatusCode.Conflict);
            (await refused.ReadProblemAsync()).GetProperty("type").GetString().Should().EndWith("slot-unavailable");
        }

        inside.StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [Fact]
    public async Task An_unknown_tutor_is_404()
    {
        using var response = await fx.HoldAsync(Guid.NewGuid(), Guid.NewGuid(), fx.QuarterHourAhead(TimeSpan.FromDays(1)));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        await response.ReadProblemAsync();
    }

    [Fact]
    public async Task An_expired_hold_frees_the_slot()
    {
        var tutorId = await fx.CreateTutorAsync();
        var start = fx.QuarterHourAhead(TimeSpan.FromDays(2));
        var stale = Guid.NewGuid();
        using var first = await fx.HoldAsync(stale, tutorId, start, 60, holdMinutes: 5);
        using var early = await fx.HoldAsync(Guid.NewGuid(), tutorId, start, 60);
        early.StatusCode.Should().Be(HttpStatusCode.Conflict);

        fx.Clock.Advance(TimeSpan.FromMinutes(5));
        using var later = await fx.HoldAsync(Guid.NewGuid(), tutorId, start, 60);

        later.StatusCode.Should().Be(HttpStatusCode.Created, await later.Content.ReadAsStringAsync());
        (await fx.ScalarAsync($"SELECT count(*) FROM slot_holds WHERE booking_id = '{stale}' AND status = 'expired'")).Should().Be(1, "the stale hold is marked in the same transaction");
        (await LiveHoldsAsync(tutorId)).Should().Be(1);

        // Booking the expired hold re-checks the slot: it was taken since.
        using var book = await fx.ChangeHoldAsync(stale, "book");
        book.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await book.ReadProblemAsync()).GetProperty("type").GetString().Should().EndWith("slot-unavailable");
    }

    [Fact]
    public async Task An_expired_hold_is_booked_when_its_slot_is_still_free()
    {
        var tutorId = await fx.CreateTutorAsync();
        var bookingId = Guid.NewGuid();
        using var first = await fx.HoldAsync(bookingId, tutorId, fx.QuarterHourAhead(TimeSpan.FromDays(3)), 60, holdMinutes: 1);
        fx.Clock.Advance(TimeSpan.FromMinutes(2));

        using var book = await fx.ChangeHoldAsync(bookingId, "book");

        book.StatusCode.Should().Be(HttpStatusCode.OK, await book.Content.ReadAsStringAsync());
        (await TutoringFixture.BodyAsync(book)).GetProperty("status").GetString().Should().Be("booked");
    }

    [Fact]
    public async Task Book_and_release_are_idempotent_transitions()
    {
        var tutorId = await fx.CreateTutorAsync();
        var bookingId = Guid.NewGuid();
        var start = fx.QuarterHourAhead(TimeSpan.FromDays(4));
        using var hold = await fx.HoldAsync(bookingId, tutorId, start);

        using var book1 = await fx.ChangeHoldAsync(bookingId, "book");
        using var book2 = await fx.ChangeHoldAsync(bookingId, "book");
        book1.StatusCode.Should().Be(HttpStatusCode.OK);
        book2.StatusCode.Should().Be(HttpStatusCode.OK);
        (await TutoringFixture.BodyAsync(book2)).GetProperty("status").GetString().Should().Be("booked");
        (await book2.Content.ReadAsStringAsync()).Should().Be(await book1.Content.ReadAsStringAsync());

        // A booked slot never expires.
        fx.Clock.Advance(TimeSpan.FromMinutes(30));
        using (var blocked = await fx.HoldAsync(Guid.NewGuid(), tutorId, start))
        {
            blocked.StatusCode.Should().Be(HttpStatusCode.Conflict);
        }

        using var release1 = await fx.ChangeHoldAsync(bookingId, "release");
        using var release2 = await fx.ChangeHoldAsync(bookingId, "release");
        release1.StatusCode.Should().Be(HttpStatusCode.OK);
        release2.StatusCode.Should().Be(HttpStatusCode.OK);
        (await TutoringFixture.BodyAsync(release2)).GetProperty("status").GetString().Should().Be("released");

        using var bookReleased = await fx.ChangeHoldAsync(bookingId, "book");
        bookReleased.StatusCode.Should().Be(HttpStatusCode.Conflict, "a released hold cannot be booked");
        await bookReleased.ReadProblemAsync();

        // Releasing a booked hold frees the slot.
        using var again = await fx.HoldAsync(Guid.NewGuid(), tutorId, start);
        again.StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Unknown_bookings_are_404_for_book_and_release()
    {
        using var book = await fx.ChangeHoldAsync(Guid.NewGuid(), "book");
        using var release = await fx.ChangeHoldAsync(Guid.NewGuid(), "release");

        book.StatusCode.Should().Be(HttpStatusCode.NotFound);
        release.StatusCode.Should().Be(HttpStatusCode.NotFound);
        await release.ReadProblemAsync();
    }

    [Fact]
    public async Task A_price_change_leaves_existing_holds_alone()
    {
        var tutorId = await fx.CreateTutorAsync(rate: 6000);
        var bookingId = Guid.NewGuid();
        var start = fx.QuarterHourAhead(TimeSpan.FromDays(1));
        using var hold = await fx.HoldAsync(bookingId, tutorId, start);
        using var tutor = fx.As(tutorId, PlatformRoles.Tutor);
        using var price = await tutor.PutAsJsonAsync("/api/tutors/pricing", new { hourlyRate = new { amount = 9000, currency = "USD" } });
        price.StatusCode.Should().Be(HttpStatusCode.OK);

        using var replay = await fx.HoldAsync(bookingId, tutorId, start);

        (await TutoringFixture.BodyAsync(replay)).GetProperty("price").GetProperty("amount").GetInt64().Should().Be(6000);
    }

    [Fact]
    public async Task Internal_routes_refuse_calls_without_a_sidecar_caller()
    {
        // Dapr rule: the sidecar stamps dapr-caller-app-id on every invocation; a direct call has none.
        var tutorId = await fx.CreateTutorAsync();
        var before = await fx.CountsAsync();
        using var direct = fx.As(Guid.NewGuid(), PlatformRoles.Admin);

        using var hold = await direct.PostAsJsonAsync("/internal/holds", new { bookingId = Guid.NewGuid(), tutorId, studentId = Guid.NewGuid(), start = fx.QuarterHourAhead(TimeSpan.FromDays(1)), durationMinutes = 60 });
        using var book = await direct.PostAsync($"/internal/holds/{Guid.NewGuid()}/book", null);
        using var release = await direct.PostAsync($"/internal/holds/{Guid.NewGuid()}/release", null);

        foreach (var response in new[] { hold, book, release })
        {
            response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
            await response.ReadProblemAsync();
        }

        (await fx.CountsAsync()).Should().Be(before);
    }

    [Fact]
    public async Task A_release_racing_books_is_never_lost()
    {
        var tutorId = await fx.CreateTutorAsync();
        var bookingId = Guid.NewGuid();
        var start = fx.QuarterHourAhead(TimeSpan.FromDays(6));
        using (var hold = await fx.HoldAsync(bookingId, tutorId, start))
        {
            hold.StatusCode.Should().Be(HttpStatusCode.Created);
        }

        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = Enumerable.Range(0, 12).Select(i => Task.Run(async () =>
        {
            await go.Task;
            var action = i % 2 == 0 ? "book" : "release";
            using var response = await fx.ChangeHoldAsync(bookingId, action);
            return (Action: action, response.StatusCode);
        })).ToList();
        go.SetResult();
        var results = await Task.WhenAll(calls);

        // Release is allowed from every state and book never from released, so once a release answered 200 the
        // hold must end released: a book that read "held" before it must not overwrite it.
        results.Where(r => r.Action == "release").Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        results.Where(r => r.Action == "book").Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK || r.StatusCode == HttpStatusCode.Conflict);
        (await fx.TextAsync($"SELECT status::text FROM slot_holds WHERE booking_id = '{bookingId}'")).Should().Be("released");
    }

    [Fact]
    public async Task Twenty_concurrent_holds_on_one_slot_one_wins()
    {
        var tutorId = await fx.CreateTutorAsync();
        var start = fx.QuarterHourAhead(TimeSpan.FromDays(5));
        var bookings = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToList();
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var calls = bookings.Select(id => Task.Run(async () =>
        {
            await go.Task;
            using var response = await fx.HoldAsync(id, tutorId, start);
            return (response.StatusCode, Problem: response.IsSuccessStatusCode ? null : (await response.ReadProblemAsync()).GetProperty("type").GetString());
        })).ToList();
        go.SetResult();
        var results = await Task.WhenAll(calls);

        results.Count(r => r.StatusCode == HttpStatusCode.Created).Should().Be(1);
        results.Where(r => r.StatusCode != HttpStatusCode.Created).Should().HaveCount(19)
            .And.OnlyContain(r => r.StatusCode == HttpStatusCode.Conflict && r.Problem!.EndsWith("slot-unavailable", StringComparison.Ordinal));
        (await LiveHoldsAsync(tutorId)).Should().Be(1);
        (await fx.ScalarAsync($"SELECT count(*) FROM slot_holds WHERE tutor_id = '{tutorId}'")).Should().Be(1, "refused holds write nothing");
    }
}
