using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.TestSupport;

namespace DaprPlatform.Payments.Tests;

/// <summary>A tutor's payout account: one Express account per tutor, onboarding through Stripe's link, status from Stripe and its webhook.</summary>
public sealed class PayoutAccountTests(PayoutsFixture fx) : IClassFixture<PayoutsFixture>
{
    [Fact]
    public async Task Connecting_creates_one_express_account_and_answers_a_fresh_onboarding_link_each_time()
    {
        var tutorId = Guid.NewGuid();
        using var tutor = fx.Tutor(tutorId);

        using var first = await tutor.PostAsJsonAsync("/api/payouts/account", PayoutsFixture.Urls);
        using var second = await tutor.PostAsJsonAsync("/api/payouts/account", PayoutsFixture.Urls);

        first.StatusCode.Should().Be(HttpStatusCode.Created, await first.Content.ReadAsStringAsync());
        second.StatusCode.Should().Be(HttpStatusCode.OK);
        var a = await first.Content.ReadFromJsonAsync<JsonElement>();
        var b = await second.Content.ReadFromJsonAsync<JsonElement>();
        a.GetProperty("accountId").GetString().Should().StartWith("acct_").And.Be(b.GetProperty("accountId").GetString());
        a.GetProperty("status").GetString().Should().Be("pending");
        a.GetProperty("onboardingUrl").GetString().Should().NotBe(b.GetProperty("onboardingUrl").GetString(), "links are single-use");
        var stripeAccount = await fx.Stripe.GetJsonAsync($"/v1/accounts/{a.GetProperty("accountId").GetString()}");
        stripeAccount.GetProperty("type").GetString().Should().Be("express");
        stripeAccount.GetProperty("capabilities").GetProperty("transfers").GetString().Should().Be("inactive");
        stripeAccount.GetProperty("metadata").GetProperty("tutor_id").GetString().Should().Be(tutorId.ToString());
        (await fx.Factory.WithDbAsync(db => Task.FromResult(db.PayoutAccounts.Count(x => x.TutorId == tutorId)))).Should().Be(1);
    }

    [Fact]
    public async Task After_onboarding_the_account_reads_enabled_and_connecting_again_gives_no_link()
    {
        var tutorId = Guid.NewGuid();
        var account = await fx.ConnectAsync(tutorId, onboard: false);
        (await PayoutsFixture.OpenAsync(account.GetProperty("onboardingUrl").GetString()!)).Should().Be(new Uri("https://web.example/payouts/done"));
        using var tutor = fx.Tutor(tutorId);

        var read = await tutor.GetFromJsonAsync<JsonElement>("/api/payouts/account");
        using var again = await tutor.PostAsJsonAsync("/api/payouts/account", PayoutsFixture.Urls);

        read.GetProperty("status").GetString().Should().Be("enabled");
        read.GetProperty("detailsSubmitted").GetBoolean().Should().BeTrue();
        read.GetProperty("payoutsEnabled").GetBoolean().Should().BeTrue();
        again.StatusCode.Should().Be(HttpStatusCode.OK);
        (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("onboardingUrl").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public async Task The_account_updated_webhook_enables_the_account_without_asking_stripe()
    {
        var tutorId = Guid.NewGuid();
        var account = await fx.ConnectAsync(tutorId);
        var accountId = account.GetProperty("accountId").GetString();
        await Eventually.UntilAsync(
            "account.updated",
            _ => Task.FromResult(fx.Stripe.Received.Count(w => w.Type == "account.updated" && w.Body.Contains(accountId!, StringComparison.Ordinal))),
            n => n > 0,
            TimeSpan.FromSeconds(20),
            n => $"{n} events");

        await fx.RelayWebhooksAsync("account.updated");

        var stored = await fx.Factory.WithDbAsync(db => Task.FromResult(db.PayoutAccounts.Single(x => x.TutorId == tutorId)));
        stored.IsEnabled.Should().BeTrue();
        stored.DetailsSubmitted.Should().BeTrue();
    }

    [Fact]
    public async Task Only_tutors_connect_and_a_tutor_without_an_account_reads_404()
    {
        using var student = fx.Factory.CreateClientFor(Guid.NewGuid(), DaprPlatform.ServiceDefaults.PlatformRoles.Student);
        using var tutor = fx.Tutor(Guid.NewGuid());
        using var anonymous = fx.Factory.CreateClient();

        using var byStudent = await student.PostAsJsonAsync("/api/payouts/account", PayoutsFixture.Urls);
        using var none = await tutor.GetAsync("/api/payouts/account");
        using var unsigned = await anonymous.PostAsJsonAsync("/api/payouts/account", PayoutsFixture.Urls);

        byStudent.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        none.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await none.ReadProblemAsync()).GetProperty("status").GetInt32().Should().Be(404);
        unsigned.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }
}
