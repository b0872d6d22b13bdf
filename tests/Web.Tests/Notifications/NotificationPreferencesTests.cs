using System.Text.Json;
using Bunit;
using NotificationPreferencesPage = DaprPlatform.Web.Features.Notifications.NotificationPreferences;

namespace DaprPlatform.Web.Tests.Notifications;

public sealed class NotificationPreferencesTests : NotificationsContext
{
    private const string Path = "api/notifications/preferences";

    [Fact]
    public void Shows_the_saved_choices()
    {
        SignInOnInteractivePage();
        Answer(App, "GET", Path, 200, """{"inApp":true,"telegram":true,"email":false,"telegramChatId":"@ada_lovelace"}""");

        var page = Render<NotificationPreferencesPage>();

        page.WaitForAssertion(() => page.Find("#telegramChatId").GetAttribute("value").Should().Be("@ada_lovelace"), Patience);
        page.Find("#inApp").HasAttribute("checked").Should().BeTrue();
        page.Find("#telegram").HasAttribute("checked").Should().BeTrue();
        page.Find("#email").HasAttribute("checked").Should().BeFalse();
        page.Find("label[for=telegramChatId]").TextContent.Should().Be("Telegram chat id");
    }

    [Fact]
    public void A_field_error_from_the_service_sits_next_to_its_field_and_marks_it_invalid()
    {
        SignInOnInteractivePage();
        Answer(App, "GET", Path, 200, """{"inApp":true,"telegram":false,"email":false,"telegramChatId":null}""");
        Answer(App, "PUT", Path, 400, """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more validation errors occurred.","status":400,
             "errors":{"telegramChatId":["telegramChatId is required when telegram is on."]}}
            """);
        var page = Render<NotificationPreferencesPage>();
        page.WaitForAssertion(() => page.Find("#telegram"), Patience);

        page.Find("#telegram").Change(true);
        page.Find("form").Submit();

        page.WaitForAssertion(() => page.Find("#telegramChatId-error").TextContent.Should().Be("telegramChatId is required when telegram is on."), Patience);
        page.Find("#telegramChatId-error").ParentElement!.QuerySelector("#telegramChatId").Should().NotBeNull("the message is next to its field");
        page.Find("#telegramChatId").GetAttribute("aria-invalid").Should().Be("true");
        page.Find("#telegramChatId").GetAttribute("aria-describedby").Should().Contain("telegramChatId-error");
        page.Find(".problem").TextContent.Should().NotContain("telegramChatId is required", "a field's error is shown once, by its field");
        page.FindAll(".saved").Should().BeEmpty();

        var sent = JsonDocument.Parse(CallsTo(App).Single(r => r.Method == "PUT").Body).RootElement;
        sent.GetProperty("telegram").GetBoolean().Should().BeTrue();
        sent.GetProperty("inApp").GetBoolean().Should().BeTrue();
        sent.GetProperty("email").GetBoolean().Should().BeFalse();
    }

    [Fact]
    public void Saves_and_shows_what_the_service_kept()
    {
        SignInOnInteractivePage();
        Answer(App, "GET", Path, 200, """{"inApp":true,"telegram":false,"email":false,"telegramChatId":null}""");
        Answer(App, "PUT", Path, 200, """{"inApp":true,"telegram":true,"email":true,"telegramChatId":"@ada_lovelace"}""");
        var page = Render<NotificationPreferencesPage>();
        page.WaitForAssertion(() => page.Find("#telegramChatId"), Patience);

        page.Find("#telegram").Change(true);
        page.Find("#email").Change(true);
        page.Find("#telegramChatId").Change("  @ada_lovelace ");
        page.Find("form").Submit();

        page.WaitForAssertion(() => page.Find("[role=status].saved").TextContent.Should().Be("Saved."), Patience);
        page.Find("#telegramChatId").GetAttribute("value").Should().Be("@ada_lovelace");
        var sent = JsonDocument.Parse(CallsTo(App).Single(r => r.Method == "PUT").Body).RootElement;
        sent.GetProperty("telegramChatId").GetString().Should().Be("  @ada_lovelace ");
        sent.GetProperty("email").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public void A_failed_load_is_a_message_not_a_form()
    {
        SignInOnInteractivePage();
        Answer(App, "GET", Path, 503, """{"title":"Service Unavailable","status":503}""");

        var page = Render<NotificationPreferencesPage>();

        page.WaitForAssertion(() => page.Find("[role=alert]").TextContent.Should().Contain("Service Unavailable"), Patience);
        page.FindAll("form").Should().BeEmpty();
    }
}
