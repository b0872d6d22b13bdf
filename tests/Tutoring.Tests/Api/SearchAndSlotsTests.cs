using System.Globalization;
using System.Net;
using System.Text.Json;
using DaprPlatform.TestSupport;

namespace DaprPlatform.Tutoring.Tests.Api;

public sealed class SearchAndSlotsTests(TutoringFixture fx) : IClassFixture<TutoringFixture>
{
    private static string Q(DateTimeOffset at) => Uri.EscapeDataString(at.ToString("O", CultureInfo.InvariantCulture));

    private async Task<JsonElement> GetAsync(string path)
    {
        using var response = await fx.Anonymous().GetAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await TutoringFixture.BodyAsync(response);
    }

    private static List<Guid> Ids(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("tutorId").GetGuid()).ToList();

    [Fact]
    public async Task Search_filters_by_subject_case_insensitively_and_by_rate_in_a_currency()
    {
        var subject = $"subj-{Guid.NewGuid():N}"[..20];
        var cheap = await fx.CreateTutorAsync(rate: 2000, subjects: [subject.ToUpperInvariant()], name: "A cheap");
        var dear = await fx.CreateTutorAsync(rate: 9000, subjects: [subject], name: "B dear");
        var yen = await fx.CreateTutorAsync(rate: 1000, currency: "JPY", subjects: [subject], name: "C yen");
        await fx.CreateTutorAsync(subjects: ["other"]);

        Ids(await GetAsync($"/api/tutors?subject={subject.ToUpperInvariant()}")).Should().Equal(cheap, dear, yen);
        Ids(await GetAsync($"/api/tutors?subject={subject}&maxRate=5000&currency=usd")).Should().Equal(cheap);
        Ids(await GetAsync($"/api/tutors?subject={subject}&currency=JPY")).Should().Equal(yen);
        var page = await GetAsync($"/api/tutors?subject={subject}&page=2&pageSize=2");
        Ids(page).Should().Equal(yen);
        page.GetProperty("total").GetInt32().Should().Be(3);
        page.GetProperty("page").GetInt32().Should().Be(2);
    }

    [Fact]
    public async Task Search_filters_by_minimum_rating_and_sorts_by_rating_then_count_then_name()
    {
        var subject = $"rated-{Guid.NewGuid():N}"[..20];
        var unrated = await fx.CreateTutorAsync(subjects: [subject], name: "A unrated");
        var fewer = await fx.CreateTutorAsync(subjects: [subject], name: "B fewer");
        var more = await fx.CreateTutorAsync(subjects: [subject], name: "C more");
        var lower = await fx.CreateTutorAsync(subjects: [subject], name: "D lower");
        var tied = await fx.CreateTutorAsync(subjects: [subject], name: "E tied");
        await ReviewAsync(fewer, 5, 4);          // 4.5 of 2
        await ReviewAsync(more, 5, 4, 5, 4);     // 4.5 of 4
        await ReviewAsync(lower, 3);             // 3.0 of 1
        await ReviewAsync(tied, 5, 4);           // 4.5 of 2, after B by name

        Ids(await GetAsync($"/api/tutors?subject={subject}&sort=rating")).Should().Equal(more, fewer, tied, lower, unrated);
        Ids(await GetAsync($"/api/tutors?subject={subject}&sort=name")).Should().Equal(unrated, fewer, more, lower, tied);
        Ids(await GetAsync($"/api/tutors?subject={subject}&minRating=4.5")).Should().Equal(fewer, more, tied);
        Ids(await GetAsync($"/api/tutors?subject={subject}&minRating=3")).Should().Equal(fewer, more, lower, tied);
        Ids(await GetAsync($"/api/tutors?subject={subject}&minRating=0")).Should().HaveCount(5, "0 is no minimum: unrated tutors match it");
        var page = await GetAsync($"/api/tutors?subject={subject}&minRating=4.5&sort=rating&page=2&pageSize=2");
        Ids(page).Should().Equal(tied);
        page.GetProperty("total").GetInt32().Should().Be(3);
        var first = page.GetProperty("items")[0].GetProperty("rating");
        (first.GetProperty("average").GetDecimal(), first.GetProperty("count").GetInt32()).Should().Be((4.5m, 2));

        var start = fx.QuarterHourAhead(TimeSpan.FromDays(1));
        Ids(await GetAsync($"/api/tutors?subject={subject}&minRating=4&sort=rating&availableFrom={Q(start)}&availableTo={Q(start.AddHours(2))}"))
            .Should().Equal(more, fewer, tied);
    }

    private async Task ReviewAsync(Guid tutorId, params int[] stars)
    {
        using var client = fx.Anonymous();
        foreach (var star in stars)
        {
            var posted = new ReviewEvent(DaprPlatform.ServiceDefaults.PlatformTopics.ReviewPosted, Guid.NewGuid(), tutorId, star, "visible", 1);
            (await posted.DeliverAsync(client, Guid.NewGuid().ToString())).Should().Be("SUCCESS");
        }
    }

    [Fact]
    public async Task Search_by_window_needs_a_free_hour_in_it()
    {
        var subject = $"win-{Guid.NewGuid():N}"[..20];
        var start = fx.QuarterHourAhead(TimeSpan.FromDays(1));
        var free = await fx.CreateTutorAsync(subjects: [subject], name: "A free");
        var busy = await fx.CreateTutorAsync(subjects: [subject], name: "B busy");
        await fx.CreateTutorAsync(subjects: [subject], name: "C never", rules: Array.Empty<object>());
        using (var hold = await fx.HoldAsync(Guid.NewGuid(), busy, start, 90))
        {
            hold.StatusCode.Should().Be(HttpStatusCode.Created);
        }

        Ids(await GetAsync($"/api/tutors?subject={subject}&availableFrom={Q(start)}&availableTo={Q(start.AddMinutes(90))}")).Should().Equal(free);
        var wider = await GetAsync($"/api/tutors?subject={subject}&availableFrom={Q(start)}&availableTo={Q(start.AddMinutes(150))}");
        Ids(wider).Should().Equal(free, busy);
        wider.GetProperty("total").GetInt32().Should().Be(2);
    }

    [Fact]
    public async Task Slots_leave_out_live_holds_and_the_past()
    {
        var tutorId = await fx.CreateTutorAsync();
        var start = fx.QuarterHourAhead(TimeSpan.FromHours(2));
        using (var hold = await fx.HoldAsync(Guid.NewGuid(), tutorId, start.AddHours(1)))
        {
            hold.StatusCode.Should().Be(HttpStatusCode.Created);
        }

        var body = await GetAsync($"/api/tutors/{tutorId}/slots?from={Q(start)}&to={Q(start.AddHours(3))}&durationMinutes=60");

        body.GetProperty("tutorId").GetGuid().Should().Be(tutorId);
        body.GetProperty("durationMinutes").GetInt32().Should().Be(60);
        var starts = body.GetProperty("slots").EnumerateArray().Select(s => s.GetProperty("start").GetDateTimeOffset()).ToList();
        // The hold covers [start+1h, start+2h): only a slot ending by start+1h or starting at start+2h remains.
        starts.Should().Equal(start, start.AddHours(2));

        var fromThePast = await GetAsync($"/api/tutors/{tutorId}/slots?from={Q(start.AddDays(-1))}&to={Q(start)}&durationMinutes=30");
        fromThePast.GetProperty("slots").EnumerateArray().Should().OnlyContain(s => s.GetProperty("start").GetDateTimeOffset() >= fx.Clock.GetUtcNow());
    }

    [Fact]
    public async Task Slots_follow_the_tutors_timezone_through_a_dst_change()
    {
        // 2027-03-28 (Sunday): Berlin skips 02:00–02:59. Sunday 01:00–05:00 local is 3 real hours, 00:00Z–03:00Z.
        var tutorId = await fx.CreateTutorAsync(timezone: "Europe/Berlin", rules: new[] { new { day = "sunday", start = "01:00", end = "05:00" } });
        var from = new DateTimeOffset(2027, 3, 27, 0, 0, 0, TimeSpan.Zero);

        var body = await GetAsync($"/api/tutors/{tutorId}/slots?from={Q(from)}&to={Q(from.AddDays(2))}&durationMinutes=120");

        var slots = body.GetProperty("slots").EnumerateArray()
            .Select(s => (Start: s.GetProperty("start").GetDateTimeOffset(), End: s.GetProperty("end").GetDateTimeOffset())).ToList();
        slots.Select(s => s.Start.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture))
            .Should().Equal("00:00", "00:15", "00:30", "00:45", "01:00");
        slots.Should().OnlyContain(s => s.End - s.Start == TimeSpan.FromHours(2));
    }

    [Fact]
    public async Task Slots_of_an_unknown_tutor_are_404()
    {
        using var response = await fx.Anonymous().GetAsync($"/api/tutors/{Guid.NewGuid()}/slots");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        await response.ReadProblemAsync();
    }
}
