using System.Net.Http.Json;
using Stripe;

namespace DaprPlatform.DevHost.Tests.Stripe;

/// <summary>
/// The stand-in's Connect surface driven by the unmodified Stripe.net 53.1.0, as payments drives it for tutor payouts:
/// Express accounts ("Accounts"), onboarding links ("Account Links") and the test-mode way to finish onboarding,
/// transfers ("Transfers", with "Idempotent requests") and the platform balance ("Balance"). Expectations are Stripe's
/// (docs.stripe.com/api) and Stripe.net's, each test names the rule it checks.
/// </summary>
public sealed class StripeConnectTests : StripeNetTestBase
{
    private static RequestOptions Key(string? key = null) => new() { IdempotencyKey = key ?? $"connect-{Guid.NewGuid():N}" };

    /// <summary>The Express account payments creates for a tutor.</summary>
    private Task<Account> CreateExpressAsync(string email = "tutor@example.com") => Api.V1.Accounts.CreateAsync(
        new AccountCreateOptions
        {
            Type = "express",
            Country = "US",
            Email = email,
            Capabilities = new AccountCapabilitiesOptions { Transfers = new AccountCapabilitiesTransfersOptions { Requested = true } },
            Metadata = new() { ["tutor_id"] = "t-1" },
        },
        Key());

    private Task<AccountLink> LinkAsync(string account) => Api.V1.AccountLinks.CreateAsync(
        new AccountLinkCreateOptions { Account = account, RefreshUrl = "https://app.example/payouts/refresh", ReturnUrl = "https://app.example/payouts/done", Type = "account_onboarding" },
        Key());

    /// <summary>Opens a link as a browser would, without following the redirect: where it sends the browser.</summary>
    private async Task<Uri> OpenAsync(string url)
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var browser = new HttpClient(handler);
        using var response = await browser.GetAsync(new Uri(url));
        response.StatusCode.Should().Be(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        return response.Headers.Location!;
    }

    private async Task<Account> OnboardedAsync()
    {
        var account = await CreateExpressAsync();
        await OpenAsync((await LinkAsync(account.Id)).Url);
        return account;
    }

    /// <summary>A succeeded $<paramref name="amount"/>/100 charge: what funds the platform's balance.</summary>
    private async Task ChargeAsync(long amount)
    {
        var intent = await Api.V1.PaymentIntents.CreateAsync(
            new PaymentIntentCreateOptions { Amount = amount, Currency = "usd", AutomaticPaymentMethods = new() { Enabled = true, AllowRedirects = "never" } }, Key());
        await Api.V1.PaymentIntents.ConfirmAsync(intent.Id, new() { PaymentMethod = "pm_card_visa" }, Key());
    }

    private async Task<long> AvailableUsdAsync() => (await Api.V1.Balance.GetAsync()).Available.Single(a => a.Currency == "usd").Amount;

    private TransferCreateOptions TransferTo(string account, long amount = 3000) => new()
    {
        Amount = amount,
        Currency = "usd",
        Destination = account,
        TransferGroup = "payout-t-1-2026-12-07",
        Metadata = new() { ["payout_id"] = "p-1" },
    };

    [Fact]
    public async Task Accounts_create_an_express_account_that_is_restricted_until_onboarding_and_get_reads_it_back()
    {
        // docs.stripe.com/api/accounts/create (type=express, capabilities[transfers][requested]=true); the account object.
        var account = await CreateExpressAsync();
        var read = await Api.V1.Accounts.GetAsync(account.Id);

        account.Id.Should().StartWith("acct_");
        account.Type.Should().Be("express");
        account.Country.Should().Be("US");
        account.DefaultCurrency.Should().Be("usd");
        account.Email.Should().Be("tutor@example.com");
        account.Metadata.Should().Contain("tutor_id", "t-1");
        account.DetailsSubmitted.Should().BeFalse();
        account.PayoutsEnabled.Should().BeFalse();
        account.ChargesEnabled.Should().BeFalse();
        account.Capabilities.Transfers.Should().Be("inactive");
        account.Requirements.CurrentlyDue.Should().NotBeEmpty();
        account.Requirements.DisabledReason.Should().Be("requirements.past_due");
        read.Id.Should().Be(account.Id);
        read.Capabilities.Transfers.Should().Be("inactive");
    }

    public static TheoryData<string, string, string> BadAccounts() => new()
    {
        { "type=express&country=XX", "country", "an unknown country" },
        { "type=custom", "type", "a type the stand-in does not serve" },
        { "type=express&email=nobody", "email", "an invalid email" },
        { "type=express&capabilities[teleport][requested]=true", "capabilities[teleport]", "an unknown capability" },
        { "type=express&colour=red", "colour", "an unknown parameter" },
    };

    [Theory]
    [MemberData(nameof(BadAccounts))]
    public async Task Bad_account_parameters_are_400_naming_the_param(string form, string param, string because)
    {
        using var response = await Harness.PostAsync("/v1/accounts", StripeApiTests.Pairs(form));

        await response.ShouldBeStripeErrorAsync(HttpStatusCode.BadRequest, "invalid_request_error", param: param);
        _ = because;
    }

    [Fact]
    public async Task An_unknown_account_is_404_resource_missing()
    {
        var act = () => Api.V1.Accounts.GetAsync("acct_nosuchaccount000000000");

        var e = (await act.Should().ThrowAsync<StripeException>()).Which;
        e.HttpStatusCode.Should().Be(HttpStatusCode.NotFound);
        e.StripeError.Code.Should().Be("resource_missing");
    }

    [Fact]
    public async Task Opening_an_onboarding_link_completes_onboarding_sends_account_updated_and_returns_once()
    {
        // docs.stripe.com/api/account_links/create → {object, created, expires_at, url}; single-use: a second visit goes to refresh_url.
        var account = await CreateExpressAsync();
        var link = await LinkAsync(account.Id);

        link.Url.Should().StartWith(Harness.StandIn.BaseUrl.ToString().TrimEnd('/') + "/setup/e/" + account.Id + "/");
        link.ExpiresAt.Should().BeCloseTo(link.Created.AddMinutes(5), TimeSpan.FromSeconds(1));
        (await OpenAsync(link.Url)).Should().Be(new Uri("https://app.example/payouts/done"));
        (await OpenAsync(link.Url)).Should().Be(new Uri("https://app.example/payouts/refresh"));

        var onboarded = await Api.V1.Accounts.GetAsync(account.Id);
        onboarded.DetailsSubmitted.Should().BeTrue();
        onboarded.PayoutsEnabled.Should().BeTrue();
        onboarded.Capabilities.Transfers.Should().Be("active");
        onboarded.Requirements.CurrentlyDue.Should().BeEmpty();
        onboarded.Requirements.DisabledReason.Should().BeNull();
        var updated = await WebhooksAsync("account.updated");
        var updatedAccount = EventUtility.ParseEvent(updated.Single().Body).Data.Object.Should().BeOfType<Account>().Subject;
        updatedAccount.Id.Should().Be(account.Id);
        updatedAccount.PayoutsEnabled.Should().BeTrue();
    }

    [Fact]
    public async Task A_link_the_stand_in_never_made_is_404()
    {
        using var response = await Harness.Client.GetAsync(new Uri(Harness.StandIn.BaseUrl, "/setup/e/acct_nosuch/nosuchtoken"));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    public static TheoryData<string, string, string> BadLinks() => new()
    {
        { "type=account_onboarding&refresh_url=https://a.example/r&return_url=https://a.example/d", "account", "no account" },
        { "account={account}&refresh_url=https://a.example/r&return_url=https://a.example/d", "type", "no type" },
        { "account={account}&type=account_onboarding&return_url=https://a.example/d", "refresh_url", "no refresh_url" },
        { "account={account}&type=account_onboarding&refresh_url=https://a.example/r&return_url=not-a-url", "return_url", "a relative return_url" },
        { "account=acct_nosuch&type=account_onboarding&refresh_url=https://a.example/r&return_url=https://a.example/d", "account", "an unknown account" },
        { "account={account}&type=account_update&refresh_url=https://a.example/r&return_url=https://a.example/d", "type", "account_update of an Express account" },
    };

    [Theory]
    [MemberData(nameof(BadLinks))]
    public async Task Bad_account_link_parameters_are_400_naming_the_param(string form, string param, string because)
    {
        var account = await CreateExpressAsync();

        using var response = await Harness.PostAsync("/v1/account_links", StripeApiTests.Pairs(form.Replace("{account}", account.Id, StringComparison.Ordinal)));

        await response.ShouldBeStripeErrorAsync(HttpStatusCode.BadRequest, "invalid_request_error", param: param);
        _ = because;
    }

    [Fact]
    public async Task A_transfer_to_an_onboarded_account_comes_out_of_the_available_balance_and_is_announced()
    {
        // docs.stripe.com/api/transfers/create; docs.stripe.com/api/balance: charges add, transfers and refunds take.
        var account = await OnboardedAsync();
        await ChargeAsync(5000);
        (await AvailableUsdAsync()).Should().Be(5000);

        var transfer = await Api.V1.Transfers.CreateAsync(TransferTo(account.Id), Key());

        transfer.Id.Should().StartWith("tr_");
        transfer.Amount.Should().Be(3000);
        transfer.Currency.Should().Be("usd");
        transfer.DestinationId.Should().Be(account.Id);
        transfer.TransferGroup.Should().Be("payout-t-1-2026-12-07");
        transfer.Metadata.Should().Contain("payout_id", "p-1");
        transfer.Reversed.Should().BeFalse();
        transfer.BalanceTransactionId.Should().StartWith("txn_");
        (await AvailableUsdAsync()).Should().Be(2000);
        (await Api.V1.Transfers.GetAsync(transfer.Id)).Amount.Should().Be(3000);
        var created = await WebhooksAsync("transfer.created");
        EventUtility.ParseEvent(created.Single().Body).Data.Object.Should().BeOfType<Transfer>().Which.Id.Should().Be(transfer.Id);
    }

    [Fact]
    public async Task A_refund_takes_from_the_available_balance()
    {
        await ChargeAsync(5000);
        var intent = await Api.V1.PaymentIntents.CreateAsync(
            new PaymentIntentCreateOptions { Amount = 1000, Currency = "usd", AutomaticPaymentMethods = new() { Enabled = true, AllowRedirects = "never" } }, Key());
        await Api.V1.PaymentIntents.ConfirmAsync(intent.Id, new() { PaymentMethod = "pm_card_visa" }, Key());

        await Api.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = intent.Id, Amount = 400 }, Key());

        var balance = await Api.V1.Balance.GetAsync();
        balance.Available.Single(a => a.Currency == "usd").Amount.Should().Be(5600);
        balance.Pending.Single(a => a.Currency == "usd").Amount.Should().Be(0);
        balance.Livemode.Should().BeFalse();
    }

    [Fact]
    public async Task The_same_idempotency_key_gives_the_same_transfer_and_other_parameters_with_it_are_an_idempotency_error()
    {
        // docs.stripe.com/api/idempotent_requests: the saved result again; the same key with other parameters → idempotency_error.
        var account = await OnboardedAsync();
        await ChargeAsync(10_000);
        var key = Key("payout-t-1-2026-12-07");

        var first = await Api.V1.Transfers.CreateAsync(TransferTo(account.Id), key);
        var again = await Api.V1.Transfers.CreateAsync(TransferTo(account.Id), key);
        var other = () => Api.V1.Transfers.CreateAsync(TransferTo(account.Id, amount: 3001), key);

        again.Id.Should().Be(first.Id);
        again.StripeResponse.Headers.GetValues("Idempotent-Replayed").Single().Should().Be("true");
        var e = (await other.Should().ThrowAsync<StripeException>()).Which;
        e.HttpStatusCode.Should().Be(HttpStatusCode.BadRequest);
        e.StripeError.Type.Should().Be("idempotency_error");
        (await Api.V1.Transfers.ListAsync(new TransferListOptions { Destination = account.Id })).Data.Should().ContainSingle();
        (await AvailableUsdAsync()).Should().Be(7000);
    }

    [Fact]
    public async Task A_transfer_to_an_account_that_has_not_finished_onboarding_is_refused_for_its_capabilities()
    {
        await ChargeAsync(5000);
        var account = await CreateExpressAsync();

        var act = () => Api.V1.Transfers.CreateAsync(TransferTo(account.Id), Key());

        var e = (await act.Should().ThrowAsync<StripeException>()).Which;
        e.HttpStatusCode.Should().Be(HttpStatusCode.BadRequest);
        e.StripeError.Code.Should().Be("insufficient_capabilities_for_transfer");
        e.StripeError.Param.Should().Be("destination");
        (await AvailableUsdAsync()).Should().Be(5000);
    }

    [Fact]
    public async Task A_transfer_larger_than_the_available_balance_is_balance_insufficient()
    {
        var account = await OnboardedAsync();
        await ChargeAsync(1000);

        var act = () => Api.V1.Transfers.CreateAsync(TransferTo(account.Id, amount: 1001), Key());

        var e = (await act.Should().ThrowAsync<StripeException>()).Which;
        e.HttpStatusCode.Should().Be(HttpStatusCode.BadRequest);
        e.StripeError.Type.Should().Be("invalid_request_error");
        e.StripeError.Code.Should().Be("balance_insufficient");
        (await Api.V1.Transfers.ListAsync()).Data.Should().BeEmpty();
    }

    public static TheoryData<string, string, string> BadTransfers() => new()
    {
        { "currency=usd&destination={account}", "amount", "no amount" },
        { "amount=0&currency=usd&destination={account}", "amount", "a zero amount" },
        { "amount=100&destination={account}", "currency", "no currency" },
        { "amount=100&currency=USD&destination={account}", "currency", "an upper-case currency" },
        { "amount=100&currency=usd", "destination", "no destination" },
        { "amount=100&currency=usd&destination=acct_nosuch", "destination", "an unknown destination" },
        { "amount=100&currency=usd&destination={account}&colour=red", "colour", "an unknown parameter" },
    };

    [Theory]
    [MemberData(nameof(BadTransfers))]
    public async Task Bad_transfer_parameters_are_400_naming_the_param(string form, string param, string because)
    {
        var account = await OnboardedAsync();
        await ChargeAsync(5000);

        using var response = await Harness.PostAsync("/v1/transfers", StripeApiTests.Pairs(form.Replace("{account}", account.Id, StringComparison.Ordinal)));

        await response.ShouldBeStripeErrorAsync(HttpStatusCode.BadRequest, "invalid_request_error", param: param);
        (await AvailableUsdAsync()).Should().Be(5000, because);
    }

    [Fact]
    public async Task The_control_api_fails_the_next_transfers_and_a_retry_with_the_same_key_replays_the_failure()
    {
        var account = await OnboardedAsync();
        await ChargeAsync(10_000);
        using (var set = await Harness.Client.PostAsJsonAsync("/standin/transfer-failures", new { transfers = 1 }))
        {
            set.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        var failing = Key();
        var failed = () => Api.V1.Transfers.CreateAsync(TransferTo(account.Id), failing);
        var e = (await failed.Should().ThrowAsync<StripeException>()).Which;
        var replayed = (await failed.Should().ThrowAsync<StripeException>()).Which;
        var next = await Api.V1.Transfers.CreateAsync(TransferTo(account.Id), Key());

        e.StripeError.Code.Should().Be("balance_insufficient");
        // The refusal ran inside the endpoint: it is saved under the key like any executed request's error.
        replayed.StripeResponse.Headers.GetValues("Idempotent-Replayed").Single().Should().Be("true");
        next.Id.Should().StartWith("tr_");
        (await Harness.GetJsonAsync("/standin/transfer-failures")).GetProperty("failed").GetInt32().Should().Be(1);
        (await AvailableUsdAsync()).Should().Be(7000);
    }

    [Theory]
    [InlineData("{\"transfers\":-1}", "transfers")]
    [InlineData("{\"transfers\":1,\"code\":\"card_declined\"}", "code")]
    [InlineData("{}", "transfers")]
    public async Task Bad_control_settings_are_400_problem_details(string body, string field)
    {
        using var response = await Harness.Client.PostAsync("/standin/transfer-failures", new StringContent(body, Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.ReadJsonAsync()).GetProperty("errors").TryGetProperty(field, out _).Should().BeTrue();
    }

    [Fact]
    public async Task Listing_transfers_is_newest_first_filtered_by_destination_and_paged()
    {
        // docs.stripe.com/api/transfers/list: limit, destination, transfer_group, starting_after; has_more.
        var one = await OnboardedAsync();
        var two = await OnboardedAsync();
        await ChargeAsync(10_000);
        var first = await Api.V1.Transfers.CreateAsync(TransferTo(one.Id, 100), Key());
        var second = await Api.V1.Transfers.CreateAsync(TransferTo(one.Id, 200), Key());
        await Api.V1.Transfers.CreateAsync(TransferTo(two.Id, 300), Key());

        var page = await Api.V1.Transfers.ListAsync(new TransferListOptions { Destination = one.Id, Limit = 1 });
        var rest = await Api.V1.Transfers.ListAsync(new TransferListOptions { Destination = one.Id, Limit = 1, StartingAfter = page.Data[0].Id });

        page.Data.Select(t => t.Id).Should().Equal(second.Id);
        page.HasMore.Should().BeTrue();
        rest.Data.Select(t => t.Id).Should().Equal(first.Id);
        rest.HasMore.Should().BeFalse();
        (await Api.V1.Transfers.ListAsync()).Data.Should().HaveCount(3);
    }

    private Task<List<ReceivedWebhook>> WebhooksAsync(string type) => Eventually.UntilAsync(
        type,
        _ => Task.FromResult(Harness.Received.Where(w => w.Type == type).ToList()),
        found => found.Count > 0,
        TimeSpan.FromSeconds(20),
        _ => string.Join(", ", Harness.Received.Select(w => w.Type)));
}
