using Bunit;
using DaprPlatform.Web.Features.Messaging;

namespace DaprPlatform.Web.Tests.Messaging;

/// <summary>The main menu's Messages link: the unread total over every conversation, kept current by the live stream.</summary>
public sealed class MessagesNavLinkTests : MessagingContext
{
    private void AnswerUnread(int inbox, int archived)
    {
        Sidecar.Respond(r => r.Method == "GET" && r.Path == "/v1.0/invoke/messaging/method/api/conversations"
            ? new TestSupport.SidecarReply(200, r.RawTarget.Contains("archived=true", StringComparison.Ordinal)
                ? ListOf(null, Conversation(unread: archived))
                : ListOf(null, Conversation(unread: inbox), Conversation(unread: 0)))
            : null);
    }

    [Fact]
    public void Shows_the_total_unread_in_its_name_and_badge_and_follows_new_messages_live()
    {
        SignInStudent();
        AnswerUnread(inbox: 2, archived: 1);

        var link = Render<MessagesNavLink>();

        link.WaitForAssertion(() => link.Find("a").GetAttribute("aria-label").Should().Be("Messages, 3 unread"), Patience);
        link.Find("a").GetAttribute("href").Should().Be("/messages");
        link.Find(".unread-count").TextContent.Should().Be("3");
        link.Find(".unread-count").GetAttribute("aria-hidden").Should().Be("true");

        AnswerUnread(inbox: 4, archived: 1);
        AnswerLive(("message:new", Message(Guid.NewGuid(), TutorId, "Hello?", Earlier)));

        link.WaitForAssertion(() => link.Find("a").GetAttribute("aria-label").Should().Be("Messages, 5 unread"), Patience);
        link.Find(".unread-count").TextContent.Should().Be("5");
    }

    [Fact]
    public void Nothing_unread_shows_no_badge()
    {
        SignInStudent();
        AnswerUnread(inbox: 0, archived: 0);

        var link = Render<MessagesNavLink>();

        link.WaitForAssertion(() => CallsOf("GET", "/api/conversations").Should().BeGreaterThanOrEqualTo(2), Patience);
        link.WaitForAssertion(() => link.Find("a").GetAttribute("aria-label").Should().Be("Messages"), Patience);
        link.FindAll(".unread-count").Should().BeEmpty();
    }

    [Fact]
    public void On_a_static_page_it_asks_once_and_opens_no_stream()
    {
        SignInStudent(interactive: false);
        AnswerUnread(inbox: 1, archived: 0);

        var link = Render<MessagesNavLink>();

        link.WaitForAssertion(() => link.Find("a").GetAttribute("aria-label").Should().Be("Messages, 1 unread"), Patience);
        Thread.Sleep(300);
        CallsOf("GET", "/" + LivePath).Should().Be(0);
    }
}
