using Bunit;
using DaprPlatform.Web.Features.Notifications;

namespace DaprPlatform.Web.Tests.Notifications;

public sealed class NotificationListTests : NotificationsContext
{
    private static readonly Guid Welcome = Guid.Parse("0192f0a0-0000-7000-8000-000000000001");
    private static readonly Guid Booked = Guid.Parse("0192f0a0-0000-7000-8000-000000000002");

    private static string Item(Guid id, string title, string createdAt, string? readAt) =>
        $$"""{"id":"{{id}}","kind":"test","title":"{{title}}","body":"Body of {{title}}.","createdAt":"{{createdAt}}","readAt":{{(readAt is null ? "null" : $"\"{readAt}\"")}},"isRead":{{(readAt is null ? "false" : "true")}}}""";

    private void AnswerList(int total, params string[] items) =>
        Answer(App, "GET", "api/notifications", 200, $$"""{"items":[{{string.Join(",", items)}}],"page":1,"pageSize":20,"total":{{total}}}""");

    /// <summary>The page and the header's bell, as in the app: they share the circuit's unread count. The bell polls rarely
    /// here, so any prompt update must come from the page.</summary>
    private (IRenderedComponent<NotificationList> Page, IRenderedComponent<NotificationBell> Bell) RenderPageWithBell()
    {
        var bell = Render<NotificationBell>(p => p.Add(x => x.PollInterval, TimeSpan.FromHours(1)));
        var page = Render<NotificationList>();
        return (page, bell);
    }

    [Fact]
    public void Lists_newest_first_with_read_state_in_words_and_times_in_the_browsers_zone()
    {
        SignInOnInteractivePage();
        AnswerUnread(1);
        AnswerList(2,
            Item(Booked, "Booked: algebra", "2026-12-01T14:00:00Z", null),
            Item(Welcome, "Welcome", "2026-11-30T09:00:00Z", "2026-11-30T10:00:00Z"));

        var page = Render<NotificationList>();

        page.WaitForAssertion(() => page.FindAll("li.notification").Should().HaveCount(2), Patience);
        var items = page.FindAll("li.notification");
        items[0].QuerySelector("h2")!.TextContent.Should().Be("Booked: algebra");
        items[0].QuerySelector(".state")!.TextContent.Should().Be("Unread");
        var received = items[0].QuerySelector("time")!;
        received.GetAttribute("datetime").Should().Be("2026-12-01T14:00:00.0000000Z");
        received.TextContent.Should().MatchRegex(@"(15:00|3:00\sPM) \(Europe/Berlin\)$", "14:00 UTC is 15:00 in Berlin, labelled with the zone");
        items[1].QuerySelector(".state")!.TextContent.Should().Be("Read");
        items[1].QuerySelectorAll("button").Should().BeEmpty("a read notification has nothing to mark");
        page.Find("h1").TextContent.Should().Be("Notifications");
    }

    [Fact]
    public void Marks_one_read_and_the_bell_follows_at_once()
    {
        SignInOnInteractivePage();
        AnswerUnread(2);
        AnswerList(2,
            Item(Booked, "Booked: algebra", "2026-12-01T14:00:00Z", null),
            Item(Welcome, "Welcome", "2026-11-30T09:00:00Z", null));
        var (page, bell) = RenderPageWithBell();
        page.WaitForAssertion(() => page.FindAll("button").Where(b => b.TextContent == "Mark read").Should().HaveCount(2), Patience);
        bell.WaitForAssertion(() => bell.Find("a").GetAttribute("aria-label").Should().Be("Notifications, 2 unread"), Patience);

        Answer(App, "POST", $"api/notifications/{Welcome}/read", 200, Item(Welcome, "Welcome", "2026-11-30T09:00:00Z", "2026-12-02T08:00:00Z"));
        AnswerUnread(1);
        var welcome = page.FindAll("li.notification")[1];
        welcome.QuerySelector("button")!.GetAttribute("aria-describedby").Should().Be(welcome.QuerySelector("h2")!.Id);
        page.FindAll("li.notification")[1].QuerySelector("button")!.Click();

        page.WaitForAssertion(() => page.FindAll("li.notification")[1].QuerySelector(".state")!.TextContent.Should().Be("Read"), Patience);
        page.FindAll("li.notification")[0].QuerySelector(".state")!.TextContent.Should().Be("Unread");
        page.Find("[role=status]").TextContent.Should().Be("Marked “Welcome” read.");
        CallsTo(App).Should().ContainSingle(r => r.Method == "POST").Which.Path.Should().Be($"/v1.0/invoke/notifications/method/api/notifications/{Welcome}/read");
        bell.WaitForAssertion(() => bell.Find("a").GetAttribute("aria-label").Should().Be("Notifications, 1 unread"), Patience);
    }

    [Fact]
    public void Marks_all_read_reloads_the_list_and_the_bell_shows_none()
    {
        SignInOnInteractivePage();
        AnswerUnread(2);
        AnswerList(2,
            Item(Booked, "Booked: algebra", "2026-12-01T14:00:00Z", null),
            Item(Welcome, "Welcome", "2026-11-30T09:00:00Z", null));
        var (page, bell) = RenderPageWithBell();
        page.WaitForAssertion(() => page.Find("button.secondary").TextContent.Should().Be("Mark all read"), Patience);
        bell.WaitForAssertion(() => bell.FindAll(".bell-count").Should().ContainSingle(), Patience);

        Answer(App, "POST", "api/notifications/read-all", 200, """{"updated":2}""");
        AnswerUnread(0);
        AnswerList(2,
            Item(Booked, "Booked: algebra", "2026-12-01T14:00:00Z", "2026-12-02T08:00:00Z"),
            Item(Welcome, "Welcome", "2026-11-30T09:00:00Z", "2026-12-02T08:00:00Z"));
        page.Find("button.secondary").Click();

        page.WaitForAssertion(() => page.FindAll(".state").Select(s => s.TextContent).Should().Equal("Read", "Read"), Patience);
        CallsTo(App).Where(r => r.Method == "POST").Select(r => r.Path).Should().Equal("/v1.0/invoke/notifications/method/api/notifications/read-all");
        page.FindAll("button").Should().NotContain(b => b.TextContent == "Mark all read" || b.TextContent == "Mark read");
        page.Find("[role=status]").TextContent.Should().Be("Marked 2 notifications read.");
        bell.WaitForAssertion(() => bell.Find("a").GetAttribute("aria-label").Should().Be("Notifications, none unread"), Patience);
        bell.FindAll(".bell-count").Should().BeEmpty();
    }

    [Fact]
    public void Says_so_when_there_are_none()
    {
        SignInOnInteractivePage();
        AnswerList(0);

        var page = Render<NotificationList>();

        page.WaitForAssertion(() => page.Find("p.empty").TextContent.Should().StartWith("You have no notifications yet."), Patience);
        page.FindAll("ol").Should().BeEmpty();
    }

    [Fact]
    public void Shows_the_services_problem_and_tries_again_on_request()
    {
        SignInOnInteractivePage();
        Answer(App, "GET", "api/notifications", 503, """{"title":"Notifications are resting","status":503,"detail":"Back in a minute."}""");

        var page = Render<NotificationList>();

        page.WaitForAssertion(() => page.Find("[role=alert]").TextContent.Should().Contain("Notifications are resting").And.Contain("Back in a minute."), Patience);
        page.Markup.Should().NotContain("{\"title\"", "no raw JSON");

        AnswerList(1, Item(Welcome, "Welcome", "2026-11-30T09:00:00Z", null));
        page.Find("button.secondary").Click();

        page.WaitForAssertion(() => page.FindAll("li.notification").Should().ContainSingle(), Patience);
        page.FindAll("[role=alert]").Should().BeEmpty();
    }

    [Fact]
    public void A_failed_mark_read_is_shown_and_changes_nothing()
    {
        SignInOnInteractivePage();
        AnswerList(1, Item(Welcome, "Welcome", "2026-11-30T09:00:00Z", null));
        Answer(App, "POST", $"api/notifications/{Welcome}/read", 404, $$"""{"title":"Not Found","status":404,"detail":"Notification {{Welcome}} was not found."}""");
        var page = Render<NotificationList>();
        page.WaitForAssertion(() => page.FindAll("li.notification").Should().ContainSingle(), Patience);

        page.Find("li.notification button").Click();

        page.WaitForAssertion(() => page.Find("[role=alert]").TextContent.Should().Contain($"Notification {Welcome} was not found."), Patience);
        page.Find(".state").TextContent.Should().Be("Unread");
    }

    [Fact]
    public void Pages_through_older_notifications()
    {
        SignInOnInteractivePage();
        Answer(App, "GET", "api/notifications", 200, $$"""{"items":[{{Item(Booked, "Newest", "2026-12-01T14:00:00Z", null)}}],"page":1,"pageSize":20,"total":21}""");
        var page = Render<NotificationList>();
        page.WaitForAssertion(() => page.Find("nav.pager").TextContent.Should().Contain("Page 1 of 2"), Patience);
        page.FindAll("nav.pager button")[0].HasAttribute("disabled").Should().BeTrue("there is nothing newer");

        Answer(App, "GET", "api/notifications", 200, $$"""{"items":[{{Item(Welcome, "Oldest", "2026-11-01T14:00:00Z", null)}}],"page":2,"pageSize":20,"total":21}""");
        page.FindAll("nav.pager button")[1].Click();

        page.WaitForAssertion(() => page.Find("li.notification h2").TextContent.Should().Be("Oldest"), Patience);
        page.Find("nav.pager").TextContent.Should().Contain("Page 2 of 2");
        CallsTo(App).Last(r => r.Path.EndsWith("/api/notifications", StringComparison.Ordinal)).RawTarget.Should().EndWith("api/notifications?page=2&pageSize=20");
    }

    [Fact]
    public void An_address_in_a_notice_is_a_link_and_the_rest_stays_text()
    {
        SignInOnInteractivePage();
        AnswerUnread(1);
        const string body = "Your PDF export of Daily news is ready (180 KB). Download or share it: http://localhost:5009/reports/exports/0193a5c2-7d41-7c3e-9b1a-2f4e6d8a0b11.";
        AnswerList(1, $$"""{"id":"{{Booked}}","kind":"report-ready","title":"PDF export ready: Daily news","body":"{{body}}","createdAt":"2026-12-01T14:00:00Z","readAt":null,"isRead":false}""");

        var page = Render<NotificationList>();

        page.WaitForAssertion(() => page.FindAll("li.notification").Should().ContainSingle(), Patience);
        var paragraph = page.Find(".notification-body");
        paragraph.TextContent.Should().Be(body, "the text reads as before");
        var link = paragraph.QuerySelector("a")!;
        link.GetAttribute("href").Should().Be("http://localhost:5009/reports/exports/0193a5c2-7d41-7c3e-9b1a-2f4e6d8a0b11", "the full stop ends the sentence, not the address");
    }

    [Theory]
    [InlineData("No address here.", new[] { "No address here." }, new string[0])]
    [InlineData("See https://a.example/x?y=1, then (http://b.example/).", new[] { "See ", "https://a.example/x?y=1", ", then (", "http://b.example/", ")." }, new[] { "https://a.example/x?y=1", "http://b.example/" })]
    [InlineData("javascript:alert(1) and ftp://c.example/f stay text", new[] { "javascript:alert(1) and ftp://c.example/f stay text" }, new string[0])]
    [InlineData("http://", new[] { "http://" }, new string[0])]
    public void Only_http_addresses_become_links(string body, string[] texts, string[] links)
    {
        var parts = NotificationBody.Parts(body);

        parts.Select(p => p.Text).Should().Equal(texts);
        parts.Where(p => p.Link is not null).Select(p => p.Link!.OriginalString).Should().Equal(links);
    }
}
