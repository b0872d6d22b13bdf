using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.Messaging.Contracts;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Messaging.Tests;

[Collection(MessagingCollection.Name)]
public sealed class ConversationApiTests(MessagingFixture fx)
{
    [Fact]
    public async Task A_student_starts_one_conversation_per_tutor_and_the_booking_id_is_remembered()
    {
        var student = Guid.NewGuid();
        var tutor = fx.PublishTutor("Grace Hopper");
        using var client = fx.ClientFor(student, name: "Ada Lovelace");

        using var first = await client.PostAsJsonAsync("/api/conversations", new { tutorId = tutor });
        first.StatusCode.Should().Be(HttpStatusCode.Created);
        var created = await first.Content.ReadFromJsonAsync<JsonElement>();
        first.Headers.Location!.ToString().Should().Be($"/api/conversations/{created.GetProperty("id").GetGuid()}");
        created.GetProperty("otherParticipant").GetProperty("name").GetString().Should().Be("Grace Hopper");
        created.GetProperty("student").GetProperty("name").GetString().Should().Be("Ada Lovelace");
        created.GetProperty("unread").GetInt32().Should().Be(0);
        created.GetProperty("bookingId").ValueKind.Should().Be(JsonValueKind.Null);

        var booking = fx.Book(student, tutor);
        using var again = await client.PostAsJsonAsync("/api/conversations", new { tutorId = tutor, bookingId = booking });
        again.StatusCode.Should().Be(HttpStatusCode.OK);
        var existing = await again.Content.ReadFromJsonAsync<JsonElement>();
        existing.GetProperty("id").GetGuid().Should().Be(created.GetProperty("id").GetGuid());
        existing.GetProperty("bookingId").GetGuid().Should().Be(booking);
        (await fx.WithDbAsync(db => Task.FromResult(db.Conversations.Count(c => c.StudentId == student)))).Should().Be(1);
    }

    [Fact]
    public async Task A_booking_id_is_taken_only_for_a_booking_between_this_student_and_this_tutor()
    {
        var student = Guid.NewGuid();
        var tutor = fx.PublishTutor();
        using var client = fx.ClientFor(student);
        var cases = new (string Name, Guid BookingId)[]
        {
            ("an unknown booking", Guid.NewGuid()),
            ("another student's booking with this tutor", fx.Book(Guid.NewGuid(), tutor)),
            ("this student's booking with another tutor", fx.Book(student, fx.PublishTutor())),
        };

        // Refused before a conversation exists (nothing is created) and once it does (its booking link stays as it is).
        foreach (var exists in new[] { false, true })
        {
            foreach (var (name, bookingId) in cases)
            {
                var problem = await client.ShouldRejectAsync(HttpMethod.Post, "/api/conversations", "application/json",
                    $$"""{"tutorId":"{{tutor}}","bookingId":"{{bookingId}}"}""", 422, "bookingId", name);
                problem.GetProperty("detail").GetString().Should().Contain(bookingId.ToString());
            }

            var linked = await fx.WithDbAsync(db => db.Conversations.Where(c => c.StudentId == student).Select(c => c.BookingId).ToListAsync());
            linked.Should().Equal(exists ? [null] : Array.Empty<Guid?>());
            if (!exists)
            {
                using var start = await client.PostAsJsonAsync("/api/conversations", new { tutorId = tutor });
                start.StatusCode.Should().Be(HttpStatusCode.Created);
            }
        }

        // Booking is asked with the student's own token: booking's rule, not messaging's, decides whose booking it is.
        var mine = fx.Book(student, tutor);
        var calls = fx.BookingCallers.Count;
        using (var linking = await client.PostAsJsonAsync("/api/conversations", new { tutorId = tutor, bookingId = mine }))
        {
            linking.StatusCode.Should().Be(HttpStatusCode.OK, await linking.Content.ReadAsStringAsync());
            (await linking.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("bookingId").GetGuid().Should().Be(mine);
        }

        fx.BookingCallers.Skip(calls).Should().ContainSingle().Which.Should().Be(client.DefaultRequestHeaders.Authorization!.ToString());
    }

    [Fact]
    public async Task Booking_is_asked_only_for_a_student_s_well_formed_request_with_a_booking_id()
    {
        var student = Guid.NewGuid();
        var tutor = fx.PublishTutor();
        var booking = fx.Book(student, tutor);
        using var client = fx.ClientFor(student);
        using var tutorClient = fx.ClientFor(tutor, PlatformRoles.Tutor);
        var calls = fx.BookingCallers.Count;

        await client.ShouldRejectAsync(HttpMethod.Post, "/api/conversations", "application/json",
            $$"""{"tutorId":"{{student}}","bookingId":"{{booking}}"}""", 400, "tutorId", "with oneself");
        await client.ShouldRejectAsync(HttpMethod.Post, "/api/conversations", "application/json",
            $$"""{"bookingId":"{{booking}}"}""", 400, "tutorId", "no tutor");
        await tutorClient.ShouldRejectAsync(HttpMethod.Post, "/api/conversations", "application/json",
            $$"""{"tutorId":"{{fx.PublishTutor()}}","bookingId":"{{booking}}"}""", 403, null, "a tutor starting");
        using (var withoutBooking = await client.PostAsJsonAsync("/api/conversations", new { tutorId = tutor }))
        {
            withoutBooking.StatusCode.Should().Be(HttpStatusCode.Created);
        }

        fx.BookingCallers.Count.Should().Be(calls, "bad input, a tutor, and a conversation without a booking never reach booking");
    }

    [Fact]
    public async Task Booking_unavailable_is_503_and_nothing_is_written()
    {
        var student = Guid.NewGuid();
        var tutor = fx.PublishTutor();
        var booking = fx.Book(student, tutor);
        using var client = fx.ClientFor(student);

        fx.BookingDown = true;
        try
        {
            await client.ShouldRejectAsync(HttpMethod.Post, "/api/conversations", "application/json",
                $$"""{"tutorId":"{{tutor}}","bookingId":"{{booking}}"}""", 503, null, "booking down");
        }
        finally
        {
            fx.BookingDown = false;
        }

        (await fx.WithDbAsync(db => db.Conversations.CountAsync(c => c.StudentId == student))).Should().Be(0);
        using var retried = await client.PostAsJsonAsync("/api/conversations", new { tutorId = tutor, bookingId = booking });
        retried.StatusCode.Should().Be(HttpStatusCode.Created, await retried.Content.ReadAsStringAsync());
        (await retried.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("bookingId").GetGuid().Should().Be(booking);
    }

    [Fact]
    public async Task Only_a_published_tutor_can_be_messaged_and_only_a_student_starts()
    {
        var student = Guid.NewGuid();
        using var client = fx.ClientFor(student);
        var problem = await client.ShouldRejectAsync(HttpMethod.Post, "/api/conversations", "application/json",
            $$"""{"tutorId":"{{Guid.NewGuid()}}"}""", 422, "tutorId", "unpublished tutor");
        problem.GetProperty("detail").GetString().Should().Contain("no published profile");

        using var tutorClient = fx.ClientFor(Guid.NewGuid(), PlatformRoles.Tutor);
        await tutorClient.ShouldRejectAsync(HttpMethod.Post, "/api/conversations", "application/json",
            $$"""{"tutorId":"{{fx.PublishTutor()}}"}""", 403, null, "a tutor starting");

        fx.TutoringDown = true;
        try
        {
            await client.ShouldRejectAsync(HttpMethod.Post, "/api/conversations", "application/json",
                $$"""{"tutorId":"{{fx.PublishTutor()}}"}""", 503, null, "tutoring down");
        }
        finally
        {
            fx.TutoringDown = false;
        }

        (await fx.WithDbAsync(db => Task.FromResult(db.Conversations.Count(c => c.StudentId == student)))).Should().Be(0);
    }

    [Fact]
    public async Task Messages_count_as_unread_until_read_and_a_read_covers_every_earlier_message()
    {
        using var pair = await fx.StartPairAsync();
        var first = await pair.SendAsync(pair.Student, "Hi, can we move Tuesday?");
        var second = await pair.SendAsync(pair.Student, "Or Wednesday.");
        await pair.SendAsync(pair.Tutor, "Let me check.");
        var third = await pair.SendAsync(pair.Student, "Thanks!");

        (await pair.GetAsync(pair.Tutor)).GetProperty("conversation").GetProperty("unread").GetInt32().Should().Be(3);
        (await pair.GetAsync(pair.Student)).GetProperty("conversation").GetProperty("unread").GetInt32().Should().Be(1);

        var receipt = await pair.ReadAsync(pair.Tutor, second.GetProperty("id").GetGuid());
        receipt.GetProperty("messageIds").EnumerateArray().Select(e => e.GetGuid())
            .Should().Equal(first.GetProperty("id").GetGuid(), second.GetProperty("id").GetGuid());
        receipt.GetProperty("unread").GetInt32().Should().Be(1);

        var again = await pair.ReadAsync(pair.Tutor, second.GetProperty("id").GetGuid());
        again.GetProperty("messageIds").GetArrayLength().Should().Be(0, "nothing new was read");

        var last = await pair.ReadAsync(pair.Tutor, third.GetProperty("id").GetGuid());
        last.GetProperty("messageIds").EnumerateArray().Select(e => e.GetGuid()).Should().Equal(third.GetProperty("id").GetGuid());
        last.GetProperty("unread").GetInt32().Should().Be(0);

        var events = await fx.WithDbAsync(db => db.EventsAboutAsync("conversationId", pair.ConversationId, t => t is MessageRead.Topic or MessageSent.Topic));
        events.Select(e => e.Topic).Should().Equal("message.sent", "message.sent", "message.sent", "message.sent", "message.read", "message.read");
        var read = events[4].Data;
        read.GetProperty("readerId").GetGuid().Should().Be(pair.TutorId);
        read.GetProperty("messageIds").GetArrayLength().Should().Be(2);
        read.TryGetProperty("readAt", out _).Should().BeTrue();
        var sent = events[2].Data;
        sent.GetProperty("senderId").GetGuid().Should().Be(pair.TutorId);
        sent.GetProperty("senderName").GetString().Should().Be("Grace Tutor");
        sent.GetProperty("recipientId").GetGuid().Should().Be(pair.StudentId);
        sent.GetProperty("preview").GetString().Should().Be("Let me check.");
        sent.EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo(["messageId", "conversationId", "senderId", "senderName", "recipientId", "preview", "sentAt"]);
    }

    [Fact]
    public async Task The_list_shows_newest_activity_first_with_preview_name_and_unread_and_pages_by_cursor()
    {
        var student = Guid.NewGuid();
        using var client = fx.ClientFor(student);
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.PostAsJsonAsync("/api/conversations", new { tutorId = fx.PublishTutor($"Tutor {i}") });
            ids.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        }

        using var tutor1 = fx.ClientFor((await fx.WithDbAsync(db => Task.FromResult(db.Conversations.Single(c => c.Id == ids[1]).TutorId))), PlatformRoles.Tutor);
        (await tutor1.PostAsJsonAsync($"/api/conversations/{ids[1]}/messages", new { text = "Welcome!" })).StatusCode.Should().Be(HttpStatusCode.Created);

        var page1 = await client.GetFromJsonAsync<JsonElement>("/api/conversations?limit=2");
        var items = page1.GetProperty("items").EnumerateArray().ToList();
        items.Select(i => i.GetProperty("id").GetGuid()).Should().Equal(ids[1], ids[2]);
        items[0].GetProperty("unread").GetInt32().Should().Be(1);
        items[0].GetProperty("lastMessage").GetProperty("preview").GetString().Should().Be("Welcome!");
        items[0].GetProperty("otherParticipant").GetProperty("name").GetString().Should().Be("Tutor 1");
        items[1].GetProperty("lastMessage").ValueKind.Should().Be(JsonValueKind.Null);

        var cursor = page1.GetProperty("nextCursor").GetString();
        var page2 = await client.GetFromJsonAsync<JsonElement>($"/api/conversations?limit=2&cursor={cursor}");
        page2.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).Should().Equal(ids[0]);
        page2.GetProperty("nextCursor").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public async Task Archiving_is_per_participant_and_a_new_message_brings_it_back_for_the_recipient()
    {
        using var pair = await fx.StartPairAsync();
        await pair.SendAsync(pair.Tutor, "See you Monday");
        using (var archive = await pair.Student.PatchAsJsonAsync($"/api/conversations/{pair.ConversationId}/archive", new { archived = true }))
        {
            archive.StatusCode.Should().Be(HttpStatusCode.OK);
            (await archive.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("archived").GetBoolean().Should().BeTrue();
        }

        (await ListIdsAsync(pair.Student, "")).Should().NotContain(pair.ConversationId);
        (await ListIdsAsync(pair.Student, "?archived=true")).Should().Contain(pair.ConversationId);
        (await ListIdsAsync(pair.Tutor, "")).Should().Contain(pair.ConversationId, "archiving is the student's own view");

        await pair.SendAsync(pair.Tutor, "One more thing");

        (await ListIdsAsync(pair.Student, "")).Should().Contain(pair.ConversationId);
        (await ListIdsAsync(pair.Student, "?archived=true")).Should().NotContain(pair.ConversationId);
    }

    [Fact]
    public async Task Only_the_sender_edits_and_deletes_and_a_deleted_message_shows_as_deleted_to_both()
    {
        using var pair = await fx.StartPairAsync();
        var message = await pair.SendAsync(pair.Student, "Helo");
        var id = message.GetProperty("id").GetGuid();

        await pair.Tutor.ShouldRejectAsync(HttpMethod.Patch, $"/api/messages/{id}", "application/json", """{"text":"hacked"}""", 403, null, "tutor edits");
        await pair.Tutor.ShouldRejectAsync(HttpMethod.Delete, $"/api/messages/{id}", null, null, 403, null, "tutor deletes");

        using (var edit = await pair.Student.PatchAsJsonAsync($"/api/messages/{id}", new { text = "  Hello  " }))
        {
            edit.StatusCode.Should().Be(HttpStatusCode.OK);
            var edited = await edit.Content.ReadFromJsonAsync<JsonElement>();
            edited.GetProperty("text").GetString().Should().Be("Hello");
            edited.GetProperty("editedAt").ValueKind.Should().Be(JsonValueKind.String);
        }

        (await pair.Student.DeleteAsync($"/api/messages/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await pair.Student.DeleteAsync($"/api/messages/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent, "deleting again changes nothing");

        foreach (var viewer in new[] { pair.Student, pair.Tutor })
        {
            var seen = (await pair.GetAsync(viewer)).GetProperty("messages")[0];
            seen.GetProperty("id").GetGuid().Should().Be(id);
            seen.GetProperty("deleted").GetBoolean().Should().BeTrue();
            seen.GetProperty("text").ValueKind.Should().Be(JsonValueKind.Null);
        }

        (await pair.GetAsync(pair.Tutor)).GetProperty("conversation").GetProperty("unread").GetInt32().Should().Be(0, "a deleted message is nothing to read");
        var problem = await pair.Student.ShouldRejectAsync(HttpMethod.Patch, $"/api/messages/{id}", "application/json", """{"text":"back"}""", 409, null, "edit deleted");
        problem.GetProperty("type").GetString().Should().Be("https://daprplatform.dev/problems/message-deleted");
    }

    [Fact]
    public async Task Message_pages_are_stable_while_new_messages_arrive()
    {
        using var pair = await fx.StartPairAsync();
        var sent = new List<Guid>();
        for (var i = 0; i < 7; i++)
        {
            sent.Add((await pair.SendAsync(i % 2 == 0 ? pair.Student : pair.Tutor, $"message {i}")).GetProperty("id").GetGuid());
        }

        var page1 = await pair.GetAsync(pair.Student, "?limit=3");
        page1.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetGuid()).Should().Equal(sent[6], sent[5], sent[4]);

        // Messages sent while paging land above every cursor already given out.
        await pair.SendAsync(pair.Tutor, "interrupting 1");
        await pair.SendAsync(pair.Student, "interrupting 2");

        var page2 = await pair.GetAsync(pair.Student, $"?limit=3&before={page1.GetProperty("nextCursor").GetString()}");
        page2.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetGuid()).Should().Equal(sent[3], sent[2], sent[1]);
        var page3 = await pair.GetAsync(pair.Student, $"?limit=3&before={page2.GetProperty("nextCursor").GetString()}");
        page3.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetGuid()).Should().Equal(sent[0]);
        page3.GetProperty("nextCursor").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public async Task Both_sides_sending_and_reading_at_once_lose_nothing_and_each_change_gets_its_own_version()
    {
        using var pair = await fx.StartPairAsync();
        var sends = Enumerable.Range(0, 20).Select(i => pair.SendAsync(i % 2 == 0 ? pair.Student : pair.Tutor, $"burst {i}")).ToList();
        var sent = await Task.WhenAll(sends);
        var reads = await Task.WhenAll(sent.Where(m => m.GetProperty("senderId").GetGuid() == pair.StudentId)
            .Select(m => pair.ReadAsync(pair.Tutor, m.GetProperty("id").GetGuid())));

        reads.SelectMany(r => r.GetProperty("messageIds").EnumerateArray().Select(e => e.GetGuid()))
            .Should().OnlyHaveUniqueItems("a message is newly read by one action only").And.HaveCount(10);
        var conversation = await fx.WithDbAsync(db => db.Conversations.AsNoTracking().SingleAsync(c => c.Id == pair.ConversationId));
        var readActions = reads.Count(r => r.GetProperty("messageIds").GetArrayLength() > 0);
        conversation.Version.Should().Be(20 + readActions, "every send and every read that read something is one version");
        var notices = (await fx.WithDbAsync(db => db.OutboxMessages.AsNoTracking().Where(m => m.Topic == LiveNotice.Topic).Select(m => m.Payload).ToListAsync()))
            .Select(p => JsonDocument.Parse(p).RootElement)
            .Where(n => n.GetProperty("conversationId").GetGuid() == pair.ConversationId);
        notices.Select(n => n.GetProperty("version").GetInt64()).Should().OnlyHaveUniqueItems().And.HaveCount(20 + readActions);
    }

    [Fact]
    public async Task The_unread_total_counts_the_callers_conversations_archived_ones_too_as_the_list_does()
    {
        // One tutor, two students: the tutor has unread messages in both conversations, one of them archived.
        using var pair = await fx.StartPairAsync();
        var otherStudent = Guid.NewGuid();
        using var other = fx.ClientFor(otherStudent, name: "Bea Student");
        using var started = await other.PostAsJsonAsync("/api/conversations", new { tutorId = pair.TutorId });
        var otherConversation = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await pair.SendAsync(pair.Student, "Hi!");
        var second = await pair.SendAsync(pair.Student, "Are you free on Friday?");
        await pair.SendAsync(pair.Tutor, "Let me check.");
        (await other.PostAsJsonAsync($"/api/conversations/{otherConversation}/messages", new { text = "Hello" })).StatusCode.Should().Be(HttpStatusCode.Created);
        (await pair.Tutor.PatchAsJsonAsync($"/api/conversations/{otherConversation}/archive", new { archived = true })).StatusCode.Should().Be(HttpStatusCode.OK);

        (await UnreadAsync(pair.Tutor)).Should().Be((3, 2), "the archived conversation counts, the tutor's own message does not");
        (await UnreadAsync(pair.Student)).Should().Be((1, 1));
        (await UnreadAsync(other)).Should().Be((0, 0));
        using (var stranger = fx.ClientFor(Guid.NewGuid(), PlatformRoles.Tutor))
        {
            (await UnreadAsync(stranger)).Should().Be((0, 0), "nobody else's conversations count");
        }

        (await ListUnreadSumAsync(pair.Tutor)).Should().Be(3, "the total is the sum of the list's own counts");

        (await pair.Student.DeleteAsync($"/api/messages/{second.GetProperty("id").GetGuid()}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await UnreadAsync(pair.Tutor)).Should().Be((2, 2), "a deleted message is nothing to read");
        (await ListUnreadSumAsync(pair.Tutor)).Should().Be(2);

        var detail = await pair.GetAsync(pair.Tutor);
        await pair.ReadAsync(pair.Tutor, detail.GetProperty("messages").EnumerateArray().First(m => !m.GetProperty("deleted").GetBoolean()).GetProperty("id").GetGuid());
        (await UnreadAsync(pair.Tutor)).Should().Be((1, 1), "reading the conversation leaves only the archived one unread");
        (await ListUnreadSumAsync(pair.Tutor)).Should().Be(1);
    }

    [Fact]
    public async Task The_participant_filter_finds_the_conversation_with_that_person_only()
    {
        var student = Guid.NewGuid();
        using var client = fx.ClientFor(student);
        var tutors = new[] { fx.PublishTutor("Tutor A"), fx.PublishTutor("Tutor B") };
        var ids = new List<Guid>();
        foreach (var tutor in tutors)
        {
            using var response = await client.PostAsJsonAsync("/api/conversations", new { tutorId = tutor });
            ids.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        }

        (await ListIdsAsync(client, $"?participant={tutors[0]}")).Should().Equal(ids[0]);
        (await ListIdsAsync(client, $"?participant={tutors[1]}&limit=1")).Should().Equal(ids[1]);
        (await ListIdsAsync(client, $"?participant={Guid.NewGuid()}")).Should().BeEmpty();
        (await ListIdsAsync(client, $"?participant={student}")).Should().BeEmpty("nobody has a conversation with themselves");
        var page = await client.GetFromJsonAsync<JsonElement>($"/api/conversations?participant={tutors[0]}&limit=1");
        page.GetProperty("nextCursor").ValueKind.Should().Be(JsonValueKind.Null);

        using var tutorA = fx.ClientFor(tutors[0], PlatformRoles.Tutor);
        (await ListIdsAsync(tutorA, $"?participant={student}")).Should().Equal(ids[0]);
        (await tutorA.PatchAsJsonAsync($"/api/conversations/{ids[0]}/archive", new { archived = true })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await ListIdsAsync(tutorA, $"?participant={student}")).Should().BeEmpty("archived ones only with archived=true");
        (await ListIdsAsync(tutorA, $"?participant={student}&archived=true")).Should().Equal(ids[0]);
        using var tutorB = fx.ClientFor(tutors[1], PlatformRoles.Tutor);
        (await ListIdsAsync(tutorB, $"?participant={tutors[0]}")).Should().BeEmpty("only the caller's own conversations");
    }

    [Fact]
    public async Task The_openapi_document_lists_every_public_route_and_no_subscription()
    {
        using var anonymous = fx.Host.App.CreateClient();

        var document = await anonymous.GetFromJsonAsync<JsonElement>("/swagger/v1/swagger.json");

        document.GetProperty("paths").EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo(
        [
            "/api/conversations", "/api/conversations/unread", "/api/conversations/{id}", "/api/conversations/{id}/messages",
            "/api/conversations/{id}/archive", "/api/conversations/{id}/typing", "/api/messages/{id}/read", "/api/messages/{id}",
            "/api/messaging/live",
        ]);
        var list = document.GetProperty("paths").GetProperty("/api/conversations").GetProperty("get").GetProperty("parameters")
            .EnumerateArray().Select(p => p.GetProperty("name").GetString());
        list.Should().Contain("participant");
    }

    private static async Task<(int Unread, int Conversations)> UnreadAsync(HttpClient client)
    {
        var totals = await client.GetFromJsonAsync<JsonElement>("/api/conversations/unread");
        totals.EnumerateObject().Select(p => p.Name).Should().Equal("unread", "conversations");
        return (totals.GetProperty("unread").GetInt32(), totals.GetProperty("conversations").GetInt32());
    }

    private static async Task<int> ListUnreadSumAsync(HttpClient client)
    {
        var sum = 0;
        foreach (var query in new[] { "?limit=100", "?archived=true&limit=100" })
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/api/conversations{query}");
            sum += page.GetProperty("items").EnumerateArray().Sum(i => i.GetProperty("unread").GetInt32());
        }

        return sum;
    }

    private static async Task<List<Guid>> ListIdsAsync(HttpClient client, string query) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/conversations{query}")).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToList();
}
