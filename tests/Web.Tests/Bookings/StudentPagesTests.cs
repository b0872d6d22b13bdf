using System.Globalization;
using System.Text.Json;
using Bunit;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Web.Features.Bookings;
using DaprPlatform.Web.Features.Tutors;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Web.Tests.Bookings;

/// <summary>JSON the fake services answer with.</summary>
internal static class StudentJson
{

    public static readonly Guid Tutor = Guid.Parse("7d3c1f0e-5b6a-4f1e-9c2d-8a7b6c5d4e3f");

    public static string Profile() =>
        $$"""{"tutorId":"{{Tutor}}","displayName":"Tess Tutor","bio":"Patient maths tutor.","subjects":["algebra","geometry"],"hourlyRate":{"amount":4000,"currency":"USD"},"timezone":"Europe/Berlin","availability":{"rules":[]},"rating":null,"createdAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-01T00:00:00Z"}""";

    public static string Booking(Guid id, string status, Guid? paymentId = null, string? reason = null, string start = "2026-12-08T13:00:00Z") =>
        JsonSerializer.Serialize(new
        {
            bookingId = id, studentId = Guid.NewGuid(), studentName = "Stu", tutorId = Tutor, tutorName = "Tess Tutor", subject = "algebra",
            start, end = DateTimeOffset.Parse(start, CultureInfo.InvariantCulture).AddHours(1), durationMinutes = 60,
            price = new { amount = 4000, currency = "USD" }, status, paymentId, refund = (object?)null, cancellationReason = reason,
            workflowInstanceId = $"booking-{id:N}", createdAt = "2026-12-01T00:00:00Z", updatedAt = "2026-12-01T00:00:00Z",
        }, JsonSerializerOptions.Web);

    public static string Saga(Guid id, string status, string step, string? outcome = null, string? reason = null) =>
        JsonSerializer.Serialize(new { instanceId = $"booking-{id:N}", status, step, outcome, reason, error = (string?)null }, JsonSerializerOptions.Web);
}

public sealed class SlotCalendarViewTests : WebComponentContext
{
    public SlotCalendarViewTests() => Services.AddStudentFeatures().AddReviewFeatures().AddMessagingFeatures();

    protected override string BrowserZone => "Asia/Tokyo";

    protected override CultureInfo Culture => CultureInfo.GetCultureInfo("en-GB");

    [Fact]
    public void Slot_buttons_carry_day_time_and_zone_in_their_names_and_report_the_slot_clicked()
    {
        var tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");
        var slot = new Slot(DateTimeOffset.Parse("2026-12-08T05:00:00Z", CultureInfo.InvariantCulture), DateTimeOffset.Parse("2026-12-08T06:00:00Z", CultureInfo.InvariantCulture));
        var calendar = SlotCalendar.Build([slot], tokyo, new DateOnly(2026, 12, 7));
        Slot? picked = null;

        var view = Render<SlotCalendarView>(p => p.Add(x => x.Calendar, calendar).Add(x => x.OnSelect, (Slot s) => picked = s));

        view.Find("[role=group]").GetAttribute("aria-label").Should().Be("Free slots, times in Asia/Tokyo");
        view.FindAll("h3").Select(h => h.TextContent).Should().HaveCount(7).And.StartWith("Mon 7 Dec");
        var button = view.Find("button.slot");
        button.GetAttribute("aria-label").Should().Be("Book Tue 8 Dec 14:00 (Asia/Tokyo)");
        button.TextContent.Should().Be("14:00");
        view.FindAll("p.none").Should().HaveCount(6, "the other days say they have no free slots");

        button.Click();

        picked.Should().Be(slot);
    }

    [Fact]
    public void The_tutor_page_asks_for_the_students_local_week_and_books_the_slot_clicked()
    {
        var tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");
        var today = SlotCalendar.LocalDate(DateTimeOffset.UtcNow, tokyo);
        var tomorrow = today.AddDays(1);
        var start = SlotCalendar.FromLocal(tomorrow.ToDateTime(new TimeOnly(14, 0)), tokyo);
        var bookingId = Guid.NewGuid();
        SignIn(PlatformRoles.Student);
        Answer("tutoring", "GET", $"api/tutors/{StudentJson.Tutor}", 200, StudentJson.Profile());
        Answer("tutoring", "GET", $"api/tutors/{StudentJson.Tutor}/slots", 200,
            $$"""{"tutorId":"{{StudentJson.Tutor}}","durationMinutes":60,"slots":[{"start":"{{start.UtcDateTime:O}}","end":"{{start.AddHours(1).UtcDateTime:O}}"}]}""");
        Answer("booking", "POST", "api/bookings", 202, $$"""{"bookingId":"{{bookingId}}","instanceId":"booking-{{bookingId:N}}","statusUrl":"/api/bookings/{{bookingId}}/saga"}""");

        var page = Render<TutorPage>(p => p.Add(x => x.TutorId, StudentJson.Tutor));

        var name = $"Book {tomorrow.ToString("ddd d MMM", CultureInfo.CurrentCulture)} 14:00 (Asia/Tokyo)";
        page.WaitForAssertion(() => page.Markup.Should().Contain(name), Patience);
        page.Find("h1").TextContent.Should().Be("Tess Tutor");
        page.Markup.Should().Contain("$40.00 per hour");
        var slotsCall = CallsTo("tutoring").Last(c => c.Path.EndsWith("/slots", StringComparison.Ordinal));
        var localMidnight = SlotCalendar.StartOfDay(today, tokyo).UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        slotsCall.RawTarget.Should().Contain("from=" + Uri.EscapeDataString(localMidnight)).And.Contain("durationMinutes=60");

        page.Find($"button[aria-label='{name}']").Click();

        page.WaitForAssertion(() => Services.GetRequiredService<NavigationManager>().Uri.Should().EndWith($"/bookings/{bookingId}"), Patience);
        var request = CallsTo("booking").Single(c => c.Method == "POST");
        request.Headers.Should().ContainKey("Idempotency-Key", "a retried booking request must reach the same saga").WhoseValue.Should().MatchRegex("^[0-9a-f]{32}$");
        var body = JsonDocument.Parse(request.Body).RootElement;
        body.GetProperty("tutorId").GetGuid().Should().Be(StudentJson.Tutor);
        body.GetProperty("start").GetDateTimeOffset().Should().Be(start);
        body.GetProperty("durationMinutes").GetInt32().Should().Be(60);
        body.GetProperty("subject").GetString().Should().Be("algebra");
    }
}

public sealed class BookingProgressTests : WebComponentContext
{
    public BookingProgressTests() => Services.AddStudentFeatures().AddReviewFeatures().AddMessagingFeatures();

    private readonly Guid _bookingId = Guid.NewGuid();
    private readonly Guid _paymentId = Guid.NewGuid();

    private string SagaPath => $"api/bookings/{_bookingId}/saga";

    private string BookingPath => $"api/bookings/{_bookingId}";

    [Fact]
    public void Follows_the_saga_to_the_card_step_and_a_declined_card_ends_cancelled_with_the_reason()
    {
        SignIn(PlatformRoles.Student);
        Answer("booking", "GET", SagaPath, 200, StudentJson.Saga(_bookingId, "RUNNING", "HoldSlot"));
        Answer("booking", "GET", BookingPath, 404, """{"title":"Not Found","status":404}""");

        var page = Render<BookingPage>(p => p.Add(x => x.BookingId, _bookingId));

        page.WaitForAssertion(() => States(page).Should().Equal("running", "waiting", "waiting", "waiting", "waiting"), Patience);

        Answer("booking", "GET", SagaPath, 200, StudentJson.Saga(_bookingId, "RUNNING", "AwaitingPayment"));
        Answer("booking", "GET", BookingPath, 200, StudentJson.Booking(_bookingId, "awaitingPayment", _paymentId));
        page.WaitForAssertion(() => page.Find("legend").TextContent.Should().Be("Test card"), Patience);
        States(page).Should().Equal("done", "done", "done", "running", "waiting");
        page.Find("h2.outcome").TextContent.Should().Be("Awaiting payment");
        page.Markup.Should().Contain("Tess Tutor").And.Contain("(Europe/Berlin)");

        Answer("payments", "POST", $"api/payments/{_paymentId}/confirm", 200,
            $$"""{"paymentId":"{{_paymentId}}","status":"failed","failureCode":"card_declined","failureMessage":"Your card was declined."}""");
        page.Find("input[value=pm_card_chargeDeclined]").Change("pm_card_chargeDeclined");
        page.Find("form").Submit();

        page.WaitForAssertion(() => CallsTo("payments").Should().ContainSingle().Which.Body.Should().Contain("pm_card_chargeDeclined"), Patience);
        const string reason = "payment-failed: card_declined (Your card was declined.)";
        Answer("booking", "GET", SagaPath, 200, StudentJson.Saga(_bookingId, "RUNNING", "CancelBooking", reason: "undoing after AwaitingPayment"));
        page.WaitForAssertion(() => States(page).Should().Equal("done", "running", "undone", "failed", "stopped"), Patience);

        Answer("booking", "GET", SagaPath, 200, StudentJson.Saga(_bookingId, "COMPLETED", "Cancelled", "cancelled", reason));
        Answer("booking", "GET", BookingPath, 200, StudentJson.Booking(_bookingId, "cancelled", _paymentId, reason));
        page.WaitForAssertion(() => page.Find("h2.outcome").TextContent.Should().Be("Cancelled"), Patience);
        page.Find("[role=alert]").TextContent.Should().Contain("Your payment was declined: Your card was declined.");
        States(page).Should().Equal("undone", "undone", "undone", "failed", "stopped");
        page.FindAll("legend").Should().BeEmpty("there is nothing left to pay");

        var calls = CallsTo("booking").Count;
        Thread.Sleep(1600);
        CallsTo("booking").Count.Should().Be(calls, "a settled booking is not polled any more");
    }

    [Fact]
    public void Someone_elses_booking_is_not_found_and_shows_none_of_it()
    {
        SignIn(PlatformRoles.Student);
        Answer("booking", "GET", SagaPath, 404, """{"title":"Not Found","status":404,"detail":"Booking does not exist."}""");
        Answer("booking", "GET", BookingPath, 404, """{"title":"Not Found","status":404,"detail":"Booking does not exist."}""");

        var page = Render<BookingPage>(p => p.Add(x => x.BookingId, _bookingId));

        page.WaitForAssertion(() => page.Find("h1").TextContent.Should().Be("Booking not found"), Patience);
        page.FindAll("dl").Should().BeEmpty();
        page.FindAll("li.saga-step").Should().BeEmpty();
    }

    private static List<string> States(IRenderedComponent<BookingPage> page) =>
        page.FindAll("li.saga-step").Select(li => li.ClassList.Last()).ToList();
}

public sealed class CancelBookingTests : WebComponentContext
{
    public CancelBookingTests() => Services.AddStudentFeatures().AddReviewFeatures().AddMessagingFeatures();

    [Fact]
    public void Cancel_shows_the_refund_quote_first_and_posts_only_after_the_student_confirms()
    {
        var bookingId = Guid.NewGuid();
        SignIn(PlatformRoles.Student);
        Answer("booking", "GET", "api/bookings", 200, $$"""{"items":[{{StudentJson.Booking(bookingId, "confirmed", Guid.NewGuid())}}],"page":1,"pageSize":50,"total":1}""");
        Answer("booking", "GET", $"api/bookings/{bookingId}/refund-quote", 200,
            $$"""{"bookingId":"{{bookingId}}","refund":{"amount":2000,"currency":"USD"},"percent":50,"hoursBeforeStart":5.5,"paymentId":null}""");
        Answer("booking", "POST", $"api/bookings/{bookingId}/cancel", 202, $$"""{"bookingId":"{{bookingId}}","instanceId":"booking-cancel-x","statusUrl":"/api/bookings/{{bookingId}}"}""");
        Answer("booking", "GET", $"api/bookings/{bookingId}", 200, StudentJson.Booking(bookingId, "confirmed"));

        var page = Render<MyBookings>();

        page.WaitForAssertion(() => page.Find("td[data-label=Status]").TextContent.Should().Be("Confirmed"), Patience);
        page.Find("td[data-label=When]").TextContent.Should().Contain("(Europe/Berlin)");
        page.Find("td[data-label=Price]").TextContent.Should().Be("$40.00");

        page.Find("button[aria-label^=Cancel]").Click();

        page.WaitForAssertion(() => page.Find(".quote").TextContent.Should().Be("You get $20.00 back (50 %), cancelling 5 hours before the start."), Patience);
        CallsTo("booking").Should().NotContain(c => c.Method == "POST", "nothing is cancelled before the student confirms");

        page.Find("#reason").Change("plans changed");
        Answer("booking", "GET", $"api/bookings/{bookingId}", 200, StudentJson.Booking(bookingId, "refunded", reason: "plans changed"));
        page.Find("form").Submit();

        page.WaitForAssertion(() => page.Find("td[data-label=Status]").TextContent.Should().Be("Cancelled and refunded"), Patience);
        CallsTo("booking").Single(c => c.Method == "POST").Body.Should().Contain("plans changed");
        page.FindAll("button[aria-label^=Cancel]").Should().BeEmpty();
    }

    [Fact]
    public void Keeping_the_booking_posts_nothing()
    {
        var bookingId = Guid.NewGuid();
        SignIn(PlatformRoles.Student);
        Answer("booking", "GET", "api/bookings", 200, $$"""{"items":[{{StudentJson.Booking(bookingId, "awaitingPayment", Guid.NewGuid())}}],"page":1,"pageSize":50,"total":1}""");
        Answer("booking", "GET", $"api/bookings/{bookingId}/refund-quote", 409, """{"title":"The booking cannot make this transition.","status":409}""");

        var page = Render<MyBookings>();
        page.WaitForAssertion(() => page.Find("button[aria-label^=Cancel]").Click(), Patience);

        page.WaitForAssertion(() => page.Find(".quote").TextContent.Should().Be("Nothing has been paid yet, so there is nothing to refund."), Patience);
        page.Find("button.secondary:not([aria-label])").Click();

        // The dialog closes on the circuit's next render, which a loaded machine may not have finished yet.
        page.WaitForAssertion(() => page.FindAll("#cancel-heading").Should().BeEmpty(), Patience);
        CallsTo("booking").Should().NotContain(c => c.Method == "POST");
    }
}
