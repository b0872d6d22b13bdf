using System.Text.Json;
using Bunit;
using DaprPlatform.Web.Features.Tutor;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Web.Tests.Tutor;

public sealed class PayoutsPageTests : TutorPageContext
{
    private const string OnboardingUrl = "http://localhost:12111/connect/onboarding/acct_1/abc";

    private static string Account(string status, string? onboardingUrl = null) => $$"""
        {"accountId":"acct_1","status":"{{status}}","detailsSubmitted":{{(status == "enabled" ? "true" : "false")}},
         "payoutsEnabled":{{(status == "enabled" ? "true" : "false")}},"onboardingUrl":{{(onboardingUrl is null ? "null" : $"\"{onboardingUrl}\"")}},
         "onboardingExpiresAt":null,"createdAt":"2026-12-01T10:00:00+00:00","updatedAt":"2026-12-01T10:00:00+00:00"}
        """;

    private static string Payout(string start, string end, long amount, string status, string? transferId = null, string? failureReason = null) => $$"""
        {"payoutId":"{{Guid.NewGuid()}}","tutorId":"{{Guid.NewGuid()}}","periodStart":"{{start}}","periodEnd":"{{end}}",
         "amount":{"amount":{{amount}},"currency":"USD"},"status":"{{status}}",
         "transferId":{{(transferId is null ? "null" : $"\"{transferId}\"")}},"failureReason":{{(failureReason is null ? "null" : $"\"{failureReason}\"")}},
         "createdAt":"2026-12-01T10:00:00+00:00","updatedAt":"2026-12-01T10:00:00+00:00"}
        """;

    private static string History(int total, int page = 1, params string[] payouts) =>
        $$"""{"items":[{{string.Join(',', payouts)}}],"page":{{page}},"pageSize":10,"total":{{total}}}""";

    private NavigationManager Navigation => Services.GetRequiredService<NavigationManager>();

    [Fact]
    public async Task Without_an_account_connecting_sends_the_browser_to_stripes_onboarding_with_urls_back_to_this_page()
    {
        SignInAsTutor();
        AnswerProfile(ProfileJson());
        Answer("payments", "GET", "api/payouts/account", 404, """{"title":"Not Found","status":404,"detail":"You have no payout account."}""");
        Answer("payments", "POST", "api/payouts/account", 201, Account("pending", OnboardingUrl));

        var page = Render<PayoutsPage>();

        var connect = page.WaitForElement("button:contains('Connect payout account')", Patience);
        page.FindAll("table").Should().BeEmpty();
        page.FindAll("[role=alert]").Should().BeEmpty("no account yet is not an error");
        await connect.ClickAsync();

        page.WaitForAssertion(() => Navigation.Uri.Should().Be(OnboardingUrl), Patience);
        var sent = JsonDocument.Parse(CallsTo("payments").Single(r => r.Method == "POST").Body).RootElement;
        sent.GetProperty("returnUrl").GetString().Should().Be("http://localhost/tutor/payouts");
        sent.GetProperty("refreshUrl").GetString().Should().Be("http://localhost/tutor/payouts?onboarding=expired");
        CallsTo("payments").Should().NotContain(r => r.Path.EndsWith("/api/payouts", StringComparison.Ordinal), "no history without an account");
    }

    [Fact]
    public async Task A_refused_connect_is_shown_as_the_problem_and_the_page_stays()
    {
        SignInAsTutor();
        AnswerNoProfile();
        Answer("payments", "GET", "api/payouts/account", 404, """{"title":"Not Found","status":404}""");
        Answer("payments", "POST", "api/payouts/account", 503,
            """{"title":"Payments are unavailable","status":503,"detail":"Stripe is not configured."}""");

        var page = Render<PayoutsPage>();
        await page.WaitForElement("button:contains('Connect payout account')", Patience).ClickAsync();

        page.WaitForAssertion(() => page.Find("[role=alert]").TextContent.Should().Contain("Stripe is not configured."), Patience);
        Navigation.Uri.Should().Be("http://localhost/", "the browser stays on the page");
    }

    [Fact]
    public async Task A_pending_account_offers_to_continue_onboarding_and_says_when_the_link_had_expired()
    {
        SignInAsTutor();
        AnswerProfile(ProfileJson());
        Answer("payments", "GET", "api/payouts/account", 200, Account("pending"));
        Answer("payments", "POST", "api/payouts/account", 200, Account("pending", OnboardingUrl));
        Navigation.NavigateTo("/tutor/payouts?onboarding=expired");

        var page = Render<PayoutsPage>();

        var resume = page.WaitForElement("button:contains('Continue onboarding')", Patience);
        page.Markup.Should().Contain("expired or was used already").And.Contain("onboarding is not finished");
        page.FindAll("button").Should().NotContain(b => b.TextContent.Contains("Request payout", StringComparison.Ordinal));
        await resume.ClickAsync();

        page.WaitForAssertion(() => Navigation.Uri.Should().Be(OnboardingUrl), Patience);
    }

    [Fact]
    public void An_enabled_account_shows_the_history_with_periods_in_the_tutors_zone_money_status_and_failure_reason()
    {
        SignInAsTutor();
        AnswerProfile(ProfileJson(timezone: "America/New_York"));
        Answer("payments", "GET", "api/payouts/account", 200, Account("enabled"));
        Answer("payments", "GET", "api/payouts", 200, History(3, 1,
            Payout("2026-11-30T00:00:00+00:00", "2026-12-07T00:00:00+00:00", 340000, "completed", transferId: "tr_1"),
            Payout("2026-11-23T00:00:00+00:00", "2026-11-30T00:00:00+00:00", 5100, "failed", failureReason: "The destination account is restricted."),
            Payout("2026-11-16T00:00:00+00:00", "2026-11-23T00:00:00+00:00", 500, "skipped")));

        var page = Render<PayoutsPage>();

        page.WaitForAssertion(() => page.FindAll("tbody tr").Should().HaveCount(3), Patience);
        var rows = page.FindAll("tbody tr").Select(r => r.QuerySelectorAll("td").Select(td => td.TextContent).ToList()).ToList();
        rows[0].Should().Equal("11/29/2026 7:00\u202fPM (America/New_York) – 12/6/2026 7:00\u202fPM (America/New_York)", "$3,400.00", "Paid", "Transfer tr_1");
        rows[1].Skip(1).Should().Equal("$51.00", "Failed", "The destination account is restricted.");
        rows[2].Skip(1).Should().Equal("$5.00", "Skipped", "Below the minimum payout; carried over to the next period.");
        page.Find("caption").TextContent.Should().Contain("America/New_York (your profile's time zone)");
        page.Find("button").TextContent.Should().Be("Request payout now");
        page.FindAll("nav.pager").Should().BeEmpty("one page needs no pager");
        CallsTo("payments").Last().RawTarget.Should().Contain("page=1").And.Contain("pageSize=10");
    }

    [Fact]
    public async Task History_pages_turn_and_no_payouts_yet_is_said_plainly()
    {
        SignInAsTutor();
        AnswerNoProfile();
        Answer("payments", "GET", "api/payouts/account", 200, Account("enabled"));
        Answer("payments", "GET", "api/payouts", 200, History(0));

        var empty = Render<PayoutsPage>();
        empty.WaitForAssertion(() => empty.Find(".empty").TextContent.Should().Contain("No payouts yet."), Patience);
        empty.FindAll("table").Should().BeEmpty();

        Answer("payments", "GET", "api/payouts", 200, History(11, 1, Payout("2026-11-30T00:00:00+00:00", "2026-12-07T00:00:00+00:00", 2000, "pending")));
        var page = Render<PayoutsPage>();
        page.WaitForAssertion(() => page.Find("nav.pager").TextContent.Should().Contain("Page 1 of 2 (11 payouts)"), Patience);
        page.Find("caption").TextContent.Should().Contain("Europe/Berlin (your browser's time zone)");

        Answer("payments", "GET", "api/payouts", 200, History(11, 2, Payout("2026-01-05T00:00:00+00:00", "2026-01-12T00:00:00+00:00", 7000, "completed", "tr_old")));
        await page.FindAll("button").Single(b => b.TextContent == "Next page").ClickAsync();
        page.WaitForAssertion(() => page.FindAll("tbody td")[1].TextContent.Should().Be("$70.00"), Patience);
        CallsTo("payments").Last().RawTarget.Should().Contain("page=2");
    }

    [Fact]
    public async Task Requesting_a_payout_shows_the_period_started_and_reloads_the_history()
    {
        SignInAsTutor();
        AnswerProfile(ProfileJson(timezone: "UTC"));
        Answer("payments", "GET", "api/payouts/account", 200, Account("enabled"));
        Answer("payments", "GET", "api/payouts", 200, History(0));
        Answer("payments", "POST", "api/payouts/initiate", 202,
            """{"instanceId":"payout-x","periodStart":"2026-11-30T00:00:00+00:00","periodEnd":"2026-12-07T00:00:00+00:00","started":true}""");

        var page = Render<PayoutsPage>();
        var request = page.WaitForElement("button:contains('Request payout now')", Patience);
        Answer("payments", "GET", "api/payouts", 200, History(1, 1, Payout("2026-11-30T00:00:00+00:00", "2026-12-07T00:00:00+00:00", 3400, "pending")));
        await request.ClickAsync();

        page.WaitForAssertion(() => page.Find("p.notice[role=status]").TextContent.Should()
            .Contain("Payout requested for 11/30/2026 12:00\u202fAM (UTC) – 12/7/2026 12:00\u202fAM (UTC)"), Patience);
        page.WaitForAssertion(() => page.FindAll("tbody tr").Should().ContainSingle().Which.TextContent.Should().Contain("In progress"), Patience);
        CallsTo("payments").Should().ContainSingle(r => r.Method == "POST" && r.Path.EndsWith("/api/payouts/initiate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_period_already_requested_is_said_so()
    {
        SignInAsTutor();
        AnswerProfile(ProfileJson(timezone: "UTC"));
        Answer("payments", "GET", "api/payouts/account", 200, Account("enabled"));
        Answer("payments", "GET", "api/payouts", 200, History(0));
        Answer("payments", "POST", "api/payouts/initiate", 202,
            """{"instanceId":"payout-x","periodStart":"2026-11-30T00:00:00+00:00","periodEnd":"2026-12-07T00:00:00+00:00","started":false}""");

        var page = Render<PayoutsPage>();
        await page.WaitForElement("button:contains('Request payout now')", Patience).ClickAsync();

        page.WaitForAssertion(() => page.Find("p.notice[role=status]").TextContent.Should()
            .StartWith("This period's payout was already requested: 11/30/2026 12:00\u202fAM (UTC)"), Patience);
        page.FindAll("[role=alert]").Should().BeEmpty();
    }

    [Fact]
    public async Task A_refused_payout_request_shows_the_apis_problem()
    {
        SignInAsTutor();
        AnswerProfile(ProfileJson());
        Answer("payments", "GET", "api/payouts/account", 200, Account("enabled"));
        Answer("payments", "GET", "api/payouts", 200, History(0));
        Answer("payments", "POST", "api/payouts/initiate", 409,
            """{"title":"Conflict","status":409,"detail":"Connect a payout account and finish its onboarding first."}""");

        var page = Render<PayoutsPage>();
        await page.WaitForElement("button:contains('Request payout now')", Patience).ClickAsync();

        page.WaitForAssertion(() => page.Find("[role=alert]").TextContent.Should().Contain("finish its onboarding first"), Patience);
        page.FindAll("p.notice[role=status]").Should().BeEmpty();
    }

    [Fact]
    public async Task A_failed_load_is_shown_with_a_way_to_try_again()
    {
        SignInAsTutor();
        AnswerProfile(ProfileJson());
        Answer("payments", "GET", "api/payouts/account", 503, "");

        var page = Render<PayoutsPage>();
        page.WaitForAssertion(() => page.Find("[role=alert]").TextContent.Should().Contain("Something went wrong on our side"), Patience);

        Answer("payments", "GET", "api/payouts/account", 200, Account("pending"));
        await page.FindAll("button").Single(b => b.TextContent == "Try again").ClickAsync();
        page.WaitForElement("button:contains('Continue onboarding')", Patience);
    }
}
