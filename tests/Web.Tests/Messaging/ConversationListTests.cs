using Bunit;
using DaprPlatform.Web.Features.Messaging;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Web.Tests.Messaging;

/// <summary>/messages: the person's conversations, newest activity first, with unread badges; the archive.</summary>
public sealed class ConversationListTests : MessagingContext
{
    private void AnswerList(bool archived, string json) =>
        Sidecar.Respond(r => r.Method == "GET" && r.Path == "/v1.0/invoke/messaging/method/api/conversations"
            && r.RawTarget.Contains($"archived={(archived ? "true" : "false")}", StringComparison.Ordinal)
            ? new TestSupport.SidecarReply(200, json) : null);

    private IRenderedComponent<ConversationList> RenderArchive()
    {
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo(navigation.GetUriWithQueryParameter("archived", true));
        return Render<ConversationList>();
    }

    [Fact]
    public void Without_conversations_it_says_how_one_starts()
    {
        SignInStudent();
        AnswerList(archived: false, ListOf(null));

        var page = Render<ConversationList>();

        page.WaitForAssertion(() => page.Find(".empty").TextContent.Should().Contain("No conversations yet."), Patience);
        page.FindAll("ol.conversations").Should().BeEmpty();
        page.Find("h1").TextContent.Should().Be("Messages");
        page.Find(".page-head a").GetAttribute("href").Should().Be("/messages?archived=true");
    }

    [Fact]
    public void Each_conversation_shows_the_other_person_the_last_message_and_its_unread_count()
    {
        var me = SignInStudent();
        var withUnread = Guid.NewGuid();
        AnswerList(archived: false, ListOf(null,
            Conversation(withUnread, me, "Tess Tutor", unread: 3, lastPreview: "See you Tuesday", lastActivity: Earlier.AddHours(2)),
            Conversation(null, me, "Otto Other", unread: 0, lastPreview: "Thanks!", lastSender: me),
            Conversation(null, me, "Dana Deleted", lastDeleted: true),
            Conversation(null, me, "Nina New")));

        var page = Render<ConversationList>();

        page.WaitForAssertion(() => page.FindAll("li.conversation").Should().HaveCount(4), Patience);
        var items = page.FindAll("li.conversation");
        items[0].QuerySelector("a")!.TextContent.Should().Be("Tess Tutor");
        items[0].QuerySelector("a")!.GetAttribute("href").Should().Be($"/messages/{withUnread}");
        items[0].QuerySelector(".unread-badge")!.TextContent.Should().Be("3 unread");
        items[0].ClassList.Should().Contain("unread");
        items[0].QuerySelector(".preview")!.TextContent.Should().Be("See you Tuesday");
        items[0].QuerySelector("time")!.TextContent.Should().Be("12/6/2026 12:00\u202fPM (Europe/Berlin)");
        items[1].QuerySelector(".unread-badge").Should().BeNull("nothing unread shows no badge");
        items[1].ClassList.Should().NotContain("unread");
        items[1].QuerySelector(".preview")!.TextContent.Should().Be("You: Thanks!");
        items[2].QuerySelector(".preview")!.TextContent.Should().Be("Message deleted.");
        items[3].QuerySelector(".preview")!.TextContent.Should().Be("No messages yet.");
        items[0].QuerySelector("button")!.GetAttribute("aria-label").Should().Be("Archive the conversation with Tess Tutor");
        CallsTo(App).Should().Contain(r => r.RawTarget.Contains("archived=false", StringComparison.Ordinal));
    }

    [Fact]
    public void Archiving_takes_a_conversation_out_of_the_list_and_the_archive_lists_it_with_a_way_back()
    {
        var me = SignInStudent();
        var id = Guid.NewGuid();
        AnswerList(archived: false, ListOf(null, Conversation(id, me, "Tess Tutor", lastPreview: "Hi")));
        Answer(App, "PATCH", $"api/conversations/{id}/archive", 200, Conversation(id, me, "Tess Tutor", archived: true, lastPreview: "Hi"));

        var page = Render<ConversationList>();
        page.WaitForAssertion(() => page.FindAll("li.conversation").Should().ContainSingle(), Patience);
        // The list re-renders when the live stream connects (and re-reads); a click retried on a fresh find meets the current handler.
        page.WaitForAssertion(() => page.Find("li.conversation button").Click(), Patience);

        page.WaitForAssertion(() => page.FindAll("li.conversation").Should().BeEmpty(), Patience);
        BodiesSent("PATCH", $"/api/conversations/{id}/archive").Single().GetProperty("archived").GetBoolean().Should().BeTrue();
        page.Find("[role=status]").TextContent.Should().Be("The conversation with Tess Tutor is archived.");

        AnswerList(archived: true, ListOf(null, Conversation(id, me, "Tess Tutor", archived: true, lastPreview: "Hi")));
        var archive = RenderArchive();
        archive.WaitForAssertion(() => archive.FindAll("li.conversation").Should().ContainSingle(), Patience);
        archive.Find("h1").TextContent.Should().Be("Archived messages");
        archive.Find(".page-head a").GetAttribute("href").Should().Be("/messages");
        archive.Find("li.conversation button").TextContent.Trim().Should().Be("Move back to messages");
        CallsTo(App).Should().Contain(r => r.RawTarget.Contains("archived=true", StringComparison.Ordinal));
    }

    [Fact]
    public void An_empty_archive_says_so()
    {
        SignInStudent();
        AnswerList(archived: true, ListOf(null));

        var page = RenderArchive();

        page.WaitForAssertion(() => page.Find(".empty").TextContent.Trim().Should().Be("No archived conversations."), Patience);
    }

    [Fact]
    public void A_new_message_on_the_live_stream_reads_the_list_again()
    {
        var me = SignInStudent();
        var id = Guid.NewGuid();
        AnswerList(archived: false, ListOf(null, Conversation(id, me, "Tess Tutor", lastPreview: "Hi")));
        var page = Render<ConversationList>();
        page.WaitForAssertion(() => page.Find(".preview").TextContent.Should().Be("Hi"), Patience);

        AnswerList(archived: false, ListOf(null, Conversation(id, me, "Tess Tutor", unread: 1, lastPreview: "Are you free on Friday?")));
        AnswerLive(("message:new", Message(Guid.NewGuid(), TutorId, "Are you free on Friday?", Earlier.AddHours(1))));

        page.WaitForAssertion(() => page.Find(".preview").TextContent.Should().Be("Are you free on Friday?"), Patience);
        page.Find(".unread-badge").TextContent.Should().Be("1 unread");
    }

    [Fact]
    public void A_failure_is_shown_with_a_way_to_try_again()
    {
        SignInStudent();
        Answer(App, "GET", "api/conversations", 503, Problem(503, "Service Unavailable", "messaging is restarting"));

        var page = Render<ConversationList>();

        page.WaitForAssertion(() => page.Find(".problem strong").TextContent.Should().Be("Service Unavailable"), Patience);
        page.Find("button").TextContent.Should().Be("Try again");
    }
}
