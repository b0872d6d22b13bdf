using Stripe;
using Stripe.TestHelpers;

namespace DaprPlatform.DevHost.Tests.Stripe;

/// <summary>
/// The stand-in's Billing surface driven by the unmodified Stripe.net 53.1.0 (ProductService, PriceService,
/// CustomerService, PaymentMethodService, SubscriptionService, InvoiceService, TestClockService; EventUtility for the
/// webhooks), as payments drives plans: a subscription's whole lifecycle on a test clock — first invoice, renewals, a
/// failing card, retries, recovery by paying the invoice, cancellation at the period end, plan changes with prorations.
/// Expectations are Stripe's (docs.stripe.com/api, "How subscriptions work", "Test clocks"); each test names the rule.
/// </summary>
public sealed class StripeBillingTests : StripeNetTestBase
{
    /// <summary>A clock's start: 15 January 2026, so a month later is 15 February, and so on.</summary>
    private static readonly DateTime Start = new(2026, 1, 15, 9, 0, 0, DateTimeKind.Utc);

    private static RequestOptions Key() => new() { IdempotencyKey = $"billing-{Guid.NewGuid():N}" };

    private async Task<Price> MonthlyPriceAsync(long amount, string lookupKey)
    {
        var product = await Api.V1.Products.CreateAsync(new ProductCreateOptions { Name = $"Plan {lookupKey}", Metadata = new() { ["plan"] = lookupKey } }, Key());
        return await Api.V1.Prices.CreateAsync(
            new PriceCreateOptions
            {
                Product = product.Id,
                UnitAmount = amount,
                Currency = "usd",
                Recurring = new PriceRecurringOptions { Interval = "month" },
                LookupKey = lookupKey,
                TransferLookupKey = true,
            },
            Key());
    }

    private Task<TestClock> ClockAsync() =>
        Api.V1.TestHelpers.TestClocks.CreateAsync(new TestClockCreateOptions { FrozenTime = Start, Name = "billing test" }, Key());

    /// <summary>A customer on <paramref name="clock"/> whose invoice default is a card attached from <paramref name="card"/>.</summary>
    private async Task<Customer> CustomerAsync(TestClock clock, string card = "pm_card_visa")
    {
        var customer = await Api.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "owner@example.test", Name = "Owner", TestClock = clock.Id }, Key());
        await UseCardAsync(customer.Id, card);
        return customer;
    }

    /// <summary>Attaches a card and makes it the customer's invoice default: how a test makes renewals fail or succeed.</summary>
    private async Task<PaymentMethod> UseCardAsync(string customer, string card)
    {
        var method = await Api.V1.PaymentMethods.AttachAsync(card, new PaymentMethodAttachOptions { Customer = customer }, Key());
        await Api.V1.Customers.UpdateAsync(customer, new CustomerUpdateOptions { InvoiceSettings = new CustomerInvoiceSettingsOptions { DefaultPaymentMethod = method.Id } }, Key());
        return method;
    }

    private Task<Subscription> SubscribeAsync(string customer, string price, string? behavior = null) => Api.V1.Subscriptions.CreateAsync(
        new SubscriptionCreateOptions
        {
            Customer = customer,
            Items = [new SubscriptionItemOptions { Price = price }],
            PaymentBehavior = behavior,
            Metadata = new() { ["owner_id"] = "owner-1" },
            Expand = ["latest_invoice"],
        },
        Key());

    /// <summary>The common start: a $9 monthly price, a clock, a customer on it paying with <paramref name="card"/>, subscribed.</summary>
    private async Task<(Price Price, TestClock Clock, Customer Customer, Subscription Subscription)> SubscribedAsync(string card = "pm_card_visa")
    {
        var price = await MonthlyPriceAsync(900, "pro_monthly");
        var clock = await ClockAsync();
        var customer = await CustomerAsync(clock, card);
        return (price, clock, customer, await SubscribeAsync(customer.Id, price.Id));
    }

    private Task<TestClock> AdvanceAsync(TestClock clock, DateTime to) =>
        Api.V1.TestHelpers.TestClocks.AdvanceAsync(clock.Id, new TestClockAdvanceOptions { FrozenTime = to }, Key());

    private Task<Subscription> GetAsync(string subscription) => Api.V1.Subscriptions.GetAsync(subscription, new SubscriptionGetOptions { Expand = ["latest_invoice"] });

    private async Task<List<Invoice>> InvoicesAsync(string subscription) =>
        (await Api.V1.Invoices.ListAsync(new InvoiceListOptions { Subscription = subscription, Limit = 100 })).Data;

    /// <summary>The webhooks of <paramref name="type"/> about <paramref name="objectId"/>, once at least <paramref name="count"/> arrived.</summary>
    private Task<List<ReceivedWebhook>> WebhooksAsync(string type, string objectId, int count = 1) => Eventually.UntilAsync(
        $"{count} × {type} about {objectId}",
        _ => Task.FromResult(Harness.Received.Where(w => w.Type == type && w.Json.GetProperty("data").GetProperty("object").GetProperty("id").GetString() == objectId).ToList()),
        found => found.Count >= count,
        TimeSpan.FromSeconds(20),
        _ => string.Join(", ", Harness.Received.Select(w => w.Type)));

    /// <summary>The first webhook of <paramref name="type"/> about <paramref name="objectId"/> that <paramref name="match"/> accepts, as Stripe.net parses it.</summary>
    private async Task<Event> EventAsync(string type, string objectId, Func<Event, bool> match) => (await Eventually.UntilAsync(
        $"{type} about {objectId}",
        _ => Task.FromResult(Harness.Received.Where(w => w.Type == type).Select(Construct).Where(e => ((IHasId)e.Data.Object).Id == objectId && match(e)).ToList()),
        found => found.Count > 0,
        TimeSpan.FromSeconds(20),
        _ => string.Join(", ", Harness.Received.Select(w => w.Type)))).First();

    private Event Construct(ReceivedWebhook webhook) => EventUtility.ConstructEvent(webhook.Body, webhook.Signature, Harness.StandIn.Options.WebhookSecret);

    /// <summary>An <c>*.updated</c> event's <c>previous_attributes</c> as JSON text (Stripe.net keeps them dynamic).</summary>
    private static string Previous(Event e) => (string)e.Data.PreviousAttributes.ToString(Newtonsoft.Json.Formatting.None);

    [Fact]
    public async Task A_subscription_on_a_test_clock_renews_fails_recovers_by_paying_and_is_canceled_when_the_retries_run_out()
    {
        var price = await MonthlyPriceAsync(900, "pro_monthly");
        var clock = await ClockAsync();
        var customer = await CustomerAsync(clock);

        // Create: the first period is invoiced (subscription_create) and charged at once; paid → active.
        var subscription = await SubscribeAsync(customer.Id, price.Id);
        subscription.Status.Should().Be("active");
        subscription.TestClockId.Should().Be(clock.Id);
        subscription.Items.Data.Single().CurrentPeriodStart.Should().Be(Start);
        subscription.Items.Data.Single().CurrentPeriodEnd.Should().Be(Start.AddMonths(1));
        subscription.LatestInvoice.Status.Should().Be("paid");
        subscription.LatestInvoice.BillingReason.Should().Be("subscription_create");
        subscription.LatestInvoice.AmountPaid.Should().Be(900);
        subscription.LatestInvoice.AmountRemaining.Should().Be(0);
        subscription.LatestInvoice.Parent.SubscriptionDetails.SubscriptionId.Should().Be(subscription.Id);
        subscription.LatestInvoice.Parent.SubscriptionDetails.Metadata.Should().Contain("owner_id", "owner-1");
        subscription.LatestInvoice.Lines.Data.Single().Pricing.PriceDetails.PriceId.Should().Be(price.Id);
        subscription.LatestInvoice.HostedInvoiceUrl.Should().StartWith(Harness.StandIn.BaseUrl.ToString());

        // Renewal: at the period end a subscription_cycle invoice is made, finalized an hour later and charged.
        var advanced = await AdvanceAsync(clock, Start.AddMonths(1).AddHours(2));
        advanced.Status.Should().Be("advancing");
        (await Api.V1.TestHelpers.TestClocks.GetAsync(clock.Id)).Status.Should().Be("ready");
        (await Api.V1.TestHelpers.TestClocks.GetAsync(clock.Id)).FrozenTime.Should().Be(Start.AddMonths(1).AddHours(2));
        var renewed = await GetAsync(subscription.Id);
        renewed.Status.Should().Be("active");
        renewed.Items.Data.Single().CurrentPeriodStart.Should().Be(Start.AddMonths(1));
        renewed.Items.Data.Single().CurrentPeriodEnd.Should().Be(Start.AddMonths(2));
        renewed.LatestInvoice.BillingReason.Should().Be("subscription_cycle");
        renewed.LatestInvoice.Status.Should().Be("paid");
        renewed.LatestInvoice.Created.Should().Be(Start.AddMonths(1));
        renewed.LatestInvoice.Lines.Data.Single().Period.Start.Should().Be(Start.AddMonths(1));
        (await InvoicesAsync(subscription.Id)).Should().HaveCount(2);

        // A failing renewal: past_due, one attempt, the next retry scheduled three days after it.
        await UseCardAsync(customer.Id, "pm_card_chargeCustomerFail");
        var secondRenewal = Start.AddMonths(2).AddHours(1);
        await AdvanceAsync(clock, secondRenewal.AddHours(1));
        var failing = await GetAsync(subscription.Id);
        failing.Status.Should().Be("past_due");
        failing.LatestInvoice.Status.Should().Be("open");
        failing.LatestInvoice.AttemptCount.Should().Be(1);
        failing.LatestInvoice.NextPaymentAttempt.Should().Be(secondRenewal.AddDays(3));
        var failed = Construct((await WebhooksAsync("invoice.payment_failed", failing.LatestInvoice.Id)).Single()).Data.Object.Should().BeOfType<Invoice>().Subject;
        failed.AttemptCount.Should().Be(1);
        var pastDue = await EventAsync("customer.subscription.updated", subscription.Id, e => ((Subscription)e.Data.Object).Status == "past_due");
        Previous(pastDue).Should().Contain("\"status\":\"active\"");

        // Paying the open invoice with a good card is how a past_due subscription recovers.
        var good = await Api.V1.PaymentMethods.AttachAsync("pm_card_visa", new PaymentMethodAttachOptions { Customer = customer.Id }, Key());
        var paid = await Api.V1.Invoices.PayAsync(failing.LatestInvoice.Id, new InvoicePayOptions { PaymentMethod = good.Id }, Key());
        paid.Status.Should().Be("paid");
        paid.AttemptCount.Should().Be(2);
        paid.NextPaymentAttempt.Should().BeNull();
        (await GetAsync(subscription.Id)).Status.Should().Be("active");

        // Failing again with every retry (3, 5 and 7 days after the first attempt): canceled, customer.subscription.deleted.
        var thirdRenewal = Start.AddMonths(3).AddHours(1);
        await AdvanceAsync(clock, thirdRenewal.AddDays(4));
        var retrying = await GetAsync(subscription.Id);
        retrying.Status.Should().Be("past_due");
        retrying.LatestInvoice.AttemptCount.Should().Be(2);
        retrying.LatestInvoice.NextPaymentAttempt.Should().Be(thirdRenewal.AddDays(5));
        await AdvanceAsync(clock, thirdRenewal.AddDays(8));
        var canceled = await GetAsync(subscription.Id);
        canceled.Status.Should().Be("canceled");
        canceled.EndedAt.Should().Be(thirdRenewal.AddDays(7));
        canceled.CancellationDetails.Reason.Should().Be("payment_failed");
        canceled.LatestInvoice.AttemptCount.Should().Be(4);
        canceled.LatestInvoice.NextPaymentAttempt.Should().BeNull();
        canceled.LatestInvoice.Status.Should().Be("open", "the account's default leaves the invoice past due");
        var deleted = Construct((await WebhooksAsync("customer.subscription.deleted", subscription.Id)).Single());
        deleted.Data.Object.Should().BeOfType<Subscription>().Which.Status.Should().Be("canceled");
        (await WebhooksAsync("invoice.payment_failed", canceled.LatestInvoice.Id, 4)).Should().HaveCount(4);

        // Nothing more happens to an ended subscription.
        await AdvanceAsync(clock, Start.AddMonths(5));
        (await InvoicesAsync(subscription.Id)).Should().HaveCount(4);
        (await Api.V1.Subscriptions.ListAsync(new SubscriptionListOptions { Customer = customer.Id })).Data.Should().BeEmpty("canceled subscriptions are listed only with status=all or canceled");
        (await Api.V1.Subscriptions.ListAsync(new SubscriptionListOptions { Customer = customer.Id, Status = "canceled" })).Data.Should().ContainSingle();
    }

    [Fact]
    public async Task Cancel_at_period_end_ends_the_subscription_at_the_period_end_not_before_and_without_a_new_invoice()
    {
        var (_, clock, customer, subscription) = await SubscribedAsync();

        var canceling = await Api.V1.Subscriptions.UpdateAsync(subscription.Id, new SubscriptionUpdateOptions { CancelAtPeriodEnd = true }, Key());
        canceling.CancelAtPeriodEnd.Should().BeTrue();
        canceling.CancelAt.Should().Be(Start.AddMonths(1));
        canceling.Status.Should().Be("active");
        var updated = await EventAsync("customer.subscription.updated", subscription.Id, e => ((Subscription)e.Data.Object).CancelAtPeriodEnd);
        Previous(updated).Should().Contain("\"cancel_at_period_end\":false");

        await AdvanceAsync(clock, Start.AddMonths(1).AddMinutes(-1));
        (await GetAsync(subscription.Id)).Status.Should().Be("active");
        Harness.Received.Should().NotContain(w => w.Type == "customer.subscription.deleted");

        await AdvanceAsync(clock, Start.AddMonths(1).AddHours(2));
        var ended = await GetAsync(subscription.Id);
        ended.Status.Should().Be("canceled");
        ended.EndedAt.Should().Be(Start.AddMonths(1));
        ended.CancellationDetails.Reason.Should().Be("cancellation_requested");
        (await InvoicesAsync(subscription.Id)).Should().ContainSingle("no renewal invoice for a subscription ending at its period end");
        Construct((await WebhooksAsync("customer.subscription.deleted", subscription.Id)).Single()).Data.Object.Should().BeOfType<Subscription>().Which.Status.Should().Be("canceled");
    }

    [Fact]
    public async Task Undoing_cancel_at_period_end_keeps_the_subscription_renewing()
    {
        var (_, clock, customer, subscription) = await SubscribedAsync();

        await Api.V1.Subscriptions.UpdateAsync(subscription.Id, new SubscriptionUpdateOptions { CancelAtPeriodEnd = true }, Key());
        var resumed = await Api.V1.Subscriptions.UpdateAsync(subscription.Id, new SubscriptionUpdateOptions { CancelAtPeriodEnd = false }, Key());
        await AdvanceAsync(clock, Start.AddMonths(1).AddHours(2));

        resumed.CancelAt.Should().BeNull();
        resumed.CanceledAt.Should().BeNull();
        var renewed = await GetAsync(subscription.Id);
        renewed.Status.Should().Be("active");
        renewed.LatestInvoice.BillingReason.Should().Be("subscription_cycle");
    }

    [Fact]
    public async Task A_plan_change_with_always_invoice_bills_the_proration_now_and_none_bills_nothing()
    {
        var (pro, clock, _, subscription) = await SubscribedAsync();
        var business = await MonthlyPriceAsync(2900, "business_monthly");
        // Halfway through a 31-day January period (15 Jan → 15 Feb).
        await AdvanceAsync(clock, Start.AddDays(15.5));

        var upgraded = await Api.V1.Subscriptions.UpdateAsync(
            subscription.Id,
            new SubscriptionUpdateOptions
            {
                Items = [new SubscriptionItemOptions { Id = subscription.Items.Data[0].Id, Price = business.Id }],
                ProrationBehavior = "always_invoice",
                Expand = ["latest_invoice"],
            },
            Key());

        upgraded.Items.Data.Single().Price.Id.Should().Be(business.Id);
        upgraded.Items.Data.Single().Id.Should().Be(subscription.Items.Data[0].Id);
        upgraded.Items.Data.Single().CurrentPeriodEnd.Should().Be(Start.AddMonths(1), "the billing cycle is kept");
        var proration = upgraded.LatestInvoice;
        proration.BillingReason.Should().Be("subscription_update");
        proration.Status.Should().Be("paid");
        proration.Lines.Data.Should().HaveCount(2);
        proration.Lines.Data.Should().OnlyContain(l => l.Parent.SubscriptionItemDetails.Proration);
        proration.Lines.Data.Select(l => l.Amount).Should().BeEquivalentTo([-450L, 1450L]);
        proration.AmountPaid.Should().Be(1000);
        var changed = await EventAsync("customer.subscription.updated", subscription.Id, e => ((Subscription)e.Data.Object).Items.Data[0].Price.Id == business.Id);
        Previous(changed).Should().Contain(pro.Id);

        var downgraded = await Api.V1.Subscriptions.UpdateAsync(
            subscription.Id,
            new SubscriptionUpdateOptions { Items = [new SubscriptionItemOptions { Id = subscription.Items.Data[0].Id, Price = pro.Id }], ProrationBehavior = "none" },
            Key());
        downgraded.LatestInvoiceId.Should().Be(proration.Id, "proration_behavior=none invoices nothing");
        await AdvanceAsync(clock, Start.AddMonths(1).AddHours(2));
        var renewal = (await GetAsync(subscription.Id)).LatestInvoice;
        renewal.BillingReason.Should().Be("subscription_cycle");
        renewal.AmountPaid.Should().Be(900, "the next period is billed at the new price");
    }

    [Fact]
    public async Task Create_prorations_are_billed_on_the_next_renewal()
    {
        var (pro, clock, _, subscription) = await SubscribedAsync();
        var business = await MonthlyPriceAsync(2900, "business_monthly");
        await AdvanceAsync(clock, Start.AddDays(15.5));

        var changed = await Api.V1.Subscriptions.UpdateAsync(
            subscription.Id,
            new SubscriptionUpdateOptions { Items = [new SubscriptionItemOptions { Id = subscription.Items.Data[0].Id, Price = business.Id }] },
            Key());
        await AdvanceAsync(clock, Start.AddMonths(1).AddHours(2));

        changed.LatestInvoiceId.Should().Be(subscription.LatestInvoiceId);
        var renewal = (await GetAsync(subscription.Id)).LatestInvoice;
        renewal.Lines.Data.Select(l => l.Amount).Should().BeEquivalentTo([-450L, 1450L, 2900L]);
        renewal.AmountPaid.Should().Be(3900);
    }

    [Fact]
    public async Task Default_incomplete_waits_for_the_first_invoice_s_payment_intent_to_be_confirmed()
    {
        var price = await MonthlyPriceAsync(900, "pro_monthly");
        var clock = await ClockAsync();
        var customer = await CustomerAsync(clock);

        var subscription = await Api.V1.Subscriptions.CreateAsync(
            new SubscriptionCreateOptions
            {
                Customer = customer.Id,
                Items = [new SubscriptionItemOptions { Price = price.Id }],
                PaymentBehavior = "default_incomplete",
                PaymentSettings = new SubscriptionPaymentSettingsOptions { SaveDefaultPaymentMethod = "on_subscription" },
                Expand = ["latest_invoice.confirmation_secret", "latest_invoice.payments"],
            },
            Key());

        subscription.Status.Should().Be("incomplete");
        subscription.LatestInvoice.Status.Should().Be("open");
        subscription.LatestInvoice.AttemptCount.Should().Be(0);
        subscription.LatestInvoice.ConfirmationSecret.Type.Should().Be("payment_intent");
        var intentId = subscription.LatestInvoice.Payments.Data.Single().Payment.PaymentIntentId;
        subscription.LatestInvoice.ConfirmationSecret.ClientSecret.Should().StartWith(intentId + "_secret_");

        var intent = await Api.V1.PaymentIntents.ConfirmAsync(intentId, new PaymentIntentConfirmOptions { PaymentMethod = "pm_card_visa" }, Key());

        intent.Status.Should().Be("succeeded");
        var active = await GetAsync(subscription.Id);
        active.Status.Should().Be("active");
        active.LatestInvoice.Status.Should().Be("paid");
        active.DefaultPaymentMethodId.Should().Be(intent.PaymentMethodId, "save_default_payment_method=on_subscription");
        var activated = await EventAsync("customer.subscription.updated", subscription.Id, e => ((Subscription)e.Data.Object).Status == "active");
        Previous(activated).Should().Contain("\"status\":\"incomplete\"").And.Contain("\"default_payment_method\":null");
    }

    [Fact]
    public async Task An_unpaid_first_invoice_leaves_the_subscription_incomplete_and_after_23_hours_incomplete_expired()
    {
        var price = await MonthlyPriceAsync(900, "pro_monthly");
        var clock = await ClockAsync();
        var customer = await CustomerAsync(clock, "pm_card_chargeCustomerFail");

        var subscription = await SubscribeAsync(customer.Id, price.Id);

        subscription.Status.Should().Be("incomplete");
        subscription.LatestInvoice.Status.Should().Be("open");
        subscription.LatestInvoice.AttemptCount.Should().Be(1);
        subscription.LatestInvoice.NextPaymentAttempt.Should().BeNull("a first invoice is not retried automatically");
        await AdvanceAsync(clock, Start.AddHours(22));
        (await GetAsync(subscription.Id)).Status.Should().Be("incomplete");
        await AdvanceAsync(clock, Start.AddHours(24));
        var expired = await GetAsync(subscription.Id);
        expired.Status.Should().Be("incomplete_expired");
        expired.LatestInvoice.Status.Should().Be("void");
        await WebhooksAsync("customer.subscription.deleted", subscription.Id);
    }

    [Fact]
    public async Task An_incomplete_subscription_becomes_active_when_its_first_invoice_is_paid_with_another_card()
    {
        var (_, _, customer, subscription) = await SubscribedAsync("pm_card_chargeCustomerFail");

        var attempt = () => Api.V1.Invoices.PayAsync(subscription.LatestInvoiceId, null, Key());
        var declined = (await attempt.Should().ThrowAsync<StripeException>()).Which;
        var paid = await Api.V1.Invoices.PayAsync(subscription.LatestInvoiceId, new InvoicePayOptions { PaymentMethod = "pm_card_visa" }, Key());

        subscription.Status.Should().Be("incomplete");
        declined.HttpStatusCode.Should().Be(HttpStatusCode.PaymentRequired);
        declined.StripeError.Code.Should().Be("card_declined");
        paid.Status.Should().Be("paid");
        paid.AttemptCount.Should().Be(3);
        (await GetAsync(subscription.Id)).Status.Should().Be("active");
        (await Api.V1.PaymentMethods.ListAsync(new PaymentMethodListOptions { Customer = customer.Id })).Data.Should().HaveCount(2);
    }

    [Fact]
    public async Task Error_if_incomplete_refuses_with_the_card_error_and_creates_nothing()
    {
        var price = await MonthlyPriceAsync(900, "pro_monthly");
        var clock = await ClockAsync();
        var customer = await CustomerAsync(clock, "pm_card_chargeCustomerFail");

        var act = () => SubscribeAsync(customer.Id, price.Id, "error_if_incomplete");

        var e = (await act.Should().ThrowAsync<StripeException>()).Which;
        e.HttpStatusCode.Should().Be(HttpStatusCode.PaymentRequired);
        e.StripeError.Type.Should().Be("card_error");
        e.StripeError.Code.Should().Be("card_declined");
        (await Api.V1.Subscriptions.ListAsync(new SubscriptionListOptions { Customer = customer.Id, Status = "all" })).Data.Should().BeEmpty();
    }

    [Fact]
    public async Task A_subscription_s_webhooks_come_in_stripe_s_order_and_parse_with_stripe_net()
    {
        var (_, clock, customer, subscription) = await SubscribedAsync();
        await AdvanceAsync(clock, Start.AddMonths(1).AddHours(2));
        await WebhooksAsync("test_helpers.test_clock.ready", clock.Id);

        string[] billing = ["customer.subscription.created", "customer.subscription.updated", "invoice.created", "invoice.finalized", "invoice.paid", "invoice.payment_succeeded"];
        var events = Harness.Received.Select(Construct).Where(e => billing.Contains(e.Type) || e.Type.StartsWith("test_helpers.", StringComparison.Ordinal)).ToList();
        events.Select(e => e.Type).Should().Equal(
            "test_helpers.test_clock.created",
            "customer.subscription.created", "invoice.created", "invoice.finalized", "invoice.paid", "invoice.payment_succeeded", "customer.subscription.updated",
            "test_helpers.test_clock.advancing",
            "customer.subscription.updated", "invoice.created", "invoice.finalized", "invoice.paid", "invoice.payment_succeeded",
            "test_helpers.test_clock.ready");
        events[1].Data.Object.Should().BeOfType<Subscription>().Which.Status.Should().Be("incomplete");
        events[6].Data.Object.Should().BeOfType<Subscription>().Which.Status.Should().Be("active");
        Previous(events[6]).Should().Contain("incomplete");
        var renewalInvoice = events[9].Data.Object.Should().BeOfType<Invoice>().Subject;
        renewalInvoice.Status.Should().Be("draft");
        renewalInvoice.BillingReason.Should().Be("subscription_cycle");
        renewalInvoice.Parent.SubscriptionDetails.SubscriptionId.Should().Be(subscription.Id);
        events[^1].Data.Object.Should().BeOfType<TestClock>().Which.Status.Should().Be("ready");
    }

    [Fact]
    public async Task Products_and_prices_are_created_read_updated_and_listed_by_lookup_key_product_and_active()
    {
        var first = await MonthlyPriceAsync(900, "pro_monthly");
        var second = await MonthlyPriceAsync(1200, "pro_monthly");

        (await Api.V1.Prices.GetAsync(first.Id)).LookupKey.Should().BeNull("transfer_lookup_key moved the key to the new price");
        var byKey = await Api.V1.Prices.ListAsync(new PriceListOptions { LookupKeys = ["pro_monthly"], Expand = ["data.product"] });
        byKey.Data.Should().ContainSingle().Which.Id.Should().Be(second.Id);
        byKey.Data[0].Product.Name.Should().Be("Plan pro_monthly");
        byKey.Data[0].Recurring.Interval.Should().Be("month");
        byKey.Data[0].Type.Should().Be("recurring");

        var archived = await Api.V1.Prices.UpdateAsync(first.Id, new PriceUpdateOptions { Active = false, Metadata = new() { ["archived"] = "yes" } }, Key());
        archived.Active.Should().BeFalse();
        (await Api.V1.Prices.ListAsync(new PriceListOptions { Active = true, Product = first.ProductId })).Data.Should().BeEmpty();
        (await Api.V1.Prices.ListAsync(new PriceListOptions { Product = first.ProductId })).Data.Should().ContainSingle().Which.Metadata.Should().Contain("archived", "yes");

        var product = await Api.V1.Products.UpdateAsync(second.ProductId, new ProductUpdateOptions { Name = "Pro", Active = false }, Key());
        product.Name.Should().Be("Pro");
        (await Api.V1.Products.GetAsync(second.ProductId)).Active.Should().BeFalse();
        (await Api.V1.Products.ListAsync(new ProductListOptions { Active = true })).Data.Select(p => p.Id).Should().Equal(first.ProductId);
        (await Api.V1.Products.ListAsync(new ProductListOptions { Ids = [second.ProductId] })).Data.Should().ContainSingle();
    }

    [Fact]
    public async Task A_product_made_with_default_price_data_gets_its_recurring_default_price()
    {
        // docs.stripe.com/api/products/create: default_price_data creates a price and sets it as default_price.
        var product = await Api.V1.Products.CreateAsync(
            new ProductCreateOptions
            {
                Id = "plan_pro",
                Name = "Pro",
                DefaultPriceData = new ProductDefaultPriceDataOptions { Currency = "usd", UnitAmount = 900, Recurring = new ProductDefaultPriceDataRecurringOptions { Interval = "month" } },
                Expand = ["default_price"],
            },
            Key());
        var again = () => Api.V1.Products.CreateAsync(new ProductCreateOptions { Id = "plan_pro", Name = "Pro" }, Key());

        product.Id.Should().Be("plan_pro");
        product.DefaultPrice.UnitAmount.Should().Be(900);
        product.DefaultPrice.Recurring.Interval.Should().Be("month");
        product.DefaultPrice.ProductId.Should().Be("plan_pro");
        (await Api.V1.Products.GetAsync("plan_pro")).DefaultPriceId.Should().Be(product.DefaultPrice.Id);
        (await again.Should().ThrowAsync<StripeException>()).Which.StripeError.Code.Should().Be("resource_already_exists");
    }

    [Fact]
    public async Task Test_clocks_are_created_listed_and_deleted_with_their_customers()
    {
        var clock = await ClockAsync();
        var customer = await CustomerAsync(clock);

        (await Api.V1.TestHelpers.TestClocks.ListAsync()).Data.Select(c => c.Id).Should().Contain(clock.Id);
        clock.FrozenTime.Should().Be(Start);
        clock.Status.Should().Be("ready");
        customer.TestClockId.Should().Be(clock.Id);
        customer.Created.Should().Be(Start, "objects on a clock live in its time");

        var deleted = await Api.V1.TestHelpers.TestClocks.DeleteAsync(clock.Id, null, Key());

        deleted.Deleted.Should().BeTrue();
        var act = () => Api.V1.Customers.GetAsync(customer.Id);
        (await act.Should().ThrowAsync<StripeException>()).Which.HttpStatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Payment_methods_attach_to_a_customer_and_decline_cards_fail_as_they_are_attached()
    {
        var clock = await ClockAsync();
        var customer = await Api.V1.Customers.CreateAsync(new CustomerCreateOptions { TestClock = clock.Id }, Key());

        var failing = await Api.V1.PaymentMethods.AttachAsync("pm_card_chargeCustomerFail", new PaymentMethodAttachOptions { Customer = customer.Id }, Key());
        var act = () => Api.V1.PaymentMethods.AttachAsync("pm_card_chargeDeclined", new PaymentMethodAttachOptions { Customer = customer.Id }, Key());

        failing.CustomerId.Should().Be(customer.Id);
        failing.Card.Last4.Should().Be("0341");
        (await Api.V1.PaymentMethods.GetAsync(failing.Id)).CustomerId.Should().Be(customer.Id);
        var e = (await act.Should().ThrowAsync<StripeException>()).Which;
        e.HttpStatusCode.Should().Be(HttpStatusCode.PaymentRequired);
        e.StripeError.Code.Should().Be("card_declined");
    }

    [Fact]
    public async Task Canceling_now_ends_the_subscription_at_once_and_announces_it()
    {
        var (_, clock, customer, subscription) = await SubscribedAsync();

        var canceled = await Api.V1.Subscriptions.CancelAsync(subscription.Id, null, Key());

        canceled.Status.Should().Be("canceled");
        canceled.CanceledAt.Should().Be(Start);
        canceled.EndedAt.Should().Be(Start);
        canceled.CancellationDetails.Reason.Should().Be("cancellation_requested");
        Construct((await WebhooksAsync("customer.subscription.deleted", subscription.Id)).Single()).Data.Object.Should().BeOfType<Subscription>().Which.Status.Should().Be("canceled");
        await AdvanceAsync(clock, Start.AddMonths(2));
        (await InvoicesAsync(subscription.Id)).Should().ContainSingle("an ended subscription is not renewed");
        (await Api.V1.Subscriptions.ListAsync(new SubscriptionListOptions { Customer = customer.Id, Status = "all" })).Data.Should().ContainSingle();
        var again = () => Api.V1.Subscriptions.CancelAsync(subscription.Id, null, Key());
        (await again.Should().ThrowAsync<StripeException>()).Which.HttpStatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Canceling_a_past_due_subscription_stops_the_retries_of_its_open_invoice()
    {
        // "By default, upon subscription cancellation, Stripe stops automatic collection of all finalized invoices."
        var (_, clock, customer, subscription) = await SubscribedAsync();
        await UseCardAsync(customer.Id, "pm_card_chargeCustomerFail");
        await AdvanceAsync(clock, Start.AddMonths(1).AddHours(2));
        var pastDue = await GetAsync(subscription.Id);

        await Api.V1.Subscriptions.CancelAsync(subscription.Id, null, Key());
        await AdvanceAsync(clock, Start.AddMonths(1).AddDays(10));

        pastDue.Status.Should().Be("past_due");
        var invoice = await Api.V1.Invoices.GetAsync(pastDue.LatestInvoiceId);
        invoice.Status.Should().Be("open");
        invoice.AttemptCount.Should().Be(1, "no retry after the subscription ended");
        invoice.NextPaymentAttempt.Should().BeNull();
        invoice.AutoAdvance.Should().BeFalse();
    }

    [Fact]
    public async Task A_retried_create_with_the_same_idempotency_key_replays_the_subscription_instead_of_making_another()
    {
        // docs.stripe.com/api/idempotent_requests: the same key and parameters replay the first answer.
        var price = await MonthlyPriceAsync(900, "pro_monthly");
        var clock = await ClockAsync();
        var customer = await CustomerAsync(clock);
        var options = new SubscriptionCreateOptions { Customer = customer.Id, Items = [new SubscriptionItemOptions { Price = price.Id }] };
        var key = new RequestOptions { IdempotencyKey = "subscribe-owner-1" };

        var first = await Api.V1.Subscriptions.CreateAsync(options, key);
        var second = await Api.V1.Subscriptions.CreateAsync(options, key);

        second.Id.Should().Be(first.Id);
        (await Api.V1.Subscriptions.ListAsync(new SubscriptionListOptions { Customer = customer.Id })).Data.Should().ContainSingle();
        (await Api.V1.Invoices.ListAsync(new InvoiceListOptions { Customer = customer.Id })).Data.Should().ContainSingle();
    }

    [Fact]
    public async Task An_older_api_version_gets_the_period_on_the_subscription_and_the_payment_intent_on_the_invoice()
    {
        // 2025-03-31.basil moved current_period_* to the items and replaced invoice.subscription/payment_intent by parent/payments.
        var (_, _, _, subscription) = await SubscribedAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/subscriptions/{subscription.Id}?expand[]=latest_invoice.payment_intent");
        request.Headers.Add("Stripe-Version", "2024-06-20");

        using var response = await Harness.Client.SendAsync(request);
        var old = await response.ReadJsonAsync();
        using var current = await Harness.Client.GetAsync($"/v1/subscriptions/{subscription.Id}?expand[]=latest_invoice.payment_intent");

        response.StatusCode.Should().Be(HttpStatusCode.OK, old.ToString());
        old.GetProperty("current_period_end").GetInt64().Should().Be(new DateTimeOffset(Start.AddMonths(1)).ToUnixTimeSeconds());
        old.GetProperty("latest_invoice").GetProperty("subscription").GetString().Should().Be(subscription.Id);
        old.GetProperty("latest_invoice").GetProperty("payment_intent").GetProperty("status").GetString().Should().Be("succeeded");
        await current.ShouldBeStripeErrorAsync(HttpStatusCode.BadRequest, "invalid_request_error", param: "expand");
    }

    /// <summary>Bad requests: (method, path, form with {placeholders}, status, code or null, param or null).</summary>
    public static TheoryData<string, string, string, int, string?, string?> BadRequests() => new()
    {
        { "POST", "/v1/subscriptions", "items[0][price]={price}", 400, "parameter_missing", "customer" },
        { "POST", "/v1/subscriptions", "customer=cus_nosuch&items[0][price]={price}", 400, "resource_missing", "customer" },
        { "POST", "/v1/subscriptions", "customer={customer}", 400, "parameter_missing", "items" },
        { "POST", "/v1/subscriptions", "customer={customer}&items[0][price]=price_nosuch", 400, "resource_missing", "items[0][price]" },
        { "POST", "/v1/subscriptions", "customer={customer}&items[0][price]={oneTime}", 400, null, "items[0][price]" },
        { "POST", "/v1/subscriptions", "customer={customer}&items[0][price]={price}&items[0][quantity]=0", 400, "parameter_invalid_integer", "items[0][quantity]" },
        { "POST", "/v1/subscriptions", "customer={customer}&items[0][price]={price}&payment_behavior=sometimes", 400, null, "payment_behavior" },
        { "POST", "/v1/subscriptions", "customer={customer}&items[0][price]={price}&default_payment_method={otherMethod}", 400, "resource_missing", "default_payment_method" },
        { "POST", "/v1/subscriptions", "customer={customer}&items[0][price]={price}&trial_period_days=7", 400, "parameter_unknown", "trial_period_days" },
        { "POST", "/v1/subscriptions/sub_nosuch", "cancel_at_period_end=true", 404, "resource_missing", null },
        { "POST", "/v1/subscriptions/{subscription}", "proration_behavior=sometimes", 400, null, "proration_behavior" },
        { "POST", "/v1/subscriptions/{subscription}", "items[0][id]=si_nosuch&items[0][price]={price}", 400, "resource_missing", "items[0][id]" },
        { "DELETE", "/v1/subscriptions/sub_nosuch", "", 404, "resource_missing", null },
        { "GET", "/v1/subscriptions", "status=sleeping", 400, null, "status" },
        { "POST", "/v1/products", "description=no name", 400, "parameter_missing", "name" },
        { "GET", "/v1/products/prod_nosuch", "", 404, "resource_missing", null },
        { "POST", "/v1/products", "name=Pro&default_price_data[currency]=usd&default_price_data[recurring][interval]=month", 400, "parameter_missing", "default_price_data[unit_amount]" },
        { "POST", "/v1/products", "name=Pro&default_price_data[currency]=usd&default_price_data[unit_amount]=900&default_price_data[recurring][interval]=hour", 400, null, "default_price_data[recurring][interval]" },
        { "POST", "/v1/products/{product}", "default_price=price_nosuch", 400, "resource_missing", "default_price" },
        { "POST", "/v1/prices", "product={product}&unit_amount=900", 400, "parameter_missing", "currency" },
        { "POST", "/v1/prices", "product={product}&currency=usd", 400, "parameter_missing", "unit_amount" },
        { "POST", "/v1/prices", "product=prod_nosuch&unit_amount=900&currency=usd", 400, "resource_missing", "product" },
        { "POST", "/v1/prices", "product={product}&unit_amount=900&currency=usd&recurring[interval]=fortnight", 400, null, "recurring[interval]" },
        { "POST", "/v1/prices", "product={product}&unit_amount=900&currency=usd&lookup_key=taken", 400, null, "lookup_key" },
        { "POST", "/v1/prices", "product={product}&unit_amount=-1&currency=usd", 400, "parameter_invalid_integer", "unit_amount" },
        { "GET", "/v1/prices/price_nosuch", "", 404, "resource_missing", null },
        { "GET", "/v1/invoices/in_nosuch", "", 404, "resource_missing", null },
        { "POST", "/v1/invoices/{invoice}/pay", "", 400, "invoice_already_paid", null },
        { "GET", "/v1/invoices", "status=late", 400, null, "status" },
        { "POST", "/v1/test_helpers/test_clocks", "name=no time", 400, "parameter_missing", "frozen_time" },
        { "POST", "/v1/test_helpers/test_clocks/{clock}/advance", "frozen_time=1000", 400, null, "frozen_time" },
        { "POST", "/v1/test_helpers/test_clocks/clock_nosuch/advance", "frozen_time=99999999999", 404, "resource_missing", null },
        { "POST", "/v1/customers", "test_clock=clock_nosuch", 400, "resource_missing", "test_clock" },
        { "POST", "/v1/customers/{customer}", "invoice_settings[default_payment_method]={otherMethod}", 400, "resource_missing", "invoice_settings[default_payment_method]" },
        { "POST", "/v1/payment_methods/pm_card_visa/attach", "", 400, "parameter_missing", "customer" },
        { "POST", "/v1/payment_methods/pm_card_chargeDeclinedInsufficientFunds/attach", "customer={customer}", 402, "card_declined", null },
        { "POST", "/v1/payment_methods/pm_card_visa_chargeDeclined/attach", "customer={customer}", 402, "card_declined", null },
        { "POST", "/v1/payment_methods/pm_nosuch/attach", "customer={customer}", 400, "resource_missing", "payment_method" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_billing_requests_are_answered_with_stripe_s_error_objects(string method, string path, string form, int status, string? code, string? param)
    {
        var price = await MonthlyPriceAsync(900, "taken");
        var oneTime = await Api.V1.Prices.CreateAsync(new PriceCreateOptions { Product = price.ProductId, UnitAmount = 500, Currency = "usd" }, Key());
        var clock = await ClockAsync();
        var customer = await CustomerAsync(clock);
        var other = await Api.V1.Customers.CreateAsync(new CustomerCreateOptions(), Key());
        var otherMethod = await Api.V1.PaymentMethods.AttachAsync("pm_card_visa", new PaymentMethodAttachOptions { Customer = other.Id }, Key());
        var subscription = await SubscribeAsync(customer.Id, price.Id);
        string Fill(string text) => text
            .Replace("{price}", price.Id, StringComparison.Ordinal).Replace("{oneTime}", oneTime.Id, StringComparison.Ordinal)
            .Replace("{product}", price.ProductId, StringComparison.Ordinal).Replace("{clock}", clock.Id, StringComparison.Ordinal)
            .Replace("{customer}", customer.Id, StringComparison.Ordinal).Replace("{otherMethod}", otherMethod.Id, StringComparison.Ordinal)
            .Replace("{subscription}", subscription.Id, StringComparison.Ordinal).Replace("{invoice}", subscription.LatestInvoiceId, StringComparison.Ordinal);
        var pairs = form.Length == 0 ? [] : StripeApiTests.Pairs(Fill(form)).ToList();
        var eventsBefore = (await Harness.EventsAsync()).Count;

        using var response = method switch
        {
            "POST" => await Harness.PostAsync(Fill(path), pairs),
            "GET" => await Harness.Client.GetAsync(Fill(path) + (pairs.Count == 0 ? "" : "?" + string.Join('&', pairs.Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value)}")))),
            _ => await Harness.Client.DeleteAsync(Fill(path)),
        };

        await response.ShouldBeStripeErrorAsync((HttpStatusCode)status, status == 402 ? "card_error" : "invalid_request_error", code, param);
        (await Harness.EventsAsync()).Count.Should().Be(eventsBefore, "a refused request changes nothing");
    }

    [Fact]
    public async Task A_past_due_subscription_takes_a_new_card_as_payments_gives_it_pay_the_open_invoice_then_both_defaults()
    {
        // payments' PUT /api/subscriptions/mine/payment-method: attach, pay the newest open invoice with the card, then make it
        // the customer's invoice default and the subscription's default_payment_method (docs.stripe.com/api/invoices/pay).
        var (_, clock, customer, subscription) = await SubscribedAsync();
        var failingCard = await UseCardAsync(customer.Id, "pm_card_chargeCustomerFail");
        await Api.V1.Subscriptions.UpdateAsync(subscription.Id, new SubscriptionUpdateOptions { DefaultPaymentMethod = failingCard.Id }, Key());
        await AdvanceAsync(clock, Start.AddMonths(1).AddHours(2));
        (await GetAsync(subscription.Id)).Status.Should().Be("past_due");
        var open = (await Api.V1.Invoices.ListAsync(new InvoiceListOptions { Subscription = subscription.Id, Status = "open", Limit = 1 })).Data.Should().ContainSingle().Subject;
        open.BillingReason.Should().Be("subscription_cycle");

        // A card that attaches but declines the charge: 402 card_error with the decline code; the invoice stays open.
        var declining = await Api.V1.PaymentMethods.AttachAsync("pm_card_chargeCustomerFail", new PaymentMethodAttachOptions { Customer = customer.Id }, Key());
        var declined = () => Api.V1.Invoices.PayAsync(open.Id, new InvoicePayOptions { PaymentMethod = declining.Id }, Key());
        var e = (await declined.Should().ThrowAsync<StripeException>()).Which;
        (e.HttpStatusCode, e.StripeError.Type, e.StripeError.DeclineCode).Should().Be((HttpStatusCode.PaymentRequired, "card_error", "generic_decline"));
        (await Api.V1.Invoices.GetAsync(open.Id)).Status.Should().Be("open");

        var card = await Api.V1.PaymentMethods.AttachAsync("pm_card_mastercard", new PaymentMethodAttachOptions { Customer = customer.Id }, Key());
        var paid = await Api.V1.Invoices.PayAsync(open.Id, new InvoicePayOptions { PaymentMethod = card.Id }, Key());
        var updatedCustomer = await Api.V1.Customers.UpdateAsync(
            customer.Id, new CustomerUpdateOptions { InvoiceSettings = new CustomerInvoiceSettingsOptions { DefaultPaymentMethod = card.Id } }, Key());
        var updated = await Api.V1.Subscriptions.UpdateAsync(subscription.Id, new SubscriptionUpdateOptions { DefaultPaymentMethod = card.Id }, Key());

        (paid.Status, paid.AmountPaid).Should().Be(("paid", 900));
        updatedCustomer.InvoiceSettings.DefaultPaymentMethodId.Should().Be(card.Id);
        (updated.Status, updated.DefaultPaymentMethodId).Should().Be(("active", card.Id));
        await WebhooksAsync("invoice.paid", open.Id);
        // The recovery is told as customer.subscription.updated active, whose previous status was past_due.
        await EventAsync("customer.subscription.updated", subscription.Id,
            ev => ((Subscription)ev.Data.Object).Status == "active" && Previous(ev).Contains("\"status\":\"past_due\"", StringComparison.Ordinal));

        // The next renewal is charged to the new card.
        await AdvanceAsync(clock, Start.AddMonths(2).AddHours(2));
        var renewed = await GetAsync(subscription.Id);
        (renewed.Status, renewed.LatestInvoice.Status).Should().Be(("active", "paid"));
    }

    [Fact]
    public async Task A_fault_while_a_clock_advances_answers_Stripes_500_api_error_and_leaves_the_clock_in_internal_failure()
    {
        // Stripe answers its own failures as status 500 {"error":{"type":"api_error"}}; a clock whose advance failed reads
        // internal_failure. The fault here: a renewal in December 9999, whose next period would end after DateTime.MaxValue.
        var price = await MonthlyPriceAsync(900, "pro_monthly");
        var late = new DateTime(9999, 11, 25, 12, 0, 0, DateTimeKind.Utc);
        var clock = await Api.V1.TestHelpers.TestClocks.CreateAsync(new TestClockCreateOptions { FrozenTime = late, Name = "the end of time" }, Key());
        var customer = await CustomerAsync(clock);
        (await SubscribeAsync(customer.Id, price.Id)).Status.Should().Be("active");

        var act = () => AdvanceAsync(clock, late.AddDays(31));

        var e = (await act.Should().ThrowAsync<StripeException>()).Which;
        e.HttpStatusCode.Should().Be(HttpStatusCode.InternalServerError);
        e.StripeError.Type.Should().Be("api_error");
        e.StripeError.Message.Should().Contain(clock.Id);
        (await Api.V1.TestHelpers.TestClocks.GetAsync(clock.Id)).Status.Should().Be("internal_failure");
        await WebhooksAsync("test_helpers.test_clock.internal_failure", clock.Id);
    }

    [Fact]
    public async Task A_price_without_recurring_on_a_subscription_names_the_item_and_changes_nothing()
    {
        // docs.stripe.com/api/subscriptions/create: items[].price must be a recurring price.
        var recurring = await MonthlyPriceAsync(900, "pro_monthly");
        var oneTime = await Api.V1.Prices.CreateAsync(new PriceCreateOptions { Product = recurring.ProductId, UnitAmount = 500, Currency = "usd" }, Key());
        var clock = await ClockAsync();
        var customer = await CustomerAsync(clock);

        var act = () => Api.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions { Customer = customer.Id, Items = [new() { Price = oneTime.Id }] }, Key());

        var e = (await act.Should().ThrowAsync<StripeException>()).Which;
        e.HttpStatusCode.Should().Be(HttpStatusCode.BadRequest);
        e.StripeError.Param.Should().Be("items[0][price]");
        e.StripeError.Message.Should().Contain("type=recurring");
        oneTime.Type.Should().Be("one_time");
    }
}
