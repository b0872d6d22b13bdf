using Bunit;
using DaprPlatform.Web.Features.Messaging;

namespace DaprPlatform.Web.Tests.Messaging;

/// <summary>The main menu's Messages link: the unread total over every conversation, kept current by the live stream.</summary>
public sealed class MessagesNavLinkTests : MessagingContext
{
    /// <summary>Messaging's unread total; the link never pages through the conversation list for it.</summary>
    private void AnswerUnread(int unread, int conversations) =>
        Answer(App, "GET", "api/conversations/unread", 200, $$"""{"unread":{{unread}},"conversations":{{conversations}}}""");

    [Fact]
    public void Shows_the_total_unread_in_its_name_and_badge_and_follows_new_messages_live()
    {
        SignInStudent();
        AnswerUnread(unread: 3, conversations: 2);

        var link = Render<MessagesNavLink>();

        link.WaitForAssertion(() => link.Find("a").GetAttribute("aria-label").Should().Be("Messages, 3 unread"), Patience);
        link.Find("a").GetAttribute("href").Should().Be("/messages");
        link.Find(".unread-count").TextContent.Should().Be("3");
        link.Find(".unread-count").GetAttribute("aria-hidden").Should().Be("true");

        AnswerUnread(unread: 5, conversations: 2);
        AnswerLive(("message:new", Message(Guid.NewGuid(), TutorId, "Hello?", Earlier)));

        link.WaitForAssertion(() => link.Find("a").GetAttribute("aria-label").Should().Be("Messages, 5 unread"), Patience);
        link.Find(".unread-count").TextContent.Should().Be("5");
        CallsOf("GET", "/api/conversations").Should().Be(0, "the total comes from messaging, not from the list");
    }

    [Fact]
    public void Nothing_unread_shows_no_badge()
    {
        SignInStudent();
        AnswerUnread(unread: 0, conversations: 0);

        var link = Render<MessagesNavLink>();

        link.WaitForAssertion(() => CallsOf("GET", "/api/conversations/unread").Should().BeGreaterThanOrEqualTo(1), Patience);
        link.WaitForAssertion(() => link.Find("a").GetAttribute("aria-label").Should().Be("Messages"), Patience);
        link.FindAll(".unread-count").Should().BeEmpty();
    }

    [Fact]
    public void On_a_static_page_it_asks_once_and_opens_no_stream()
    {
        SignInStudent(interactive: false);
        AnswerUnread(unread: 1, conversations: 1);

        var link = Render<MessagesNavLink>();

        link.WaitForAssertion(() => link.Find("a").GetAttribute("aria-label").Should().Be("Messages, 1 unread"), Patience);
        Thread.Sleep(300);
        CallsOf("GET", "/" + LivePath).Should().Be(0);
    }
}
