using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.TestSupport;
using Npgsql;

namespace DaprPlatform.EndToEnd.Tests;

/// <summary>A user of the marketplace: id and access token.</summary>
public sealed record MarketUser(Guid Id, string Token);

/// <summary>A booking request the gateway accepted: the booking id and its saga's status URL.</summary>
public sealed record BookingRequest(Guid BookingId, string StatusUrl);

/// <summary>The steps a student and a tutor take through the gateway, as a browser or app would.</summary>
public sealed class Marketplace(PlatformFixture platform)
{
    private static readonly TimeSpan SagaTimeout = TimeSpan.FromSeconds(90);

    /// <summary>
    /// The first 15-minute boundary at least <paramref name="ahead"/> from now where a lesson of <paramref name="minutes"/>
    /// fits the test tutors' day (<see cref="DayEnd"/>, UTC): a start that would run past it moves to the next midnight, so the
    /// booking does not depend on the time of day the suite runs (a start at most 75 minutes later keeps every refund band).
    /// </summary>
    public static DateTimeOffset SlotStart(TimeSpan ahead, int minutes = 60)
    {
        var earliest = DateTimeOffset.UtcNow.Add(ahead);
        var quarter = TimeSpan.FromMinutes(15).Ticks;
        var start = new DateTimeOffset((earliest.UtcTicks + quarter - 1) / quarter * quarter, TimeSpan.Zero);
        return start.TimeOfDay + TimeSpan.FromMinutes(minutes) > DayEnd ? new DateTimeOffset(start.UtcDateTime.Date.AddDays(1), TimeSpan.Zero) : start;
    }

    /// <summary>The end of the test tutors' availability every day (UTC).</summary>
    private static readonly TimeSpan DayEnd = new(23, 45, 0);

    /// <summary>A tutor with a profile, teaching algebra at <paramref name="hourlyRate"/> USD cents, available every day, all day (UTC).</summary>
    public async Task<MarketUser> NewTutorAsync(long hourlyRate)
    {
        var (id, token) = await platform.RegisterAndLogInAsync("tutor");
        var tutor = new MarketUser(id, token);
        await CreateTutorProfileAsync(tutor, hourlyRate);
        return tutor;
    }

    /// <summary>Gives a registered tutor the profile <see cref="NewTutorAsync"/> describes (for a tutor made elsewhere, e.g. with a password to sign in).</summary>
    public async Task CreateTutorProfileAsync(MarketUser tutor, long hourlyRate)
    {
        ArgumentNullException.ThrowIfNull(tutor);
        string[] days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
        var profile = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Post, "/api/tutors/profile", tutor.Token, new
        {
            bio = "Patient maths tutor.",
            subjects = new[] { "algebra", "geometry" },
            hourlyRate = new { amount = hourlyRate, currency = "USD" },
            timezone = "Etc/UTC",
            availability = new { rules = days.Select(day => new { day, start = "00:00", end = DayEnd.ToString(@"hh\:mm", System.Globalization.CultureInfo.InvariantCulture) }) },
        });
        profile.StatusCode.Should().Be(HttpStatusCode.Created, await profile.Content.ReadAsStringAsync());
    }

    public async Task<MarketUser> NewStudentAsync()
    {
        var (id, token) = await platform.RegisterAndLogInAsync("student");
        return new MarketUser(id, token);
    }

    /// <summary>
    /// A confirmed session takes place and its tutor completes it. Time passing, for the test: the session is moved to have
    /// ended an hour ago in booking's own database (booking completes a session only after its end; no other rule reads the
    /// time again).
    /// </summary>
    public async Task TakePlaceAndCompleteAsync(MarketUser tutor, BookingRequest booking)
    {
        ArgumentNullException.ThrowIfNull(tutor);
        ArgumentNullException.ThrowIfNull(booking);
        await using (var connection = new NpgsqlConnection(platform.Host.GetAppConnectionString("booking")))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "UPDATE bookings SET end_at = now() - interval '1 hour', start_at = now() - interval '1 hour' - (end_at - start_at) WHERE id = @id AND status = 'Confirmed'",
                connection);
            command.Parameters.AddWithValue("id", booking.BookingId);
            (await command.ExecuteNonQueryAsync()).Should().Be(1);
        }

        var completed = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Post, $"/api/bookings/{booking.BookingId}/complete", tutor.Token);
        completed.StatusCode.Should().Be(HttpStatusCode.OK, await completed.Content.ReadAsStringAsync());
    }

    public async Task<BookingRequest> BookAsync(MarketUser student, MarketUser tutor, DateTimeOffset start, int minutes)
    {
        var response = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Post, "/api/bookings", student.Token,
            new { tutorId = tutor.Id, start, durationMinutes = minutes, subject = "algebra" });
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new BookingRequest(body.GetProperty("bookingId").GetGuid(), body.GetProperty("statusUrl").GetString()!);
    }

    public async Task<JsonElement> GetSagaAsync(MarketUser student, BookingRequest booking)
    {
        var response = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Get, booking.StatusUrl, student.Token);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public Task<JsonElement> WaitForSagaEndAsync(MarketUser student, BookingRequest booking) =>
        Eventually.UntilAsync("the booking saga to end", _ => GetSagaAsync(student, booking), Ended, SagaTimeout, s => s.ToString(), interval: TimeSpan.FromMilliseconds(250));

    /// <summary>Until the saga ended or waits for the student to pay, whichever comes first.</summary>
    public Task<JsonElement> WaitForSagaEndOrPaymentAsync(MarketUser student, BookingRequest booking) =>
        Eventually.UntilAsync("the booking saga to end or wait for payment", _ => GetSagaAsync(student, booking),
            s => Ended(s) || s.GetProperty("step").GetString() == "AwaitingPayment", SagaTimeout, s => s.ToString(), interval: TimeSpan.FromMilliseconds(250));

    /// <summary>Waits until the saga asks for payment and returns the payment the booking records.</summary>
    public async Task<Guid> WaitForPaymentAsync(MarketUser student, BookingRequest booking)
    {
        var saga = await WaitForSagaEndOrPaymentAsync(student, booking);
        saga.GetProperty("step").GetString().Should().Be("AwaitingPayment", saga.ToString());
        var record = await GetBookingAsync(student, booking);
        record.GetProperty("status").GetString().Should().Be("awaitingPayment");
        return record.GetProperty("paymentId").GetGuid();
    }

    /// <summary>Confirms the payment server-side with a Stripe test payment method, as the student.</summary>
    public async Task<JsonElement> PayAsync(MarketUser student, Guid paymentId, string paymentMethod)
    {
        var response = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Post, $"/api/payments/{paymentId}/confirm", student.Token, new { paymentMethod });
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<JsonElement> GetBookingAsync(MarketUser user, BookingRequest booking)
    {
        var response = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Get, $"/api/bookings/{booking.BookingId}", user.Token);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<JsonElement> GetPaymentAsync(MarketUser student, Guid paymentId)
    {
        var response = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Get, $"/api/payments/{paymentId}", student.Token);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The bookable starts of the tutor's <paramref name="minutes"/>-long slots in the hour around <paramref name="around"/> (anonymous, as a visitor sees them).</summary>
    public async Task<IReadOnlyList<DateTimeOffset>> SlotsAsync(MarketUser tutor, DateTimeOffset around, int minutes)
    {
        var from = Uri.EscapeDataString(around.AddMinutes(-30).ToString("O"));
        var to = Uri.EscapeDataString(around.AddMinutes(minutes + 30).ToString("O"));
        var slots = await platform.Gateway.GetFromJsonAsync<JsonElement>($"/api/tutors/{tutor.Id}/slots?from={from}&to={to}&durationMinutes={minutes}");
        return slots.GetProperty("slots").EnumerateArray().Select(s => s.GetProperty("start").GetDateTimeOffset()).ToList();
    }

    public Task<JsonElement> WaitForNotificationAsync(string token, string kind) =>
        Eventually.UntilAsync(
            $"a {kind} notification",
            async _ =>
            {
                var list = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Get, "/api/notifications", token);
                list.StatusCode.Should().Be(HttpStatusCode.OK, await list.Content.ReadAsStringAsync());
                return (await list.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray()
                    .Where(n => n.GetProperty("kind").GetString() == kind).ToList();
            },
            found => found.Count > 0,
            TimeSpan.FromSeconds(60),
            found => $"{found.Count} found",
            interval: TimeSpan.FromMilliseconds(250)).ContinueWith(t => t.Result[0], TaskScheduler.Default);

    /// <summary>The id of the stand-in's <paramref name="type"/> event about this payment's intent.</summary>
    public async Task<string> StripeEventIdAsync(string type, Guid paymentId)
    {
        var events = await platform.StripeStandIn.GetFromJsonAsync<JsonElement>("/standin/events");
        return Items(events)
            .Where(e => e.GetProperty("type").GetString() == type && e.GetRawText().Contains(paymentId.ToString(), StringComparison.OrdinalIgnoreCase))
            .Select(e => e.GetProperty("id").GetString()!)
            .Should().ContainSingle().Subject;
    }

    /// <summary>How many times the stand-in has delivered <paramref name="eventId"/> with a 2xx answer.</summary>
    public async Task<int> StripeDeliveriesAsync(string eventId)
    {
        var events = await platform.StripeStandIn.GetFromJsonAsync<JsonElement>("/standin/events");
        var stripeEvent = Items(events).Single(e => e.GetProperty("id").GetString() == eventId);
        // status is null when the endpoint gave no HTTP answer at all.
        return stripeEvent.GetProperty("deliveries").EnumerateArray()
            .Count(d => d.GetProperty("status") is { ValueKind: JsonValueKind.Number } status && status.GetInt32() is >= 200 and < 300);
    }

    /// <summary>A saga instance as the workflows app's sidecar reports it (Dapr's HTTP workflow API), for failure messages.</summary>
    public async Task<string> EngineStateAsync(string instanceId)
    {
        using var sidecar = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:3508"), Timeout = TimeSpan.FromSeconds(10) };
        using var response = await sidecar.GetAsync($"/v1.0/workflows/dapr/{instanceId}");
        return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
    }

    private static IEnumerable<JsonElement> Items(JsonElement list) =>
        (list.ValueKind == JsonValueKind.Array ? list : list.GetProperty("data")).EnumerateArray();

    private static bool Ended(JsonElement saga) => saga.GetProperty("status").GetString() is "COMPLETED" or "FAILED" or "TERMINATED";
}
