using Bunit;
using DaprPlatform.Web.Features.Notifications;

namespace DaprPlatform.Web.Tests.Notifications;

public sealed class NotificationBellTests : NotificationsContext
{
    private static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(100);

    [Fact]
    public void Shows_the_unread_count_in_its_name_and_badge_and_follows_it_live()
    {
        SignInOnInteractivePage();
        AnswerUnread(3);

        var bell = Render<NotificationBell>(p => p.Add(x => x.PollInterval, Fast));

        bell.WaitForAssertion(() => bell.Find("a").GetAttribute("aria-label").Should().Be("Notifications, 3 unread"), Patience);
        bell.Find("a").GetAttribute("href").Should().Be("/notifications");
        bell.Find(".bell-count").TextContent.Should().Be("3");
        bell.Find(".bell-count").GetAttribute("aria-hidden").Should().Be("true", "the count is already in the link's name");

        AnswerUnread(4);

        bell.WaitForAssertion(() => bell.Find("a").GetAttribute("aria-label").Should().Be("Notifications, 4 unread"), Patience);
        bell.Find(".bell-count").TextContent.Should().Be("4");
    }

    [Fact]
    public void Hides_the_count_at_zero()
    {
        SignInOnInteractivePage();
        AnswerUnread(2);
        var bell = Render<NotificationBell>(p => p.Add(x => x.PollInterval, Fast));
        bell.WaitForAssertion(() => bell.FindAll(".bell-count").Should().ContainSingle(), Patience);

        AnswerUnread(0);

        bell.WaitForAssertion(() => bell.Find("a").GetAttribute("aria-label").Should().Be("Notifications, none unread"), Patience);
        bell.FindAll(".bell-count").Should().BeEmpty();
    }

    [Fact]
    public void A_large_count_is_capped_in_the_badge_but_exact_in_the_name()
    {
        SignInOnInteractivePage();
        AnswerUnread(250);

        var bell = Render<NotificationBell>(p => p.Add(x => x.PollInterval, Fast));

        bell.WaitForAssertion(() => bell.Find(".bell-count").TextContent.Should().Be("99+"), Patience);
        bell.Find("a").GetAttribute("aria-label").Should().Be("Notifications, 250 unread");
    }

    [Fact]
    public async Task Keeps_the_last_count_while_the_service_is_down_and_stops_asking_once_disposed()
    {
        SignInOnInteractivePage();
        AnswerUnread(1);
        var bell = Render<NotificationBell>(p => p.Add(x => x.PollInterval, Fast));
        bell.WaitForAssertion(() => bell.Find("a").GetAttribute("aria-label").Should().Be("Notifications, 1 unread"), Patience);

        Answer(App, "GET", "api/notifications/unread-count", 503, """{"title":"Service Unavailable","status":503}""");
        var failing = CountCalls();
        // Renders only happen when something changes, so wait on the clock rather than on renders.
        await Task.Delay(600);
        CountCalls().Should().BeGreaterThan(failing + 1, "a failed poll is retried on the next tick");
        bell.Find("a").GetAttribute("aria-label").Should().Be("Notifications, 1 unread", "a failed poll does not wipe what is known");

        await DisposeComponentsAsync();
        var afterDispose = CountCalls();
        await Task.Delay(500);
        CountCalls().Should().BeLessThanOrEqualTo(afterDispose + 1, "polling stops with the component (one call may have been in flight)");
    }

    [Fact]
    public void Stops_polling_when_the_session_has_ended()
    {
        SignInOnInteractivePage();
        Answer(App, "GET", "api/notifications/unread-count", 401, """{"title":"Unauthorized","status":401}""");

        var bell = Render<NotificationBell>(p => p.Add(x => x.PollInterval, Fast));

        bell.WaitForAssertion(() => CountCalls().Should().Be(1), Patience);
        Thread.Sleep(500);
        CountCalls().Should().Be(1, "a 401 cannot turn into an answer by asking again");
        bell.Find("a").GetAttribute("aria-label").Should().Be("Notifications");
    }

    [Fact]
    public void On_a_static_page_it_asks_once_and_does_not_poll()
    {
        SignInOnInteractivePage(interactive: false);
        AnswerUnread(2);

        var bell = Render<NotificationBell>(p => p.Add(x => x.PollInterval, Fast));

        bell.WaitForAssertion(() => bell.Find("a").GetAttribute("aria-label").Should().Be("Notifications, 2 unread"), Patience);
        Thread.Sleep(500);
        CountCalls().Should().Be(1);
    }
}
