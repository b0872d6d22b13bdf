using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.TestSupport;

namespace DaprPlatform.EndToEnd.Tests;

/// <summary>
/// Messaging through the gateway on DevHost: a student opens a conversation with a published tutor, both hold live
/// streams (through the gateway's long-lived stream cluster), exchange messages and read receipts, and each stream sees
/// every event in order; a third user finds nothing.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class MessagingJourneyTests(PlatformFixture platform)
{
    [Fact]
    public async Task Student_and_tutor_exchange_messages_and_both_live_streams_see_them_in_order_with_read_receipts()
    {
        var market = new Marketplace(platform);
        var tutor = await market.NewTutorAsync(hourlyRate: 3000);
        var student = await market.NewStudentAsync();

        using var start = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Post, "/api/conversations", student.Token, new { tutorId = tutor.Id });
        start.StatusCode.Should().Be(HttpStatusCode.Created, await start.Content.ReadAsStringAsync());
        var conversation = (await start.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        using var studentHttp = StreamClient(student);
        using var tutorHttp = StreamClient(tutor);
        await using var studentStream = await ServerSentEventStream.OpenAsync(studentHttp, "/api/messaging/live", ": connected");
        await using var tutorStream = await ServerSentEventStream.OpenAsync(tutorHttp, "/api/messaging/live", ": connected");

        var question = await SendAsync(student, conversation, "Hello! Could we start with quadratic equations?");
        var detail = await SendAsync(student, conversation, "I struggle with completing the square.");
        (await ConversationAsync(tutor, conversation)).GetProperty("conversation").GetProperty("unread").GetInt32().Should().Be(2);
        // The web's menu total and Lessons look-up, through the gateway.
        var totals = await GetAsync(tutor, "/api/conversations/unread");
        (totals.GetProperty("unread").GetInt32(), totals.GetProperty("conversations").GetInt32()).Should().Be((2, 1));
        (await GetAsync(tutor, $"/api/conversations?participant={student.Id}")).GetProperty("items").EnumerateArray()
            .Select(c => c.GetProperty("id").GetGuid()).Should().Equal(conversation);
        await ReadAsync(tutor, detail);
        var answer = await SendAsync(tutor, conversation, "Sure, we will do that first.");
        await ReadAsync(student, answer);

        string[] expected = ["message:new", "message:new", "message:read", "message:new", "message:read"];
        foreach (var stream in new[] { studentStream, tutorStream })
        {
            var events = await stream.UntilAsync(e => e.Count >= expected.Length, TimeSpan.FromSeconds(30));
            events.Select(e => e.Name).Should().Equal(expected, string.Join(" | ", events));
            events[0].Data.GetProperty("id").GetGuid().Should().Be(question);
            events[1].Data.GetProperty("id").GetGuid().Should().Be(detail);
            events[2].Data.GetProperty("readerId").GetGuid().Should().Be(tutor.Id);
            events[2].Data.GetProperty("messageIds").EnumerateArray().Select(m => m.GetGuid()).Should().Equal(question, detail);
            events[3].Data.GetProperty("id").GetGuid().Should().Be(answer);
            events[3].Data.GetProperty("text").GetString().Should().Be("Sure, we will do that first.");
            events[4].Data.GetProperty("readerId").GetGuid().Should().Be(student.Id);
            events[4].Data.GetProperty("messageIds").EnumerateArray().Select(m => m.GetGuid()).Should().Equal(answer);
        }

        var page = await ConversationAsync(student, conversation);
        page.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetGuid()).Should().Equal(answer, detail, question);
        page.GetProperty("messages")[1].GetProperty("readAt").ValueKind.Should().Be(JsonValueKind.String);
        page.GetProperty("conversation").GetProperty("unread").GetInt32().Should().Be(0);

        var stranger = await market.NewStudentAsync();
        using var peek = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Get, $"/api/conversations/{conversation}", stranger.Token);
        peek.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await platform.CountRowsAsync("messaging", "messages")).Should().BeGreaterThanOrEqualTo(3);
    }

    [Fact]
    public async Task A_conversation_links_only_a_booking_of_the_pair_as_booking_itself_answers()
    {
        var market = new Marketplace(platform);
        var tutor = await market.NewTutorAsync(hourlyRate: 3000);
        var student = await market.NewStudentAsync();
        var other = await market.NewStudentAsync();
        var booking = await market.BookAsync(student, tutor, Marketplace.SlotStart(TimeSpan.FromDays(4)), 60);
        await market.WaitForPaymentAsync(student, booking); // booking has made the booking by then

        // Another student naming this booking: booking does not show it to them (404), so messaging refuses it.
        using (var foreign = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Post, "/api/conversations", other.Token, new { tutorId = tutor.Id, bookingId = booking.BookingId }))
        {
            foreign.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity, await foreign.Content.ReadAsStringAsync());
            (await foreign.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("bookingId", out _).Should().BeTrue();
        }

        using var start = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Post, "/api/conversations", student.Token, new { tutorId = tutor.Id, bookingId = booking.BookingId });
        start.StatusCode.Should().Be(HttpStatusCode.Created, await start.Content.ReadAsStringAsync());
        (await start.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("bookingId").GetGuid().Should().Be(booking.BookingId);
        (await platform.CountRowsAsync("messaging", $"conversations WHERE student_id = '{other.Id}'")).Should().Be(0);

        // Withdrawn, so no saga is left waiting for a payment when the other journeys check the marketplace's invariants.
        using (var withdraw = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Post, $"/api/bookings/{booking.BookingId}/cancel", student.Token, new { reason = "only here to talk" }))
        {
            withdraw.StatusCode.Should().Be(HttpStatusCode.Accepted, await withdraw.Content.ReadAsStringAsync());
        }

        (await market.WaitForSagaEndAsync(student, booking)).GetProperty("outcome").GetString().Should().NotBe("confirmed");
    }

    /// <summary>A client of the gateway without a response timeout, for a stream that stays open.</summary>
    private static HttpClient StreamClient(MarketUser user)
    {
        var client = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:5000"), Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        return client;
    }

    private async Task<Guid> SendAsync(MarketUser from, Guid conversation, string text)
    {
        using var response = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Post, $"/api/conversations/{conversation}/messages", from.Token, new { text });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private async Task ReadAsync(MarketUser by, Guid message)
    {
        using var response = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Patch, $"/api/messages/{message}/read", by.Token);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private Task<JsonElement> ConversationAsync(MarketUser by, Guid conversation) => GetAsync(by, $"/api/conversations/{conversation}");

    private async Task<JsonElement> GetAsync(MarketUser by, string path)
    {
        using var response = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Get, path, by.Token);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
