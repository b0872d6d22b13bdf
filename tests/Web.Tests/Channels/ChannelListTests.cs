using System.Text.Json;
using Bunit;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Web.Features.Channels;

namespace DaprPlatform.Web.Tests.Channels;

public sealed class ChannelListTests : ChannelsComponentContext
{
    private static readonly Guid ChannelId = Guid.Parse("6f1d2c3b-4a59-4e68-9d7c-8b9a0f1e2d3c");

    private static string Channel(Guid id, string username, string title) =>
        $$"""{"id":"{{id}}","telegramChatId":-1001234567890,"username":"{{username}}","title":"{{title}}","ownerId":"{{Guid.NewGuid()}}","subscribers":1234,"createdAt":"2026-12-07T09:30:00+00:00"}""";

    private static string Page(params string[] channels) => $$"""{"items":[{{string.Join(",", channels)}}],"page":1,"pageSize":100,"total":{{channels.Length}}}""";

    [Fact]
    public void No_channels_yet_shows_the_empty_state_with_a_call_to_register()
    {
        SignIn(PlatformRoles.ChannelOwner);
        Answer("channels", "GET", "api/channels", 200, Page());

        var page = Render<ChannelList>();

        page.WaitForAssertion(() => page.Find(".empty").TextContent.Should().Contain("You have no channels yet."), Patience);
        page.Find(".empty a").TextContent.Should().Be("Register your first channel");
        page.FindAll("table").Should().BeEmpty();
        CallsTo("channels").Single().RawTarget.Should().EndWith("api/channels?pageSize=100");
    }

    [Fact]
    public void A_bad_name_is_refused_next_to_the_field_and_a_good_one_joins_the_list()
    {
        SignIn(PlatformRoles.ChannelOwner);
        Answer("channels", "GET", "api/channels", 200, Page());
        Answer("channels", "POST", "api/channels", 400,
            """{"title":"One or more validation errors occurred.","status":400,"errors":{"telegram":["telegram must be an @username of 5 to 32 letters, digits or underscores, starting with a letter."]}}""");
        var page = Render<ChannelList>();
        page.WaitForAssertion(() => page.Find(".empty"), Patience);

        page.Find("#telegram").Change("@abc");
        page.Find("form").Submit();

        page.WaitForAssertion(() => page.Find("#telegram-error").TextContent.Should().Contain("5 to 32 letters"), Patience);
        page.Find("#telegram").GetAttribute("aria-invalid").Should().Be("true");
        page.Find("#telegram").GetAttribute("aria-describedby").Should().Contain("telegram-error");
        JsonDocument.Parse(CallsTo("channels").Last().Body).RootElement.GetProperty("telegram").GetString().Should().Be("@abc");

        Answer("channels", "POST", "api/channels", 201, Channel(ChannelId, "@some_channel", "Some Channel"));
        page.Find("#telegram").Change("some_channel");
        page.Find("form").Submit();

        page.WaitForAssertion(() => page.Find("[role=status]").TextContent.Should().Contain("Registered Some Channel (@some_channel)."), Patience);
        JsonDocument.Parse(CallsTo("channels").Last().Body).RootElement.GetProperty("telegram").GetString().Should().Be("@some_channel", "a bare name gets its @");
        page.FindAll("#telegram-error").Should().BeEmpty();
        page.Find("tbody a").GetAttribute("href").Should().Be($"/channels/{ChannelId}");
        page.Find("tbody").TextContent.Should().Contain("1,234");
    }

    [Fact]
    public void A_channel_registered_already_says_so_clearly()
    {
        SignIn(PlatformRoles.ChannelOwner);
        Answer("channels", "GET", "api/channels", 200, Page());
        Answer("channels", "POST", "api/channels", 409,
            """{"title":"Conflict","status":409,"detail":"The Telegram channel @some_channel is already registered."}""");
        var page = Render<ChannelList>();
        page.WaitForAssertion(() => page.Find(".empty"), Patience);

        page.Find("#telegram").Change("@some_channel");
        page.Find("form").Submit();

        page.WaitForAssertion(() => page.Find(".problem strong").TextContent.Should().Be("This channel is already registered"), Patience);
        page.Find("#telegram-error").TextContent.Should().Contain("The Telegram channel @some_channel is already registered.");
        page.Find("#telegram").GetAttribute("aria-invalid").Should().Be("true");
    }

    [Fact]
    public void Removing_asks_first_and_then_takes_the_channel_off_the_list()
    {
        SignIn(PlatformRoles.ChannelOwner);
        var other = Guid.NewGuid();
        Answer("channels", "GET", "api/channels", 200, Page(Channel(ChannelId, "@some_channel", "Some Channel"), Channel(other, "@other_one", "Other One")));
        Answer("channels", "DELETE", $"api/channels/{ChannelId}", 204);
        var page = Render<ChannelList>();
        page.WaitForAssertion(() => page.FindAll("tbody tr").Should().HaveCount(2), Patience);

        page.FindAll("tbody button").First(b => b.TextContent.Contains("@some_channel", StringComparison.Ordinal)).Click();
        Sidecar.Received.Should().NotContain(r => r.Method == "DELETE", "nothing is removed before the person confirms");
        page.Find("[role=group]").GetAttribute("aria-label").Should().Be("Confirm removing @some_channel");

        page.FindAll("[role=group] button").Single(b => b.TextContent == "Keep it").Click();
        page.FindAll("[role=group]").Should().BeEmpty();
        Sidecar.Received.Should().NotContain(r => r.Method == "DELETE");

        page.FindAll("tbody button").First(b => b.TextContent.Contains("@some_channel", StringComparison.Ordinal)).Click();
        page.FindAll("[role=group] button").Single(b => b.TextContent == "Yes, remove").Click();

        page.WaitForAssertion(() => page.FindAll("tbody tr").Should().ContainSingle().Which.TextContent.Should().Contain("Other One"), Patience);
        page.Find("[role=status]").TextContent.Should().Contain("Removed Some Channel (@some_channel).");
        Sidecar.Received.Should().ContainSingle(r => r.Method == "DELETE").Which.Path.Should().EndWith($"api/channels/{ChannelId}");
    }

    [Fact]
    public void The_list_failing_to_load_says_why_and_offers_to_try_again()
    {
        SignIn(PlatformRoles.ChannelOwner);
        Answer("channels", "GET", "api/channels", 503, """{"title":"Service Unavailable","status":503,"detail":"The database is not answering."}""");

        var page = Render<ChannelList>();

        page.WaitForAssertion(() => page.Find("[role=alert]").TextContent.Should().Contain("The database is not answering."), Patience);
        Answer("channels", "GET", "api/channels", 200, Page(Channel(ChannelId, "@some_channel", "Some Channel")));
        page.FindAll("button").Single(b => b.TextContent == "Try again").Click();
        page.WaitForAssertion(() => page.FindAll("tbody tr").Should().ContainSingle(), Patience);
    }
}
