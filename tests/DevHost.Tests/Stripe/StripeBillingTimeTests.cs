using DaprPlatform.DevHost.Stripe;
using Microsoft.Extensions.Time.Testing;
using Stripe;

namespace DaprPlatform.DevHost.Tests.Stripe;

/// <summary>
/// A stand-in living in a <see cref="FakeTimeProvider"/> that starts at <paramref name="start"/>, with Stripe.net pointed
/// at it without retries: for tests of what falls due for customers without a test clock.
/// </summary>
public abstract class StripeOnFakeTimeTestBase(DateTimeOffset start) : IAsyncLifetime
{
    private readonly HttpClient _http = new();

    protected FakeTimeProvider Time { get; } = new(start);

    protected HttpClient Http => _http;

    protected StripeStandIn StandIn { get; private set; } = null!;

    protected StripeClient Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        StandIn = await StripeStandIn.StartAsync(new StripeStandInOptions { Port = FreeTcpPort.Next() }, Time, CancellationToken.None);
        Api = new StripeClient(new StripeClientOptions
        {
            ApiKey = StandIn.Options.SecretKey,
            ApiBase = StandIn.BaseUrl.ToString().TrimEnd('/'),
            HttpClient = new SystemNetHttpClient(_http, maxNetworkRetries: 0),
        });
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await StandIn.DisposeAsync();
    }

    /// <summary>A customer without a test clock, paying with <paramref name="card"/>, subscribed to a $9 monthly price.</summary>
    protected async Task<Subscription> SubscribeAsync(string card)
    {
        var price = await Api.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            ProductData = new PriceProductDataOptions { Name = "Pro" },
            UnitAmount = 900,
            Currency = "usd",
            Recurring = new PriceRecurringOptions { Interval = "month" },
        });
        var customer = await Api.V1.Customers.CreateAsync(new CustomerCreateOptions
        {
            PaymentMethod = card,
            InvoiceSettings = new CustomerInvoiceSettingsOptions { DefaultPaymentMethod = card },
        });
        return await Api.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions { Customer = customer.Id, Items = [new() { Price = price.Id }] });
    }
}

/// <summary>
/// Customers without a test clock live in DevHost's TimeProvider: what falls due (renewals, finalization an hour
/// later, retries) runs when that time passes it — before the next request, or on the stand-in's own timer.
/// </summary>
public sealed class StripeBillingTimeTests() : StripeOnFakeTimeTestBase(Start)
{
    private static readonly DateTimeOffset Start = new(2026, 3, 31, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_subscription_renews_when_devhost_s_time_passes_the_period_end_at_that_time()
    {
        var subscription = await SubscribeAsync("pm_card_visa");
        // Anchored on 31 March: the next periods end on 30 April (clamped) and 31 May.
        subscription.Items.Data[0].CurrentPeriodEnd.Should().Be(new DateTime(2026, 4, 30, 12, 0, 0, DateTimeKind.Utc));

        Time.Advance(TimeSpan.FromDays(30) + TimeSpan.FromMinutes(30));
        var draft = await Api.V1.Subscriptions.GetAsync(subscription.Id, new SubscriptionGetOptions { Expand = ["latest_invoice"] });
        Time.Advance(TimeSpan.FromHours(1));
        var renewed = await Api.V1.Subscriptions.GetAsync(subscription.Id, new SubscriptionGetOptions { Expand = ["latest_invoice"] });

        draft.LatestInvoice.Status.Should().Be("draft", "a renewal invoice is finalized an hour after the period end");
        draft.LatestInvoice.Created.Should().Be(new DateTime(2026, 4, 30, 12, 0, 0, DateTimeKind.Utc));
        renewed.LatestInvoice.Status.Should().Be("paid");
        renewed.LatestInvoice.StatusTransitions.PaidAt.Should().Be(new DateTime(2026, 4, 30, 13, 0, 0, DateTimeKind.Utc));
        renewed.Items.Data[0].CurrentPeriodEnd.Should().Be(new DateTime(2026, 5, 31, 12, 0, 0, DateTimeKind.Utc));
    }

    [Fact]
    public async Task The_stand_in_s_timer_runs_what_fell_due_without_a_request()
    {
        var subscription = await SubscribeAsync("pm_card_chargeCustomerFail");
        subscription.Status.Should().Be("incomplete");

        // 23 hours unpaid, and the timer's next tick: no request has been made in between.
        Time.Advance(TimeSpan.FromHours(23) + TimeSpan.FromSeconds(30));

        var events = StandIn.Webhooks.List("customer.subscription.deleted", subscription.Id);
        events.Should().ContainSingle();
        events[0].Event["data"]!["object"]!["status"]!.GetValue<string>().Should().Be("incomplete_expired");
    }

    [Fact]
    public async Task Invoices_are_listed_by_customer_subscription_and_status_with_their_lines_and_a_hosted_page()
    {
        var subscription = await SubscribeAsync("pm_card_visa");
        Time.Advance(TimeSpan.FromDays(31));
        var invoices = await Api.V1.Invoices.ListAsync(new InvoiceListOptions { Subscription = subscription.Id });
        var open = await Api.V1.Invoices.ListAsync(new InvoiceListOptions { Customer = subscription.CustomerId, Status = "open" });
        var first = invoices.Data[^1];
        var lines = await Api.V1.Invoices.LineItems.ListAsync(first.Id);
        using var page = await Http.GetAsync(new Uri(first.HostedInvoiceUrl));

        invoices.Data.Select(i => i.BillingReason).Should().Equal("subscription_cycle", "subscription_create");
        open.Data.Should().BeEmpty();
        first.Number.Should().EndWith("-0001");
        lines.Data.Should().ContainSingle().Which.Amount.Should().Be(900);
        page.StatusCode.Should().Be(HttpStatusCode.OK);
        (await page.Content.ReadAsStringAsync()).Should().Contain(first.Number).And.Contain("paid");
    }

    [Fact]
    public async Task An_open_invoice_can_be_voided_or_marked_uncollectible_and_then_no_longer_paid()
    {
        var subscription = await SubscribeAsync("pm_card_chargeCustomerFail");
        var invoice = subscription.LatestInvoiceId;

        var uncollectible = await Api.V1.Invoices.MarkUncollectibleAsync(invoice);
        var voided = await Api.V1.Invoices.VoidInvoiceAsync(invoice);
        var act = () => Api.V1.Invoices.PayAsync(invoice, new InvoicePayOptions { PaymentMethod = "pm_card_visa" });

        uncollectible.Status.Should().Be("uncollectible");
        voided.Status.Should().Be("void");
        voided.AmountRemaining.Should().Be(0);
        (await act.Should().ThrowAsync<StripeException>()).Which.HttpStatusCode.Should().Be(HttpStatusCode.BadRequest);
    }
}

/// <summary>
/// Stripe answers a failure of its own with status 500 and <c>{"error":{"type":"api_error","message":…}}</c>, which
/// Stripe.net reports as a StripeException. Due work the stand-in cannot do is such a failure: here a renewal in the last
/// month of year 9999, whose next period would end after <see cref="DateTimeOffset.MaxValue"/>.
/// </summary>
public sealed class StripeDueWorkFaultTests() : StripeOnFakeTimeTestBase(new DateTimeOffset(9999, 11, 25, 12, 0, 0, TimeSpan.Zero))
{
    [Fact]
    public async Task A_fault_in_due_work_before_a_request_answers_Stripes_500_api_error_not_an_empty_500()
    {
        var subscription = await SubscribeAsync("pm_card_visa");
        subscription.Status.Should().Be("active");

        // Past the period's end: the next request runs the renewal first, and it faults (the timer's own runs swallow it).
        Time.Advance(TimeSpan.FromDays(30) + TimeSpan.FromMinutes(1));
        var act = () => Api.V1.Subscriptions.GetAsync(subscription.Id);

        var e = (await act.Should().ThrowAsync<StripeException>()).Which;
        e.HttpStatusCode.Should().Be(HttpStatusCode.InternalServerError);
        e.StripeError.Type.Should().Be("api_error");
        e.StripeError.Message.Should().Contain("due work").And.Contain(nameof(ArgumentOutOfRangeException));
        e.StripeResponse.RequestId.Should().StartWith("req_");
    }
}
