using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.TestSupport;
using Npgsql;

namespace DaprPlatform.EndToEnd.Tests;

/// <summary>
/// Tutor payouts through the gateway on DevHost with the Stripe stand-in: a tutor connects a payout account (Stripe
/// Connect onboarding in the stand-in's test mode), two paid lessons complete, and the payout calendar (a short period
/// through DevHost's per-app environment, PlatformFixture.PayoutPeriod) pays the period in one transfer — also when the
/// workflows app is killed in the middle of the payout saga. The marketplace invariants, payments' ledger included, are
/// checked after each test.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class PayoutJourneyTests(PlatformFixture platform) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => MarketplaceInvariants.AssertHoldAsync(platform);

    [Fact]
    public async Task A_period_pays_the_tutor_once_even_when_workflows_is_killed_mid_saga()
    {
        var market = new Marketplace(platform);
        var tutor = await market.NewTutorAsync(hourlyRate: 4000);
        var account = await ConnectPayoutAccountAsync(tutor);

        // Two lessons, paid and confirmed: 60 and 90 minutes at 40.00 an hour.
        var first = await PaidLessonAsync(market, tutor, Marketplace.SlotStart(TimeSpan.FromDays(5)), 60);
        var second = await PaidLessonAsync(market, tutor, Marketplace.SlotStart(TimeSpan.FromDays(6)), 90);

        // Stripe answers the next transfers "too many requests": payments answers 502, which workflows' sidecar retries
        // (appRetry: four calls, 200-800 ms apart) before the saga's transfer step fails transiently and backs off (1 s), so
        // the payout stays pending for seconds — long enough to kill workflows in the middle of it, which follows the pending
        // payout within a poll of 100 ms. Four refusals, not more: six consecutive failures would open the sidecar's circuit
        // breaker to payments, and the saga would then only wait out its 30 s.
        using (var throttle = await platform.StripeStandIn.PostAsJsonAsync("/standin/throttle", new { requests = 4, code = "rate_limit" }))
        {
            throttle.StatusCode.Should().Be(HttpStatusCode.OK, await throttle.Content.ReadAsStringAsync());
        }

        await CompleteAsync(tutor, first, endedAgo: TimeSpan.FromMinutes(1));
        await CompleteAsync(tutor, second, endedAgo: TimeSpan.FromHours(2));
        await Eventually.UntilAsync("both earnings in payments' ledger",
            _ => CountAsync("payments", "SELECT count(*) FROM earnings_ledger WHERE tutor_id = @tutor AND kind = 'Earning'", tutor.Id),
            n => n == 2, TimeSpan.FromSeconds(60), n => $"{n} earnings");

        // The period ends soon; its saga opens the payout and then fails on Stripe's 429s.
        var pending = await Eventually.UntilAsync("a pending payout of the tutor",
            _ => CountAsync("payments", "SELECT count(*) FROM payouts WHERE tutor_id = @tutor AND status = 'Pending'", tutor.Id),
            n => n == 1, TimeSpan.FromSeconds(150), n => $"{n} pending", interval: TimeSpan.FromMilliseconds(100));
        pending.Should().Be(1);
        await platform.Host.StopAppAsync("workflows", DevHost.AppStopMode.Kill);
        await Task.Delay(TimeSpan.FromSeconds(3));
        await platform.StartAppAsync("workflows");

        var history = await Eventually.UntilAsync("the payout to complete",
            async _ =>
            {
                using var response = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Get, "/api/payouts", tutor.Token);
                response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
                return await response.Content.ReadFromJsonAsync<JsonElement>();
            },
            h => h.GetProperty("items").EnumerateArray().Any(p => p.GetProperty("status").GetString() == "completed"),
            TimeSpan.FromSeconds(150), h => h.ToString());

        // 40.00 + 60.00 at a 15 % platform fee: 34.00 + 51.00.
        var payout = history.GetProperty("items").EnumerateArray().Single(p => p.GetProperty("status").GetString() == "completed");
        payout.GetProperty("amount").GetProperty("amount").GetInt64().Should().Be(8500);
        var transfers = await TransfersToAsync(account);
        transfers.Should().ContainSingle("one transfer per tutor and period, whatever was repeated");
        transfers[0].GetProperty("id").GetString().Should().Be(payout.GetProperty("transferId").GetString());
        transfers[0].GetProperty("amount").GetInt64().Should().Be(8500);
        var start = payout.GetProperty("periodStart").GetDateTimeOffset().UtcDateTime;
        var end = payout.GetProperty("periodEnd").GetDateTimeOffset().UtcDateTime;
        transfers[0].GetProperty("transfer_group").GetString().Should().Be($"payout-{tutor.Id:N}-{start:yyyyMMddTHHmmssZ}-{end:yyyyMMddTHHmmssZ}");
        (end - start).Should().Be(PlatformFixture.PayoutPeriod);
        (await platform.StripeStandIn.GetFromJsonAsync<JsonElement>("/standin/throttle")).GetProperty("refused").GetInt32().Should().BeGreaterThan(0, "the saga met Stripe's refusals");

        // The tutor hears of it (payout.completed → notifications).
        (await market.WaitForNotificationAsync(tutor.Token, "payout-completed")).GetProperty("body").GetString().Should().Contain("85.00");

        // Nothing is left: the first period the calendar runs after the payout completed finds nothing due for this tutor
        // (no saga of theirs for it), and no second transfer is ever made.
        var laterPeriod = await NextCalendarRunAsync(after: DateTime.UtcNow);
        (await WorkflowInstances.GetAsync(platform.WorkflowsSidecar, InstanceIdFor(tutor.Id, laterPeriod))).Status
            .Should().Be(HttpStatusCode.NotFound, "no payout saga is started for a tutor with nothing due");
        (await TransfersToAsync(account)).Should().ContainSingle();
    }

    [Fact]
    public async Task A_tutor_asks_for_a_payout_without_an_account_and_is_told_to_connect_one()
    {
        var market = new Marketplace(platform);
        var tutor = await market.NewTutorAsync(hourlyRate: 4000);
        var student = await market.NewStudentAsync();

        using var initiate = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Post, "/api/payouts/initiate", tutor.Token);
        using var account = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Get, "/api/payouts/account", tutor.Token);
        using var byStudent = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Post, "/api/payouts/account", student.Token,
            new { returnUrl = "https://web.example/done", refreshUrl = "https://web.example/again" });

        initiate.StatusCode.Should().Be(HttpStatusCode.Conflict);
        account.StatusCode.Should().Be(HttpStatusCode.NotFound);
        byStudent.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    /// <summary>Connects the tutor's payout account through the gateway and finishes onboarding in the stand-in; answers the Stripe account id.</summary>
    private async Task<string> ConnectPayoutAccountAsync(MarketUser tutor)
    {
        using var connect = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Post, "/api/payouts/account", tutor.Token,
            new { returnUrl = "https://web.example/payouts/done", refreshUrl = "https://web.example/payouts/again" });
        connect.StatusCode.Should().Be(HttpStatusCode.Created, await connect.Content.ReadAsStringAsync());
        var created = await connect.Content.ReadFromJsonAsync<JsonElement>();
        using (var handler = new HttpClientHandler { AllowAutoRedirect = false })
        using (var browser = new HttpClient(handler))
        using (var opened = await browser.GetAsync(new Uri(created.GetProperty("onboardingUrl").GetString()!)))
        {
            opened.StatusCode.Should().Be(HttpStatusCode.Redirect);
            opened.Headers.Location.Should().Be(new Uri("https://web.example/payouts/done"));
        }

        // Stripe's account.updated webhook reaches payments through the gateway; reading the account asks Stripe too.
        await Eventually.UntilAsync("the payout account to be enabled",
            async _ =>
            {
                using var read = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Get, "/api/payouts/account", tutor.Token);
                return (await read.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString();
            },
            status => status == "enabled", TimeSpan.FromSeconds(30), status => status ?? "none");
        return created.GetProperty("accountId").GetString()!;
    }

    private static async Task<BookingRequest> PaidLessonAsync(Marketplace market, MarketUser tutor, DateTimeOffset start, int minutes)
    {
        var student = await market.NewStudentAsync();
        var booking = await market.BookAsync(student, tutor, start, minutes);
        var paymentId = await market.WaitForPaymentAsync(student, booking);
        (await market.PayAsync(student, paymentId, "pm_card_visa")).GetProperty("status").GetString().Should().Be("succeeded");
        (await market.WaitForSagaEndAsync(student, booking)).GetProperty("outcome").GetString().Should().Be("confirmed");
        return booking;
    }

    /// <summary>
    /// The lesson took place: the one thing a test cannot wait for is the lesson's hour, so its time is moved into the past
    /// in booking's database (tutoring's booked slot keeps its time); then the tutor completes it through the gateway, and
    /// booking publishes booking.completed as it always does.
    /// </summary>
    private async Task CompleteAsync(MarketUser tutor, BookingRequest booking, TimeSpan endedAgo)
    {
        await using (var connection = new NpgsqlConnection(platform.Host.GetAppConnectionString("booking")))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "UPDATE bookings SET start_at = now() - @ago - (end_at - start_at), end_at = now() - @ago WHERE id = @id", connection);
            command.Parameters.AddWithValue("id", booking.BookingId);
            command.Parameters.AddWithValue("ago", endedAgo);
            (await command.ExecuteNonQueryAsync()).Should().Be(1);
        }

        using var complete = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Post, $"/api/bookings/{booking.BookingId}/complete", tutor.Token);
        complete.StatusCode.Should().Be(HttpStatusCode.OK, await complete.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// Waits until the payout calendar has run the period that ends first after <paramref name="after"/> (its custom status
    /// then names the following period as its next wake-up) and answers that period's start. Periods are whole multiples
    /// of <see cref="PlatformFixture.PayoutPeriod"/> from the Unix epoch, as the calendar counts them.
    /// </summary>
    private async Task<DateTime> NextCalendarRunAsync(DateTime after)
    {
        var length = PlatformFixture.PayoutPeriod.Ticks;
        var periodStart = DateTime.UnixEpoch.AddTicks((after - DateTime.UnixEpoch).Ticks / length * length);
        var periodEnd = periodStart + PlatformFixture.PayoutPeriod;
        await Eventually.UntilAsync($"the payout calendar to run the period ending {periodEnd:O}",
            _ => CalendarNextWakeUpAsync(),
            next => next > periodEnd,
            PlatformFixture.PayoutPeriod * 3, next => $"next wake-up {next:O}", interval: TimeSpan.FromMilliseconds(250));
        return periodStart;
    }

    /// <summary>The payout calendar's next wake-up, from its custom status.</summary>
    private async Task<DateTime?> CalendarNextWakeUpAsync()
    {
        var (status, calendar) = await WorkflowInstances.GetAsync(platform.WorkflowsSidecar, "payout-calendar");
        status.Should().Be(HttpStatusCode.OK);
        return WorkflowInstances.CustomStatus(calendar!.Value) is { } progress
            ? DateTime.SpecifyKind(progress.GetProperty("nextPeriodEnd").GetDateTime(), DateTimeKind.Utc)
            : null;
    }

    /// <summary>The payout saga instance of a tutor's period, named as the workflows app names it (PayoutPeriod.InstanceIdFor).</summary>
    private static string InstanceIdFor(Guid tutorId, DateTime periodStart) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"payout-{tutorId:N}-{periodStart:yyyyMMddHHmmss}");

    /// <summary>The transfers the stand-in made to the account (Stripe's list, with the stand-in's test key).</summary>
    private async Task<List<JsonElement>> TransfersToAsync(string account)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/transfers?limit=100&destination={account}");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", DevHost.StripeStandInOptions.DefaultSecretKey);
        using var response = await platform.StripeStandIn.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return [.. (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").EnumerateArray()];
    }

    private async Task<long> CountAsync(string appId, string sql, Guid tutorId)
    {
        await using var connection = new NpgsqlConnection(platform.Host.GetAppConnectionString(appId));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("tutor", tutorId);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
