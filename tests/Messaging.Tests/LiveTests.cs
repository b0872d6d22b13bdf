using System.Net;
using System.Net.Http.Json;
using DaprPlatform.Messaging.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Messaging.Tests;

/// <summary>
/// The live streams end to end on DevHost: a change commits its notice to the outbox, the dispatcher publishes it on the
/// messaging-live component, every replica's sidecar delivers it, and the replica holding a recipient's stream writes it.
/// </summary>
[Collection(MessagingCollection.Name)]
public sealed class LiveTests(MessagingFixture fx)
{
    [Fact]
    public async Task Both_streams_see_messages_edits_deletes_and_read_receipts_in_order()
    {
        using var pair = await fx.StartPairAsync();
        await using var studentStream = await LiveStream.OpenAsync(pair.Student);
        await using var tutorStream = await LiveStream.OpenAsync(pair.Tutor);

        var hello = (await pair.SendAsync(pair.Student, "Hello")).GetProperty("id").GetGuid();
        var question = (await pair.SendAsync(pair.Student, "Is Tuesday fine?")).GetProperty("id").GetGuid();
        await pair.ReadAsync(pair.Tutor, question);
        var answer = (await pair.SendAsync(pair.Tutor, "Yes, Tuesday")).GetProperty("id").GetGuid();
        (await pair.Tutor.PatchAsJsonAsync($"/api/messages/{answer}", new { text = "Yes, Tuesday at 10" })).EnsureSuccessStatusCode();
        (await pair.Student.DeleteAsync($"/api/messages/{hello}")).EnsureSuccessStatusCode();

        string[] expected = ["message:new", "message:new", "message:read", "message:new", "message:edited", "message:deleted"];
        foreach (var stream in new[] { studentStream, tutorStream })
        {
            var events = await stream.CountAsync(expected.Length);
            events.Select(e => e.Name).Should().Equal(expected, string.Join(" | ", events));
            events[0].Data.GetProperty("id").GetGuid().Should().Be(hello);
            events[0].Data.GetProperty("text").GetString().Should().Be("Hello");
            events[1].Data.GetProperty("id").GetGuid().Should().Be(question);
            events[2].Data.GetProperty("readerId").GetGuid().Should().Be(pair.TutorId);
            events[2].Data.GetProperty("messageIds").EnumerateArray().Select(e => e.GetGuid()).Should().Equal(hello, question);
            events[3].Data.GetProperty("senderId").GetGuid().Should().Be(pair.TutorId);
            events[4].Data.GetProperty("text").GetString().Should().Be("Yes, Tuesday at 10");
            events[5].Data.GetProperty("id").GetGuid().Should().Be(hello);
            events[5].Data.GetProperty("deleted").GetBoolean().Should().BeTrue();
            events[5].Data.GetProperty("text").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);
        }
    }

    [Fact]
    public async Task Typing_reaches_only_the_other_participant_is_throttled_and_never_stored()
    {
        using var pair = await fx.StartPairAsync();
        await using var studentStream = await LiveStream.OpenAsync(pair.Student);
        await using var tutorStream = await LiveStream.OpenAsync(pair.Tutor);
        var before = await fx.WithDbAsync(db => Task.FromResult((db.Messages.Count(), db.OutboxMessages.Count())));

        for (var i = 0; i < 3; i++)
        {
            (await pair.Student.PostAsync($"/api/conversations/{pair.ConversationId}/typing", null)).StatusCode.Should().Be(HttpStatusCode.Accepted);
        }

        var seen = await tutorStream.CountAsync(1);
        seen[0].Name.Should().Be("user:typing");
        seen[0].Data.GetProperty("userId").GetGuid().Should().Be(pair.StudentId);
        seen[0].Data.GetProperty("name").GetString().Should().Be("Ada Student");

        // A message sent afterwards arrives after the typing signal; the repeats within the interval never do.
        await pair.SendAsync(pair.Student, "Here it is");
        (await tutorStream.CountAsync(2)).Select(e => e.Name).Should().Equal("user:typing", "message:new");
        (await studentStream.CountAsync(1)).Select(e => e.Name).Should().Equal(["message:new"], "the typist is not told of their own typing");
        var after = await fx.WithDbAsync(db => Task.FromResult((db.Messages.Count(), db.OutboxMessages.Count())));
        after.Should().Be((before.Item1 + 1, before.Item2 + 2), "typing writes nothing; the message writes itself, message.sent and its notice");
    }

    [Fact]
    public async Task A_message_sent_through_one_replica_reaches_a_stream_held_by_the_other()
    {
        using var pair = await fx.StartPairAsync();
        using var tutorOnReplica = fx.ClientFor(pair.TutorId, PlatformRoles.Tutor, "Grace Tutor", replica: true);
        await using var tutorStream = await LiveStream.OpenAsync(tutorOnReplica);
        await using var studentStream = await LiveStream.OpenAsync(pair.Student);
        fx.Host.Replica(MessagingFixture.ReplicaAppId).Services.GetRequiredService<LiveConnections>().CountFor(pair.TutorId).Should().Be(1);
        fx.Host.App.Services.GetRequiredService<LiveConnections>().CountFor(pair.TutorId).Should().Be(0, "the tutor's stream is held by the replica only");

        var message = (await pair.SendAsync(pair.Student, "Sent via the first replica")).GetProperty("id").GetGuid();
        await pair.ReadAsync(tutorOnReplica, message);

        var tutorEvents = await tutorStream.CountAsync(2);
        tutorEvents.Select(e => e.Name).Should().Equal("message:new", "message:read");
        tutorEvents[0].Data.GetProperty("id").GetGuid().Should().Be(message);
        var studentEvents = await studentStream.CountAsync(2);
        studentEvents.Select(e => e.Name).Should().Equal("message:new", "message:read");
    }

    [Fact]
    public async Task A_stranger_stream_sees_nothing_of_the_conversation()
    {
        using var pair = await fx.StartPairAsync();
        using var stranger = fx.ClientFor(Guid.NewGuid());
        await using var strangerStream = await LiveStream.OpenAsync(stranger);
        await using var tutorStream = await LiveStream.OpenAsync(pair.Tutor);

        await pair.SendAsync(pair.Student, "Private");
        (await pair.Student.PostAsync($"/api/conversations/{pair.ConversationId}/typing", null)).EnsureSuccessStatusCode();

        await tutorStream.CountAsync(2);
        strangerStream.Events.Should().BeEmpty();
    }
}
