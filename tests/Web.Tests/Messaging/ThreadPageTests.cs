using System.Text.Json;
using Bunit;
using DaprPlatform.Web.Features.Messaging;
using Microsoft.AspNetCore.Http;

namespace DaprPlatform.Web.Tests.Messaging;

/// <summary>/messages/{id}: the thread, sending, editing and deleting, read receipts, and what the live stream brings.</summary>
public sealed class ThreadPageTests : MessagingContext
{
    private static readonly Guid Hello = Guid.NewGuid(), Reply = Guid.NewGuid(), Gone = Guid.NewGuid(), Fixed = Guid.NewGuid();

    /// <summary>
    /// The page once it has settled: the fake has no live stream until a test gives it one, so the page says it is
    /// reconnecting and stops re-rendering, and clicks reach the buttons they found.
    /// </summary>
    private IRenderedComponent<ThreadPage> RenderThread(TimeSpan? typingShownFor = null)
    {
        var page = Render<ThreadPage>(p =>
        {
            p.Add(x => x.ConversationId, ConversationId);
            if (typingShownFor is { } shown)
            {
                p.Add(x => x.TypingShownFor, shown);
            }
        });
        page.WaitForAssertion(() => page.Markup.Should().ContainAny("Live updates paused; reconnecting…", "Not found"), Patience);
        return page;
    }

    private static IEnumerable<string> Texts(IRenderedComponent<ThreadPage> page) =>
        page.FindAll("li.message .text").Select(t => t.TextContent);

    [Fact]
    public void Messages_read_oldest_to_newest_with_who_sent_them_edited_deleted_and_seen()
    {
        SignInStudent();
        var now = DateTimeOffset.UtcNow;
        AnswerDetail(Detail(null,
            Message(Reply, TutorId, "Sure, Tuesday works.", now.AddMinutes(-1), readAt: now),
            Message(Gone, Me, null, now.AddMinutes(-2), deleted: true),
            Message(Fixed, Me, "Could we meet on Tuesday?", now.AddMinutes(-3), editedAt: now.AddMinutes(-2), readAt: now),
            Message(Hello, Me, "Hello!", Earlier)));
        Answer(App, "PATCH", $"api/messages/{Reply}/read", 200, "{}");

        var page = RenderThread();

        page.WaitForAssertion(() => page.FindAll("li.message").Should().HaveCount(4), Patience);
        page.Find("h1").TextContent.Should().Be("Tess Tutor");
        Texts(page).Should().Equal("Hello!", "Could we meet on Tuesday?", "This message was deleted.", "Sure, Tuesday works.");
        var items = page.FindAll("li.message");
        items.Select(i => i.QuerySelector(".sender")!.TextContent).Should().Equal("You", "You", "You", "Tess Tutor");
        items[0].ClassList.Should().Contain("own");
        items[3].ClassList.Should().Contain("other");
        items[0].QuerySelector(".seen").Should().BeNull("not read yet");
        items[1].QuerySelector(".seen")!.TextContent.Should().Be("Seen");
        items[1].QuerySelector(".edited")!.TextContent.Should().Be("(edited)");
        items[2].ClassList.Should().Contain("deleted");
        items[2].QuerySelectorAll("button").Should().BeEmpty("a deleted message has nothing left to change");
        items[3].QuerySelector(".seen").Should().BeNull("read receipts are only shown on one's own messages");
        items[3].QuerySelectorAll("button").Should().BeEmpty("another's message cannot be changed");
        items[0].QuerySelectorAll("button").Select(b => b.TextContent).Should().Equal(["Delete"], "the edit window closed long ago");
        items[1].QuerySelectorAll("button").Select(b => b.TextContent).Should().Equal("Edit", "Delete");
        page.Find("ol.messages").GetAttribute("role").Should().Be("log");
    }

    [Fact]
    public void Opening_the_thread_reads_the_newest_incoming_message_which_reads_all_before_it()
    {
        SignInStudent();
        AnswerDetail(Detail(null,
            Message(Reply, TutorId, "Second", Earlier.AddMinutes(2)),
            Message(Hello, TutorId, "First", Earlier.AddMinutes(1))));
        Answer(App, "PATCH", $"api/messages/{Reply}/read", 200,
            JsonSerializer.Serialize(new { conversationId = ConversationId, readerId = Me, messageIds = new[] { Hello, Reply }, readAt = DateTimeOffset.UtcNow, unread = 0 }, JsonSerializerOptions.Web));

        var page = RenderThread();

        page.WaitForAssertion(() => CallsOf("PATCH", $"/api/messages/{Reply}/read").Should().Be(1), Patience);
        CallsOf("PATCH", $"/api/messages/{Hello}/read").Should().Be(0, "reading the newest reads every earlier one");
    }

    [Fact]
    public void Load_earlier_asks_for_the_page_before_the_cursor_and_puts_it_on_top()
    {
        SignInStudent();
        AnswerDetail(Detail("older-than-2", Message(Reply, Me, "Newest", Earlier.AddMinutes(2))));
        var page = RenderThread();
        page.WaitForAssertion(() => page.Find(".earlier button").TextContent.Should().Be("Load earlier messages"), Patience);

        Sidecar.Respond(r => r.RawTarget.Contains("before=older-than-2", StringComparison.Ordinal)
            ? new TestSupport.SidecarReply(200, Detail(null, Message(Hello, Me, "Oldest", Earlier))) : null);
        Interact(() => page.Find(".earlier button").Click());

        page.WaitForAssertion(() => Texts(page).Should().Equal("Oldest", "Newest"), Patience);
        page.FindAll(".earlier button").Should().BeEmpty("the oldest message is here");
    }

    [Fact]
    public void Sending_appends_the_message_clears_the_box_and_counts_against_the_limit()
    {
        SignInStudent();
        AnswerDetail(Detail(null));
        Answer(App, "POST", $"api/conversations/{ConversationId}/messages", 201, Message(Hello, Me, "Hello there", DateTimeOffset.UtcNow));
        Answer(App, "POST", $"api/conversations/{ConversationId}/typing", 202);
        var page = RenderThread();
        page.WaitForAssertion(() => page.Find(".empty").TextContent.Should().Contain("No messages yet"), Patience);

        page.Find("#message-text-count").TextContent.Should().Be("0 of 4,000 characters");
        page.Find("#message-text").GetAttribute("maxlength").Should().Be("4000");
        Interact(() => page.Find("#message-text").Input("Hello there"));
        page.Find("#message-text-count").TextContent.Should().Be("11 of 4,000 characters");
        Interact(() => page.Find("#message-text").Change("Hello there"));
        Interact(() => page.Find("form.send-form").Submit());

        page.WaitForAssertion(() => Texts(page).Should().Equal("Hello there"), Patience);
        BodiesSent("POST", "/messages").Single().GetProperty("text").GetString().Should().Be("Hello there");
        page.Find("#message-text").GetAttribute("value").Should().BeNullOrEmpty();
        page.Find("#message-text-count").TextContent.Should().Be("0 of 4,000 characters");
    }

    [Fact]
    public void Typing_sends_one_signal_for_a_burst_of_keystrokes()
    {
        SignInStudent();
        AnswerDetail(Detail(null));
        Answer(App, "POST", $"api/conversations/{ConversationId}/typing", 202);
        var page = RenderThread();
        page.WaitForAssertion(() => page.FindAll("#message-text").Should().ContainSingle(), Patience);

        foreach (var text in new[] { "H", "He", "Hel", "Hell", "Hello" })
        {
            Interact(() => page.Find("#message-text").Input(text));
        }

        page.WaitForAssertion(() => CallsOf("POST", "/typing").Should().Be(1), Patience);
    }

    [Fact]
    public void A_field_error_is_shown_at_the_box()
    {
        SignInStudent();
        AnswerDetail(Detail(null));
        Answer(App, "POST", $"api/conversations/{ConversationId}/messages", 400,
            Problem(400, "One or more validation errors occurred.", errors: ("text", "text must be 1 to 4000 characters.")));
        var page = RenderThread();
        page.WaitForAssertion(() => page.FindAll("form.send-form").Should().ContainSingle(), Patience);

        Interact(() => page.Find("form.send-form").Submit());

        page.WaitForAssertion(() => page.Find("#message-text-error").TextContent.Should().Be("text must be 1 to 4000 characters."), Patience);
        page.Find("#message-text").GetAttribute("aria-invalid").Should().Be("true");
        page.Find("#message-text").GetAttribute("aria-describedby").Should().Contain("message-text-error");
        page.FindAll("li.message").Should().BeEmpty();
    }

    [Fact]
    public void Too_many_messages_says_to_slow_down_for_as_long_as_Retry_After_says()
    {
        SignInStudent();
        AnswerDetail(Detail(null));
        Sidecar.Handler = async context =>
        {
            if (context.Request.Method == "POST" && context.Request.Path.Value!.EndsWith("/messages", StringComparison.Ordinal))
            {
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = "17";
                context.Response.ContentType = "application/problem+json";
                await context.Response.WriteAsync(Problem(429, "Too many messages.", "At most 30 messages per 60 s; try again later."));
                return;
            }

            context.Response.StatusCode = 404;
        };
        var page = RenderThread();
        page.WaitForAssertion(() => page.FindAll("form.send-form").Should().ContainSingle(), Patience);
        Interact(() => page.Find("#message-text").Change("One more"));

        Interact(() => page.Find("form.send-form").Submit());

        page.WaitForAssertion(() => page.Find(".send-form [role=alert]").TextContent.Should().Be("Slow down: you are sending messages too fast. Try again in 17 s."), Patience);
        page.FindAll("li.message").Should().BeEmpty();
    }

    [Fact]
    public void The_sender_edits_within_the_window_and_a_closed_window_is_shown_as_the_services_problem()
    {
        SignInStudent();
        var now = DateTimeOffset.UtcNow;
        AnswerDetail(Detail(null, Message(Hello, Me, "Tuesday?", now.AddMinutes(-1))));
        Answer(App, "PATCH", $"api/messages/{Hello}", 200, Message(Hello, Me, "Tuesday at 5?", now.AddMinutes(-1), editedAt: now));
        var page = RenderThread();
        page.WaitForAssertion(() => page.FindAll("li.message button").Should().HaveCount(2), Patience);

        Interact(() => page.FindAll("li.message button").Single(b => b.TextContent == "Edit").Click());
        page.WaitForElement($"#edit-{Hello:N}", Patience).GetAttribute("value").Should().Be("Tuesday?");
        Interact(() => page.Find($"#edit-{Hello:N}").Change("Tuesday at 5?"));
        Interact(() => page.Find("form.edit-form").Submit());

        page.WaitForAssertion(() => Texts(page).Should().Equal("Tuesday at 5?"), Patience);
        page.Find(".edited").TextContent.Should().Be("(edited)");
        BodiesSent("PATCH", $"/api/messages/{Hello}").Single().GetProperty("text").GetString().Should().Be("Tuesday at 5?");

        Answer(App, "PATCH", $"api/messages/{Hello}", 409, Problem(409, "The message can no longer be edited.", "Messages can be edited for 15 minutes."));
        Interact(() => page.FindAll("li.message button").Single(b => b.TextContent == "Edit").Click());
        page.WaitForElement("form.edit-form", Patience);
        Interact(() => page.Find("form.edit-form").Submit());

        page.WaitForAssertion(() => page.Find(".edit-form .problem strong").TextContent.Should().Be("The message can no longer be edited."), Patience);
    }

    [Fact]
    public void Deleting_asks_first_and_leaves_the_message_in_place_as_deleted()
    {
        SignInStudent();
        AnswerDetail(Detail(null, Message(Hello, Me, "Oops", DateTimeOffset.UtcNow)));
        Answer(App, "DELETE", $"api/messages/{Hello}", 204);
        var page = RenderThread();
        page.WaitForAssertion(() => page.FindAll("li.message button").Should().HaveCount(2), Patience);

        Interact(() => page.FindAll("li.message button").Single(b => b.TextContent == "Delete").Click());
        page.WaitForElement("[role=group]", Patience).GetAttribute("aria-label").Should().Be("Delete this message?");
        page.Find("[role=group] span").TextContent.Should().Be("Delete this message? Tess Tutor will see that it was deleted.");
        CallsOf("DELETE", $"/api/messages/{Hello}").Should().Be(0, "nothing is deleted before the confirmation");
        Interact(() => page.FindAll("button").Single(b => b.TextContent == "Delete message").Click());

        page.WaitForAssertion(() => Texts(page).Should().Equal("This message was deleted."), Patience);
        CallsOf("DELETE", $"/api/messages/{Hello}").Should().Be(1);
    }

    [Fact]
    public void A_new_message_is_shown_once_though_the_stream_and_the_reload_both_bring_it()
    {
        SignInStudent();
        AnswerDetail(Detail(null, Message(Hello, Me, "Hello!", Earlier)));
        var page = RenderThread();
        page.WaitForAssertion(() => Texts(page).Should().Equal("Hello!"), Patience);

        // The stream brings the reply, ends, and is opened again (reading the conversation afresh, which has the reply too).
        var reply = Message(Reply, TutorId, "Hi Sam!", Earlier.AddMinutes(1));
        AnswerDetail(Detail(null, reply, Message(Hello, Me, "Hello!", Earlier)));
        Answer(App, "PATCH", $"api/messages/{Reply}/read", 200, "{}");
        AnswerLive(("message:new", reply));

        page.WaitForAssertion(() => Texts(page).Should().Equal("Hello!", "Hi Sam!"), Patience);
        page.WaitForAssertion(() => CallsOf("GET", LivePath).Should().BeGreaterThan(2), Patience);
        Texts(page).Should().Equal(["Hello!", "Hi Sam!"], "the same message from the stream and the reload is one message");
        CallsOf("PATCH", $"/api/messages/{Reply}/read").Should().BeGreaterThanOrEqualTo(1, "a message shown is read");
    }

    [Fact]
    public void Edits_deletions_and_read_receipts_from_the_stream_are_applied_in_place()
    {
        SignInStudent();
        AnswerDetail(Detail(null,
            Message(Reply, TutorId, "Tuesday?", Earlier.AddMinutes(2), readAt: Earlier.AddMinutes(3)),
            Message(Fixed, TutorId, "Typo heer", Earlier.AddMinutes(1), readAt: Earlier.AddMinutes(3)),
            Message(Hello, Me, "Hello!", Earlier)));
        var page = RenderThread();
        page.WaitForAssertion(() => Texts(page).Should().Equal("Hello!", "Typo heer", "Tuesday?"), Patience);
        page.FindAll(".seen").Should().BeEmpty();

        AnswerLive(
            ("message:edited", Message(Fixed, TutorId, "Typo here", Earlier.AddMinutes(1), editedAt: Earlier.AddMinutes(4), readAt: Earlier.AddMinutes(3))),
            ("message:deleted", Message(Reply, TutorId, null, Earlier.AddMinutes(2), deleted: true)),
            ("message:read", JsonSerializer.Serialize(new { conversationId = ConversationId, readerId = TutorId, messageIds = new[] { Hello }, readAt = Earlier.AddMinutes(5) }, JsonSerializerOptions.Web)));

        page.WaitForAssertion(() => Texts(page).Should().Equal("Hello!", "Typo here", "This message was deleted."), Patience);
        page.WaitForAssertion(() => page.Find("li.own .seen").TextContent.Should().Be("Seen"), Patience);
        page.FindAll(".edited").Should().ContainSingle();
    }

    [Fact]
    public void The_other_persons_typing_shows_and_goes_away_after_a_while()
    {
        SignInStudent();
        AnswerDetail(Detail(null));
        var page = RenderThread(typingShownFor: TimeSpan.FromMilliseconds(400));
        page.WaitForAssertion(() => page.FindAll("form.send-form").Should().ContainSingle(), Patience);
        page.Find(".typing").TextContent.Should().BeEmpty();

        var typing = JsonSerializer.Serialize(new { conversationId = ConversationId, userId = TutorId, name = "Tess Tutor", at = DateTimeOffset.UtcNow }, JsonSerializerOptions.Web);
        var elsewhere = JsonSerializer.Serialize(new { conversationId = Guid.NewGuid(), userId = Guid.NewGuid(), name = "Someone Else", at = DateTimeOffset.UtcNow }, JsonSerializerOptions.Web);
        AnswerLive(("user:typing", elsewhere), ("user:typing", typing));

        page.WaitForAssertion(() => page.Find(".typing").TextContent.Should().Be("Tess Tutor is typing…"), Patience);
        page.Find(".typing").GetAttribute("aria-live").Should().Be("polite");

        AnswerLive();
        page.WaitForAssertion(() => page.Find(".typing").TextContent.Should().BeEmpty(), Patience);
    }

    [Fact]
    public void A_message_from_the_one_typing_ends_their_typing()
    {
        SignInStudent();
        AnswerDetail(Detail(null));
        Answer(App, "PATCH", $"api/messages/{Reply}/read", 200, "{}");
        var page = RenderThread(typingShownFor: TimeSpan.FromMinutes(1));
        AnswerLive(("user:typing", JsonSerializer.Serialize(new { conversationId = ConversationId, userId = TutorId, name = "Tess Tutor", at = DateTimeOffset.UtcNow }, JsonSerializerOptions.Web)));
        page.WaitForAssertion(() => page.Find(".typing").TextContent.Should().Be("Tess Tutor is typing…"), Patience);

        AnswerLive(("message:new", Message(Reply, TutorId, "Done typing", DateTimeOffset.UtcNow)));

        page.WaitForAssertion(() => Texts(page).Should().Equal("Done typing"), Patience);
        page.Find(".typing").TextContent.Should().BeEmpty("the message it announced has come");
    }

    [Fact]
    public void Someone_elses_conversation_is_not_found()
    {
        SignInStudent();
        Answer(App, "GET", $"api/conversations/{ConversationId}", 404, Problem(404, "Not Found", $"Conversation {ConversationId} does not exist."));

        var page = RenderThread();

        page.WaitForAssertion(() => page.Find("h1").TextContent.Should().Be("Not found"), Patience);
        page.Markup.Should().Contain("There is nothing at this address, or it is not yours to see.");
        page.FindAll("form").Should().BeEmpty();
    }
}
