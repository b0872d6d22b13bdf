using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace DaprPlatform.DevHost.Stripe;

/// <summary>
/// Stripe Billing's subscriptions and their invoices (API reference: "Subscriptions", "Invoices"; guides: "How
/// subscriptions work", "Automatic collection"), charged automatically with the customer's card:
/// <list type="bullet">
/// <item>creation bills the first period at once (billing_reason subscription_create); the subscription is
/// <c>incomplete</c> until that invoice is paid, then <c>active</c>; unpaid for 23 hours it becomes
/// <c>incomplete_expired</c> and its invoice is voided;</item>
/// <item>at each period end a draft invoice for the next period is made (subscription_cycle) and the period moves on;
/// an hour later it is finalized and charged. A failed charge makes the subscription <c>past_due</c> and is retried
/// <see cref="RetryDays"/> days after the first attempt; paid, it is <c>active</c> again; when the last retry fails
/// the subscription is canceled (the account setting "cancel the subscription if all retries fail", invoice left
/// past-due);</item>
/// <item><c>cancel_at_period_end</c> ends it at the period end without a new invoice; a price change prorates as
/// <c>proration_behavior</c> says (create_prorations: on the next invoice; always_invoice: invoiced and charged now,
/// billing_reason subscription_update; none: not at all).</item>
/// </list>
/// Objects of a customer on a test clock use the clock's time, others DevHost's TimeProvider.
/// </summary>
internal sealed partial class StripeLedger
{
    /// <summary>When a failed invoice is retried, in days after its first attempt (the stand-in's fixed retry schedule).</summary>
    public static readonly IReadOnlyList<int> RetryDays = [3, 5, 7];

    /// <summary>"If the first invoice is not paid within 23 hours, the subscription transitions to incomplete_expired."</summary>
    private const long IncompleteWindow = 23 * 3600;

    /// <summary>Stripe finalizes a renewal invoice about an hour after making it (the draft can be edited meanwhile).</summary>
    private const long DraftWindow = 3600;

    private static readonly string[] SubscriptionStatuses = ["active", "past_due", "unpaid", "canceled", "incomplete", "incomplete_expired", "trialing", "paused", "all", "ended"];

    private readonly OrderedDictionary<string, Subscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly OrderedDictionary<string, Invoice> _invoices = new(StringComparer.Ordinal);

    /// <summary>While work due for customers without a clock runs, its time; otherwise null (it is then now).</summary>
    private long? _dueAt;

    private long BillingNow(string customerId) => ClockOf(customerId)?.FrozenTime ?? _dueAt ?? Now;

    /// <summary>What an event caused by time passing names as its request: none.</summary>
    private StripeRequestInfo ByTime => new(null, null, webhooks.ApiVersion);

    // ---- Subscriptions ----

    public JsonObject CreateSubscription(StripeParameters p, StripeRequestInfo request)
    {
        p.OnlyAllow("customer", "items", "default_payment_method", "payment_behavior", "metadata", "cancel_at_period_end", "collection_method",
            "description", "off_session", "payment_settings", "proration_behavior", "expand");
        var expand = p.Expand(SubscriptionExpandable(request.ApiVersion));
        var customerId = p.RequiredString("customer");
        var wanted = p.HashList("items", "price", "quantity") ?? throw StripeError.MissingParameter("items");
        if (wanted.Count == 0) { throw StripeError.MissingParameter("items"); }
        var behavior = PaymentBehavior(p);
        CollectionMethod(p);
        p.OneOf("proration_behavior", "create_prorations", "none", "always_invoice");
        p.Boolean("off_session");
        var settings = p.Hash("payment_settings", "save_default_payment_method");
        var saveDefault = settings?.GetValueOrDefault("save_default_payment_method") ?? "off";
        if (saveDefault is not ("off" or "on_subscription")) { throw StripeError.InvalidParameter("payment_settings[save_default_payment_method]", "Invalid payment_settings[save_default_payment_method]: must be one of off, on_subscription"); }
        var metadata = NewMetadata(p);
        var cancelAtPeriodEnd = p.Boolean("cancel_at_period_end") ?? false;
        if (!_customers.ContainsKey(customerId)) { throw StripeError.NoSuch("customer", customerId, "customer", 400); }
        var items = wanted.Select((item, i) => (Price: SubscribablePrice(item, i), Quantity: Quantity(item, i))).ToList();
        CheckSameCycle(items.Select(i => i.Price).ToList());
        var method = p.String("default_payment_method") is { } pm ? AttachedMethod(pm, customerId, "default_payment_method") : null;
        var payer = method ?? CustomerDefaultMethod(customerId);
        var total = items.Sum(i => i.Price.UnitAmount * i.Quantity);
        if (behavior == "error_if_incomplete" && total > 0) { RefuseUnpayable(payer); }

        var now = BillingNow(customerId);
        var first = items[0].Price;
        var subscription = new Subscription
        {
            Id = NewId("sub"),
            Customer = customerId,
            Currency = first.Currency,
            Interval = first.Interval!,
            IntervalCount = first.IntervalCount,
            Anchor = now,
            Created = now,
            DefaultPaymentMethod = method?.Id,
            Description = p.String("description"),
            Metadata = metadata,
            CancelAtPeriodEnd = cancelAtPeriodEnd,
            SaveDefaultPaymentMethod = saveDefault,
        };
        foreach (var (price, quantity) in items) { subscription.Items.Add(NewItem(subscription, price, quantity, now)); }
        if (cancelAtPeriodEnd) { subscription.CanceledAt = now; }
        _subscriptions[subscription.Id] = subscription;
        var stream = BillingStream(customerId);
        webhooks.Publish("customer.subscription.created", RenderSubscription(subscription, Empty, webhooks.ApiVersion), stream, request);

        var invoice = NewInvoice(subscription, "subscription_create", PeriodLines(subscription), now, now, request);
        Finalize(invoice, request);
        if (invoice.AmountDue == 0) { InvoicePaid(invoice, request); }
        else if (behavior != "default_incomplete" && payer is not null) { Attempt(invoice, payer, scheduled: false, request); }
        return RenderSubscription(subscription, expand, request.ApiVersion);
    }

    public JsonObject RetrieveSubscription(string id, StripeParameters p, StripeRequestInfo request)
    {
        p.OnlyAllow("expand");
        var expand = p.Expand(SubscriptionExpandable(request.ApiVersion));
        return RenderSubscription(FindSubscription(id), expand, request.ApiVersion);
    }

    public JsonObject UpdateSubscription(string id, StripeParameters p, StripeRequestInfo request)
    {
        p.OnlyAllow("items", "proration_behavior", "cancel_at_period_end", "default_payment_method", "metadata", "payment_behavior", "description",
            "cancellation_details", "off_session", "expand");
        var expand = p.Expand(SubscriptionExpandable(request.ApiVersion));
        var subscription = FindSubscription(id);
        var changes = p.HashList("items", "id", "price", "quantity", "deleted");
        var proration = p.OneOf("proration_behavior", "create_prorations", "none", "always_invoice") ?? "create_prorations";
        var behavior = PaymentBehavior(p);
        p.Boolean("off_session");
        var cancelAtPeriodEnd = p.Boolean("cancel_at_period_end");
        var details = p.Hash("cancellation_details", "comment", "feedback");
        var feedback = details is null ? null : CancellationFeedback(details);
        var method = p.String("default_payment_method") is { } pm ? AttachedMethod(pm, subscription.Customer, "default_payment_method") : null;
        if (subscription.Status is "canceled" or "incomplete_expired"
            && (changes is not null || cancelAtPeriodEnd is not null || method is not null || p.Has("description") || p.Has("proration_behavior")))
        {
            throw new StripeError(400, "invalid_request_error", "A canceled subscription can only update its cancellation_details and metadata.");
        }

        if (subscription.Status == "incomplete" && (changes is not null || cancelAtPeriodEnd is not null))
        {
            throw new StripeError(400, "invalid_request_error",
                "A subscription in status incomplete can only have its metadata and default payment method updated; pay its first invoice to activate it.");
        }

        var now = BillingNow(subscription.Customer);
        var plan = changes is null ? null : PlanItems(subscription, changes);
        if (plan is not null && behavior == "error_if_incomplete" && proration == "always_invoice")
        {
            var due = ProrationLines(subscription, plan, now, proration).Sum(l => l.Amount) + CustomerBalance(subscription.Customer);
            if (due > 0) { RefuseUnpayable(method ?? PayerOf(subscription)); }
        }

        var before = RenderSubscription(subscription, Empty, webhooks.ApiVersion);
        if (method is not null) { subscription.DefaultPaymentMethod = method.Id; }
        if (p.Has("description")) { subscription.Description = p.String("description"); }
        UpdateMetadata(subscription.Metadata, p);
        if (details is not null)
        {
            if (details.ContainsKey("comment")) { subscription.CancellationComment = details["comment"].Length == 0 ? null : details["comment"]; }
            if (details.ContainsKey("feedback")) { subscription.CancellationFeedback = feedback; }
        }

        if (cancelAtPeriodEnd is { } cancel && cancel != subscription.CancelAtPeriodEnd)
        {
            subscription.CancelAtPeriodEnd = cancel;
            subscription.CanceledAt = cancel ? now : null;
            subscription.CancellationReason = cancel ? "cancellation_requested" : null;
        }

        List<InvoiceLine> prorations = [];
        if (plan is not null)
        {
            prorations = ProrationLines(subscription, plan, now, proration);
            ApplyPlan(subscription, plan, now);
        }

        var invoiceNow = plan is not null && (proration == "always_invoice" || plan.NewCycle);
        if (!invoiceNow) { subscription.PendingProrations.AddRange(prorations); }
        var after = RenderSubscription(subscription, Empty, webhooks.ApiVersion);
        var changed = Changed(before, after);
        if (changed.Count > 0) { webhooks.Publish("customer.subscription.updated", after, BillingStream(subscription.Customer), request, changed); }
        if (invoiceNow)
        {
            // A new billing cycle (another interval) bills its first period too, with what was pending.
            List<InvoiceLine> lines = [.. subscription.PendingProrations, .. prorations, .. plan!.NewCycle ? PeriodLines(subscription) : []];
            subscription.PendingProrations.Clear();
            var invoice = NewInvoice(subscription, "subscription_update", lines, now, now, request);
            Finalize(invoice, request);
            if (invoice.AmountDue == 0) { InvoicePaid(invoice, request); }
            else if (behavior != "default_incomplete" && PayerOf(subscription) is { } payer) { Attempt(invoice, payer, scheduled: true, request); }
            else { BecomePastDue(subscription, request); }
        }

        return RenderSubscription(subscription, expand, request.ApiVersion);
    }

    /// <summary>"Cancel a subscription": ends it now; its open invoices stay as they are.</summary>
    public JsonObject CancelSubscription(string id, StripeParameters p, StripeRequestInfo request)
    {
        p.OnlyAllow("invoice_now", "prorate", "cancellation_details", "expand");
        var expand = p.Expand(SubscriptionExpandable(request.ApiVersion));
        var details = p.Hash("cancellation_details", "comment", "feedback");
        var feedback = details is null ? null : CancellationFeedback(details);
        foreach (var unserved in new[] { "invoice_now", "prorate" })
        {
            if (p.Boolean(unserved) == true)
            {
                throw StripeError.InvalidParameter(unserved, $"{unserved}=true (a final invoice or a proration credit at cancellation) is not served by the DevHost Stripe stand-in.");
            }
        }

        var subscription = FindSubscription(id);
        if (subscription.Status is "canceled" or "incomplete_expired")
        {
            throw new StripeError(400, "invalid_request_error", $"This subscription ({id}) has already ended (status {subscription.Status}); it cannot be canceled again.", param: "subscription");
        }

        subscription.CancellationComment = details?.GetValueOrDefault("comment") is { Length: > 0 } comment ? comment : subscription.CancellationComment;
        subscription.CancellationFeedback = feedback ?? subscription.CancellationFeedback;
        End(subscription, "canceled", "cancellation_requested", BillingNow(subscription.Customer), request);
        return RenderSubscription(subscription, expand, request.ApiVersion);
    }

    /// <summary>"List subscriptions": newest first; without <c>status</c> the ones not canceled, <c>status=all</c> all of them.</summary>
    public JsonObject ListSubscriptions(StripeParameters p, StripeRequestInfo request)
    {
        p.OnlyAllow("customer", "status", "price", "test_clock", "limit", "starting_after", "ending_before", "expand");
        var expand = p.Expand([.. SubscriptionExpandable(request.ApiVersion).Select(e => "data." + e)]);
        var customer = p.String("customer");
        var status = p.String("status");
        if (status is not null && !SubscriptionStatuses.Contains(status, StringComparer.Ordinal))
        {
            throw StripeError.InvalidParameter("status", $"Invalid status: must be one of {string.Join(", ", SubscriptionStatuses)}");
        }

        var price = p.String("price");
        var clock = p.String("test_clock");
        var matching = _subscriptions.Values.Reverse().Where(s =>
            (customer is null || s.Customer == customer) && (price is null || s.Items.Any(i => i.Price.Id == price))
            && (clock is null || ClockOf(s.Customer)?.Id == clock)
            && status switch
            {
                null => s.Status is not ("canceled" or "incomplete_expired"),
                "all" => true,
                "ended" => s.Status is "canceled" or "incomplete_expired",
                _ => s.Status == status,
            }).ToList();
        var itemExpand = expand.Select(e => e["data.".Length..]).ToHashSet(StringComparer.Ordinal);
        return Page(p, matching, s => s.Id, s => RenderSubscription(s, itemExpand, request.ApiVersion), "subscription", "/v1/subscriptions");
    }

    private Subscription FindSubscription(string id) => _subscriptions.GetValueOrDefault(id) ?? throw StripeError.NoSuch("subscription", id, "id");

    private static string PaymentBehavior(StripeParameters p)
    {
        var behavior = p.OneOf("payment_behavior", "allow_incomplete", "default_incomplete", "error_if_incomplete", "pending_if_incomplete") ?? "allow_incomplete";
        return behavior == "pending_if_incomplete"
            ? throw StripeError.InvalidParameter("payment_behavior", "payment_behavior=pending_if_incomplete (pending updates) is not served by the DevHost Stripe stand-in.")
            : behavior;
    }

    private static void CollectionMethod(StripeParameters p)
    {
        if (p.OneOf("collection_method", "charge_automatically", "send_invoice") == "send_invoice")
        {
            throw StripeError.InvalidParameter("collection_method", "collection_method=send_invoice (emailed invoices) is not served by the DevHost Stripe stand-in; it charges automatically.");
        }
    }

    private static string? CancellationFeedback(IReadOnlyDictionary<string, string> details)
    {
        string[] allowed = ["customer_service", "low_quality", "missing_features", "other", "switched_service", "too_complex", "too_expensive", "unused"];
        var feedback = details.GetValueOrDefault("feedback") is { Length: > 0 } f ? f : null;
        return feedback is null || allowed.Contains(feedback, StringComparer.Ordinal)
            ? feedback
            : throw StripeError.InvalidParameter("cancellation_details[feedback]", $"Invalid cancellation_details[feedback]: must be one of {string.Join(", ", allowed)}");
    }

    private static string[] SubscriptionExpandable(string version) => StripeApiVersions.HasInvoiceField(version)
        ? ["latest_invoice", "latest_invoice.payment_intent", "customer", "default_payment_method", "items.data.price.product"]
        : ["latest_invoice", "latest_invoice.confirmation_secret", "latest_invoice.payments", "customer", "default_payment_method", "items.data.price.product"];

    /// <summary>An item's price: it must exist, be active and recurring (the subscription bills it each period).</summary>
    private Price SubscribablePrice(IReadOnlyDictionary<string, string> item, int index)
    {
        var param = $"items[{index.ToString(CultureInfo.InvariantCulture)}][price]";
        var id = item.GetValueOrDefault("price") is { Length: > 0 } given ? given : throw StripeError.MissingParameter(param);
        var price = _prices.GetValueOrDefault(id) ?? throw StripeError.NoSuch("price", id, param, 400);
        if (!price.Active) { throw StripeError.InvalidParameter(param, $"The price specified ({id}) is inactive. This field only accepts active prices."); }
        if (price.Interval is null)
        {
            throw StripeError.InvalidParameter(param, $"The price specified ({id}) is set to `type=one_time` but this field only accepts prices with `type=recurring`.");
        }

        return price;
    }

    private static long Quantity(IReadOnlyDictionary<string, string> item, int index)
    {
        if (item.GetValueOrDefault("quantity") is not { Length: > 0 } text) { return 1; }
        var param = $"items[{index.ToString(CultureInfo.InvariantCulture)}][quantity]";
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var quantity) && quantity >= 1
            ? quantity
            : throw StripeError.InvalidParameter(param, $"Invalid integer: {text}; a quantity is at least 1.", "parameter_invalid_integer");
    }

    /// <summary>All items of a subscription share its currency and its billing interval.</summary>
    private static void CheckSameCycle(IReadOnlyList<Price> prices)
    {
        if (prices.Select(x => x.Currency).Distinct().Count() > 1)
        {
            throw StripeError.InvalidParameter("items", "The prices of a subscription's items must all have the same currency.");
        }

        if (prices.Select(x => (x.Interval, x.IntervalCount)).Distinct().Count() > 1)
        {
            throw StripeError.InvalidParameter("items", "The prices of a subscription's items must all have the same recurring interval and interval_count.");
        }
    }

    /// <summary>error_if_incomplete: a charge that would fail refuses the request before anything is made.</summary>
    private static void RefuseUnpayable(PaymentMethod? payer)
    {
        if (payer is null)
        {
            throw new StripeError(400, "invalid_request_error",
                "This customer has no attached payment source or default payment method. Please consider adding a default payment method.", "resource_missing");
        }

        if (payer.Card.Decline is { } decline)
        {
            throw new StripeError(402, "card_error", decline.Message, decline.Code) { DeclineCode = decline.DeclineCode };
        }
    }

    private PaymentMethod? CustomerDefaultMethod(string customerId) =>
        _customers[customerId]["invoice_settings"]?["default_payment_method"]?.GetValue<string>() is { } id ? _paymentMethods.GetValueOrDefault(id) : null;

    /// <summary>Who pays a subscription's invoices: its default payment method, else the customer's invoice default.</summary>
    private PaymentMethod? PayerOf(Subscription s) =>
        s.DefaultPaymentMethod is { } id ? _paymentMethods.GetValueOrDefault(id) : CustomerDefaultMethod(s.Customer);

    private SubscriptionItem NewItem(Subscription s, Price price, long quantity, long now) =>
        new() { Id = NewId("si"), Subscription = s.Id, Price = price, Quantity = quantity, Created = now };

    // ---- Periods and plan changes ----

    /// <summary>The start of period <paramref name="index"/> counted from the anchor (months keep the anchor's day, clamped to short months).</summary>
    private static long PeriodBoundary(Subscription s, int index)
    {
        var anchor = DateTimeOffset.FromUnixTimeSeconds(s.Anchor);
        var steps = (int)s.IntervalCount * index;
        return (s.Interval switch
        {
            "day" => anchor.AddDays(steps),
            "week" => anchor.AddDays(7 * steps),
            "month" => anchor.AddMonths(steps),
            _ => anchor.AddYears(steps),
        }).ToUnixTimeSeconds();
    }

    private static long PeriodStart(Subscription s) => PeriodBoundary(s, s.Period);

    private static long PeriodEnd(Subscription s) => PeriodBoundary(s, s.Period + 1);

    /// <summary>The lines billing the subscription's current period, one per item.</summary>
    private List<InvoiceLine> PeriodLines(Subscription s)
    {
        var (start, end) = (PeriodStart(s), PeriodEnd(s));
        return [.. s.Items.Select(i => new InvoiceLine(NewId("il"), i.Price.UnitAmount * i.Quantity,
            $"{i.Quantity.ToString(CultureInfo.InvariantCulture)} × {_products[i.Price.Product].Name} (at {Money(i.Price.Currency, i.Price.UnitAmount)} / {i.Price.Interval})",
            i.Price, i.Quantity, i.Id, Proration: false, start, end))];
    }

    /// <summary>The items a subscription will have after <c>items[]</c>: an entry with an id changes (or, with deleted, removes) that item; one without adds one.</summary>
    private PlanChange PlanItems(Subscription s, IReadOnlyList<IReadOnlyDictionary<string, string>> changes)
    {
        var next = s.Items.Select(i => (Item: (SubscriptionItem?)i, i.Price, i.Quantity)).ToList();
        for (var index = 0; index < changes.Count; index++)
        {
            var change = changes[index];
            var at = $"items[{index.ToString(CultureInfo.InvariantCulture)}]";
            if (change.GetValueOrDefault("id") is { Length: > 0 } itemId)
            {
                var position = next.FindIndex(n => n.Item?.Id == itemId);
                if (position < 0) { throw StripeError.NoSuch("subscription_item", itemId, $"{at}[id]", 400); }
                if (StripeParameters.ParseBoolean(change.GetValueOrDefault("deleted"), $"{at}[deleted]") == true)
                {
                    next.RemoveAt(position);
                    continue;
                }

                var price = change.ContainsKey("price") ? SubscribablePrice(change, index) : next[position].Price;
                var quantity = change.ContainsKey("quantity") ? Quantity(change, index) : next[position].Quantity;
                next[position] = (next[position].Item, price, quantity);
            }
            else
            {
                if (change.ContainsKey("deleted")) { throw StripeError.MissingParameter($"{at}[id]"); }
                next.Add((null, SubscribablePrice(change, index), Quantity(change, index)));
            }
        }

        if (next.Count == 0) { throw StripeError.InvalidParameter("items", "A subscription must keep at least one item."); }
        CheckSameCycle([.. next.Select(n => n.Price)]);
        if (next[0].Price.Currency != s.Currency)
        {
            throw StripeError.InvalidParameter("items", $"The subscription is billed in {s.Currency}; a price in {next[0].Price.Currency} cannot be added to it.");
        }

        var newCycle = next[0].Price.Interval != s.Interval || next[0].Price.IntervalCount != s.IntervalCount;
        return new PlanChange(next, newCycle);
    }

    /// <summary>
    /// Proration ("Prorations"): the unused rest of the period at the old price is credited, the rest at the new price
    /// charged, each for the remaining fraction of the period; a new billing cycle credits the unused rest only.
    /// </summary>
    private List<InvoiceLine> ProrationLines(Subscription s, PlanChange plan, long now, string behavior)
    {
        if (behavior == "none") { return []; }
        var (start, end) = (PeriodStart(s), PeriodEnd(s));
        var fraction = end > start ? (double)Math.Max(0, end - now) / (end - start) : 0;
        var at = DateTimeOffset.FromUnixTimeSeconds(now).ToString("d MMM yyyy", CultureInfo.InvariantCulture);
        var lines = new List<InvoiceLine>();
        foreach (var item in s.Items)
        {
            var kept = plan.Items.Find(n => n.Item == item);
            if (!plan.NewCycle && kept.Item is not null && kept.Price == item.Price && kept.Quantity == item.Quantity) { continue; }
            lines.Add(new InvoiceLine(NewId("il"), -(long)Math.Round(item.Price.UnitAmount * item.Quantity * fraction, MidpointRounding.AwayFromZero),
                $"Unused time on {item.Quantity.ToString(CultureInfo.InvariantCulture)} × {_products[item.Price.Product].Name} after {at}", item.Price, item.Quantity, item.Id, Proration: true, now, end));
        }

        if (plan.NewCycle) { return lines; }
        foreach (var (item, price, quantity) in plan.Items)
        {
            if (item is not null && item.Price == price && item.Quantity == quantity) { continue; }
            lines.Add(new InvoiceLine(NewId("il"), (long)Math.Round(price.UnitAmount * quantity * fraction, MidpointRounding.AwayFromZero),
                $"Remaining time on {quantity.ToString(CultureInfo.InvariantCulture)} × {_products[price.Product].Name} after {at}", price, quantity, item?.Id, Proration: true, now, end));
        }

        return lines;
    }

    private void ApplyPlan(Subscription s, PlanChange plan, long now)
    {
        var items = plan.Items.Select(n =>
        {
            if (n.Item is null) { return NewItem(s, n.Price, n.Quantity, now); }
            n.Item.Price = n.Price;
            n.Item.Quantity = n.Quantity;
            return n.Item;
        }).ToList();
        s.Items.Clear();
        s.Items.AddRange(items);
        if (!plan.NewCycle) { return; }
        // Another interval resets the billing cycle anchor to now ("Changing the billing interval").
        s.Interval = plan.Items[0].Price.Interval!;
        s.IntervalCount = plan.Items[0].Price.IntervalCount;
        s.Anchor = now;
        s.Period = 0;
    }

    // ---- Invoices ----

    public JsonObject RetrieveInvoice(string id, StripeParameters p, StripeRequestInfo request)
    {
        p.OnlyAllow("expand");
        var expand = p.Expand(InvoiceExpandable(request.ApiVersion));
        return RenderInvoice(FindInvoice(id, "invoice"), expand, request.ApiVersion);
    }

    /// <summary>"List all invoices": newest first, filtered by customer, subscription and status.</summary>
    public JsonObject ListInvoices(StripeParameters p, StripeRequestInfo request)
    {
        p.OnlyAllow("customer", "subscription", "status", "collection_method", "limit", "starting_after", "ending_before", "expand");
        var expand = p.Expand([.. InvoiceExpandable(request.ApiVersion).Select(e => "data." + e)]);
        var customer = p.String("customer");
        var subscription = p.String("subscription");
        var status = p.OneOf("status", "draft", "open", "paid", "uncollectible", "void");
        var method = p.OneOf("collection_method", "charge_automatically", "send_invoice");
        var matching = _invoices.Values.Reverse().Where(i =>
            (customer is null || i.Customer == customer) && (subscription is null || i.Subscription == subscription) && (status is null || i.Status == status)
            && method is null or "charge_automatically").ToList();
        var itemExpand = expand.Select(e => e["data.".Length..]).ToHashSet(StringComparer.Ordinal);
        return Page(p, matching, i => i.Id, i => RenderInvoice(i, itemExpand, request.ApiVersion), "invoice", "/v1/invoices");
    }

    /// <summary>"Retrieve an invoice's line items".</summary>
    public JsonObject ListInvoiceLines(string id, StripeParameters p)
    {
        p.OnlyAllow("limit", "starting_after", "ending_before", "expand");
        p.Expand();
        var invoice = FindInvoice(id, "invoice");
        return Page(p, invoice.Lines, l => l.Id, l => RenderLine(invoice, l), "line_item", $"/v1/invoices/{invoice.Id}/lines");
    }

    /// <summary>
    /// "Pay an invoice": charges an open (or draft, which is finalized first) invoice now with <c>payment_method</c>,
    /// else the subscription's or customer's default. How a past_due subscription recovers. A decline is a 402
    /// card_error, counted as an attempt.
    /// </summary>
    public JsonObject PayInvoice(string id, StripeParameters p, StripeRequestInfo request)
    {
        p.OnlyAllow("payment_method", "off_session", "paid_out_of_band", "forgive", "expand");
        var expand = p.Expand(InvoiceExpandable(request.ApiVersion));
        p.Boolean("off_session");
        if (p.Boolean("paid_out_of_band") == true || p.Boolean("forgive") == true)
        {
            throw StripeError.InvalidParameter(p.Boolean("forgive") == true ? "forgive" : "paid_out_of_band", "Paying an invoice out of band or forgiving it is not served by the DevHost Stripe stand-in.");
        }

        var invoice = FindInvoice(id, "invoice");
        var given = p.String("payment_method") is { } pm ? ResolvePaymentMethod(pm, "payment_method") : null;
        if (given is { Customer: not null } && given.Customer != invoice.Customer) { throw StripeError.NoSuch("PaymentMethod", p.String("payment_method")!, "payment_method", 400); }
        switch (invoice.Status)
        {
            case "paid": throw new StripeError(400, "invalid_request_error", "Invoice is already paid", "invoice_already_paid");
            case "void" or "uncollectible": throw new StripeError(400, "invalid_request_error", $"This invoice is {invoice.Status} and can no longer be paid.", "invoice_not_editable");
        }

        var subscription = invoice.Subscription is { } sid ? _subscriptions.GetValueOrDefault(sid) : null;
        var payer = given ?? (subscription is not null ? PayerOf(subscription) : CustomerDefaultMethod(invoice.Customer));
        if (invoice.Status == "draft") { Finalize(invoice, request); }
        if (invoice.AmountDue == 0)
        {
            InvoicePaid(invoice, request);
            return RenderInvoice(invoice, expand, request.ApiVersion);
        }

        if (payer is null)
        {
            throw new StripeError(400, "invalid_request_error",
                "This customer has no attached payment source or default payment method. Please consider adding a default payment method.", "resource_missing");
        }

        if (given is { Customer: null }) { Attach(given, invoice.Customer, request); }
        if (!Attempt(invoice, payer, scheduled: false, request))
        {
            var intent = _intents[invoice.Intent!];
            var charge = _charges[intent.LatestCharge!];
            throw new StripeError(402, "card_error", charge.Decline!.Message, charge.Decline.Code) { DeclineCode = charge.Decline.DeclineCode, Charge = charge.Id };
        }

        return RenderInvoice(invoice, expand, request.ApiVersion);
    }

    public JsonObject VoidInvoice(string id, StripeParameters p, StripeRequestInfo request)
    {
        p.OnlyAllow("expand");
        var expand = p.Expand(InvoiceExpandable(request.ApiVersion));
        var invoice = FindInvoice(id, "invoice");
        if (invoice.Status is not ("open" or "uncollectible")) { throw new StripeError(400, "invalid_request_error", $"You can only void an open or uncollectible invoice; this one is {invoice.Status}.", "invoice_not_editable"); }
        Void(invoice, request);
        return RenderInvoice(invoice, expand, request.ApiVersion);
    }

    public JsonObject MarkInvoiceUncollectible(string id, StripeParameters p, StripeRequestInfo request)
    {
        p.OnlyAllow("expand");
        var expand = p.Expand(InvoiceExpandable(request.ApiVersion));
        var invoice = FindInvoice(id, "invoice");
        if (invoice.Status != "open") { throw new StripeError(400, "invalid_request_error", $"You can only mark an open invoice uncollectible; this one is {invoice.Status}.", "invoice_not_editable"); }
        var before = RenderInvoice(invoice, Empty, webhooks.ApiVersion);
        invoice.Status = "uncollectible";
        invoice.UncollectibleAt = BillingNow(invoice.Customer);
        invoice.NextPaymentAttempt = null;
        var after = RenderInvoice(invoice, Empty, webhooks.ApiVersion);
        webhooks.Publish("invoice.marked_uncollectible", after, BillingStream(invoice.Customer), request, Changed(before, after));
        return RenderInvoice(invoice, expand, request.ApiVersion);
    }

    private Invoice FindInvoice(string id, string param) => _invoices.GetValueOrDefault(id) ?? throw StripeError.NoSuch("invoice", id, param);

    private static string[] InvoiceExpandable(string version) => StripeApiVersions.HasInvoiceField(version)
        ? ["customer", "subscription", "payment_intent"]
        : ["customer", "confirmation_secret", "payments"];

    private long CustomerBalance(string customerId) => _customers[customerId]["balance"]!.GetValue<long>();

    /// <summary>A draft invoice of <paramref name="lines"/> for the subscription's customer, announced with invoice.created.</summary>
    private Invoice NewInvoice(Subscription s, string reason, List<InvoiceLine> lines, long periodStart, long periodEnd, StripeRequestInfo request)
    {
        var invoice = DraftInvoice(s, reason, lines, periodStart, periodEnd, BillingNow(s.Customer));
        webhooks.Publish("invoice.created", RenderInvoice(invoice, Empty, webhooks.ApiVersion), BillingStream(s.Customer), request);
        return invoice;
    }

    /// <summary>A draft invoice made at <paramref name="created"/>, the subscription's latest; finalized an hour later unless finalized before.</summary>
    private Invoice DraftInvoice(Subscription s, string reason, List<InvoiceLine> lines, long periodStart, long periodEnd, long created)
    {
        var invoice = new Invoice
        {
            Id = NewId("in"),
            Customer = s.Customer,
            Subscription = s.Id,
            SubscriptionMetadata = new Dictionary<string, string>(s.Metadata, StringComparer.Ordinal),
            BillingReason = reason,
            Currency = s.Currency,
            Lines = lines,
            Created = created,
            PeriodStart = periodStart,
            PeriodEnd = periodEnd,
            FinalizeAt = created + DraftWindow,
            TestClock = ClockOf(s.Customer)?.Id,
        };
        _invoices[invoice.Id] = invoice;
        s.LatestInvoice = invoice.Id;
        return invoice;
    }

    /// <summary>draft → open: numbered, the customer's balance applied, a PaymentIntent made for what is due.</summary>
    private void Finalize(Invoice invoice, StripeRequestInfo request)
    {
        var customer = _customers[invoice.Customer];
        var now = BillingNow(invoice.Customer);
        var sequence = customer["next_invoice_sequence"]!.GetValue<long>();
        customer["next_invoice_sequence"] = sequence + 1;
        invoice.Number = $"{customer["invoice_prefix"]!.GetValue<string>()}-{sequence.ToString("D4", CultureInfo.InvariantCulture)}";
        invoice.StartingBalance = CustomerBalance(invoice.Customer);
        var ending = Math.Min(0, invoice.Total + invoice.StartingBalance);
        customer["balance"] = ending;
        invoice.EndingBalance = ending;
        invoice.Status = "open";
        invoice.FinalizedAt = now;
        if (invoice.AmountDue > 0)
        {
            var intentId = NewId("pi");
            var intent = new Intent
            {
                Id = intentId,
                Amount = invoice.AmountDue,
                Currency = invoice.Currency,
                Description = invoice.BillingReason == "subscription_create" ? "Subscription creation" : "Subscription update",
                Customer = invoice.Customer,
                Metadata = new(StringComparer.Ordinal),
                CaptureMethod = "automatic",
                ClientSecret = $"{intentId}_secret_{RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 25)}",
                Created = now,
                Status = "requires_payment_method",
                Invoice = invoice.Id,
                Stream = BillingStream(invoice.Customer),
            };
            _intents[intent.Id] = intent;
            invoice.Intent = intent.Id;
            webhooks.Publish("payment_intent.created", RenderIntent(intent, Empty, webhooks.ApiVersion), intent.EventStream, request);
        }

        webhooks.Publish("invoice.finalized", RenderInvoice(invoice, Empty, webhooks.ApiVersion), BillingStream(invoice.Customer), request);
    }

    /// <summary>Charges the invoice's PaymentIntent with <paramref name="payer"/>; true when it was paid.</summary>
    /// <param name="scheduled">An automatic attempt (finalization or a retry), which the retry schedule follows; a manual one does not move it.</param>
    private bool Attempt(Invoice invoice, PaymentMethod payer, bool scheduled, StripeRequestInfo request)
    {
        var intent = _intents[invoice.Intent!];
        try
        {
            Confirm(intent, payer, returnUrl: null, request, receiptEmail: null);
        }
        catch (StripeError e) when (e.Type == "card_error")
        {
            InvoiceAttemptFailed(invoice, scheduled, request);
            return false;
        }

        InvoicePaid(invoice, request);
        return true;
    }

    /// <summary>
    /// A failed attempt: counted, announced (invoice.payment_failed), the next retry scheduled; a renewal's failure
    /// makes the subscription past_due, and when it was the last retry the subscription is canceled.
    /// </summary>
    private void InvoiceAttemptFailed(Invoice invoice, bool scheduled, StripeRequestInfo request)
    {
        var now = BillingNow(invoice.Customer);
        invoice.AttemptCount++;
        invoice.Attempted = true;
        var subscription = invoice.Subscription is { } sid ? _subscriptions.GetValueOrDefault(sid) : null;
        var retried = invoice.BillingReason != "subscription_create";
        var exhausted = false;
        if (retried && scheduled)
        {
            invoice.FirstAttemptAt ??= now;
            invoice.ScheduledAttempts++;
            exhausted = invoice.ScheduledAttempts > RetryDays.Count;
            invoice.NextPaymentAttempt = exhausted ? null : invoice.FirstAttemptAt + (RetryDays[invoice.ScheduledAttempts - 1] * 86_400L);
        }

        _customers[invoice.Customer]["delinquent"] = true;
        webhooks.Publish("invoice.payment_failed", RenderInvoice(invoice, Empty, webhooks.ApiVersion), BillingStream(invoice.Customer), request);
        if (subscription is null || !retried) { return; }
        if (exhausted && subscription.Status is "active" or "past_due")
        {
            End(subscription, "canceled", "payment_failed", now, request);
            return;
        }

        BecomePastDue(subscription, request);
    }

    private void BecomePastDue(Subscription subscription, StripeRequestInfo request)
    {
        if (subscription.Status != "active") { return; }
        SetStatus(subscription, "past_due", request);
    }

    /// <summary>open → paid; an incomplete or past_due subscription with nothing else unpaid becomes active.</summary>
    private void InvoicePaid(Invoice invoice, StripeRequestInfo request)
    {
        var now = BillingNow(invoice.Customer);
        invoice.Status = "paid";
        invoice.AmountPaid = invoice.AmountDue;
        invoice.PaidAt = now;
        invoice.Attempted = true;
        invoice.NextPaymentAttempt = null;
        if (invoice.Intent is not null) { invoice.AttemptCount++; }
        var stream = BillingStream(invoice.Customer);
        webhooks.Publish("invoice.paid", RenderInvoice(invoice, Empty, webhooks.ApiVersion), stream, request);
        webhooks.Publish("invoice.payment_succeeded", RenderInvoice(invoice, Empty, webhooks.ApiVersion), stream, request);
        if (!_invoices.Values.Any(i => i.Customer == invoice.Customer && i.Status == "open" && i.AttemptCount > 0)) { _customers[invoice.Customer]["delinquent"] = false; }
        if (invoice.Subscription is not { } sid || _subscriptions.GetValueOrDefault(sid) is not { } subscription) { return; }
        if (subscription.Status is "incomplete" or "past_due"
            && !_invoices.Values.Any(i => i.Subscription == sid && i.Status == "open" && (i.AttemptCount > 0 || i.BillingReason == "subscription_create")))
        {
            var before = RenderSubscription(subscription, Empty, webhooks.ApiVersion);
            if (subscription.SaveDefaultPaymentMethod == "on_subscription" && subscription.DefaultPaymentMethod is null && invoice.Intent is { } pi
                && _intents[pi].PaymentMethod is { } used)
            {
                subscription.DefaultPaymentMethod = used;
            }

            subscription.Status = "active";
            var after = RenderSubscription(subscription, Empty, webhooks.ApiVersion);
            webhooks.Publish("customer.subscription.updated", after, stream, request, Changed(before, after));
        }
    }

    private void Void(Invoice invoice, StripeRequestInfo request)
    {
        var before = RenderInvoice(invoice, Empty, webhooks.ApiVersion);
        invoice.Status = "void";
        invoice.VoidedAt = BillingNow(invoice.Customer);
        invoice.NextPaymentAttempt = null;
        if (invoice.Intent is { } pi && _intents[pi] is { Status: not ("succeeded" or "canceled") } intent)
        {
            intent.Status = "canceled";
            intent.CanceledAt = Now;
            intent.CancellationReason = "void_invoice";
            webhooks.Publish("payment_intent.canceled", RenderIntent(intent, Empty, webhooks.ApiVersion), intent.EventStream, request);
        }

        var after = RenderInvoice(invoice, Empty, webhooks.ApiVersion);
        webhooks.Publish("invoice.voided", after, BillingStream(invoice.Customer), request, Changed(before, after));
    }

    private void SetStatus(Subscription subscription, string status, StripeRequestInfo request)
    {
        var before = RenderSubscription(subscription, Empty, webhooks.ApiVersion);
        subscription.Status = status;
        var after = RenderSubscription(subscription, Empty, webhooks.ApiVersion);
        webhooks.Publish("customer.subscription.updated", after, BillingStream(subscription.Customer), request, Changed(before, after));
    }

    /// <summary>The subscription ends (canceled or incomplete_expired), announced with customer.subscription.deleted.</summary>
    private void End(Subscription subscription, string status, string reason, long at, StripeRequestInfo request)
    {
        // "Upon subscription cancellation, Stripe stops automatic collection of all finalized invoices": no retry or
        // finalization of its invoices after it ended; they can still be paid explicitly.
        foreach (var invoice in _invoices.Values.Where(i => i.Subscription == subscription.Id && i.Status is "draft" or "open"))
        {
            invoice.AutoAdvance = false;
            invoice.NextPaymentAttempt = null;
        }

        subscription.Status = status;
        subscription.EndedAt = at;
        subscription.CanceledAt ??= at;
        subscription.CancelAtPeriodEnd = false;
        subscription.CancellationReason = reason;
        webhooks.Publish("customer.subscription.deleted", RenderSubscription(subscription, Empty, webhooks.ApiVersion), BillingStream(subscription.Customer), request);
    }

    // ---- Time: what falls due ----

    /// <summary>Runs what fell due for customers without a test clock, up to DevHost's now (called before each request and by a timer).</summary>
    public void RunDue()
    {
        var now = Now;
        try
        {
            while (Due(null).Where(d => d.At <= now).OrderBy(d => d.At).FirstOrDefault() is { Work: not null } next)
            {
                _dueAt = next.At;
                next.Work();
            }
        }
        finally
        {
            _dueAt = null;
        }
    }

    /// <summary>Runs, in time order, what falls due on the clock's customers until <paramref name="until"/>, then stops the clock there.</summary>
    private void RunDue(TestClock clock, long until)
    {
        while (Due(clock.Id).Where(d => d.At <= until).OrderBy(d => d.At).FirstOrDefault() is { Work: not null } next)
        {
            clock.FrozenTime = Math.Max(clock.FrozenTime, next.At);
            next.Work();
        }

        clock.FrozenTime = until;
    }

    /// <summary>The next piece of work of each subscription and invoice of the clock's customers (null: customers without a clock).</summary>
    private IEnumerable<(long At, Action Work)> Due(string? clockId)
    {
        foreach (var invoice in _invoices.Values.Where(i => i.TestClock == clockId))
        {
            if (invoice.Status == "draft" && invoice.AutoAdvance) { yield return (invoice.FinalizeAt, () => FinalizeAndCharge(invoice)); }
            else if (invoice.Status == "open" && invoice.NextPaymentAttempt is { } retry) { yield return (retry, () => Retry(invoice)); }
        }

        foreach (var subscription in _subscriptions.Values.Where(s => ClockOf(s.Customer)?.Id == clockId))
        {
            if (subscription.Status == "incomplete") { yield return (subscription.Created + IncompleteWindow, () => Expire(subscription)); }
            else if (subscription.Status is "active" or "past_due")
            {
                yield return (PeriodEnd(subscription), subscription.CancelAtPeriodEnd
                    ? () => End(subscription, "canceled", "cancellation_requested", PeriodEnd(subscription), ByTime)
                    : () => Renew(subscription));
            }
        }
    }

    /// <summary>At the period end: the period moves on and a draft invoice for the new one is made (finalized an hour later).</summary>
    private void Renew(Subscription subscription)
    {
        var before = RenderSubscription(subscription, Empty, webhooks.ApiVersion);
        var (previousStart, previousEnd) = (PeriodStart(subscription), PeriodEnd(subscription));
        subscription.Period++;
        List<InvoiceLine> lines = [.. subscription.PendingProrations, .. PeriodLines(subscription)];
        subscription.PendingProrations.Clear();
        var invoice = DraftInvoice(subscription, "subscription_cycle", lines, previousStart, previousEnd, previousEnd);
        var after = RenderSubscription(subscription, Empty, webhooks.ApiVersion);
        var stream = BillingStream(subscription.Customer);
        webhooks.Publish("customer.subscription.updated", after, stream, ByTime, Changed(before, after));
        webhooks.Publish("invoice.created", RenderInvoice(invoice, Empty, webhooks.ApiVersion), stream, ByTime);
    }

    private void FinalizeAndCharge(Invoice invoice)
    {
        Finalize(invoice, ByTime);
        var subscription = invoice.Subscription is { } sid ? _subscriptions.GetValueOrDefault(sid) : null;
        if (invoice.AmountDue == 0) { InvoicePaid(invoice, ByTime); return; }
        var payer = subscription is not null ? PayerOf(subscription) : CustomerDefaultMethod(invoice.Customer);
        if (payer is not null) { Attempt(invoice, payer, scheduled: true, ByTime); return; }
        // Nothing to charge: as a failed attempt, retried on schedule (a card may be added meanwhile).
        InvoiceAttemptFailed(invoice, scheduled: true, ByTime);
    }

    private void Retry(Invoice invoice)
    {
        var subscription = invoice.Subscription is { } sid ? _subscriptions.GetValueOrDefault(sid) : null;
        var payer = subscription is not null ? PayerOf(subscription) : CustomerDefaultMethod(invoice.Customer);
        if (payer is not null) { Attempt(invoice, payer, scheduled: true, ByTime); }
        else { InvoiceAttemptFailed(invoice, scheduled: true, ByTime); }
    }

    /// <summary>Unpaid 23 hours after creation: incomplete_expired, its first invoice voided.</summary>
    private void Expire(Subscription subscription)
    {
        foreach (var invoice in _invoices.Values.Where(i => i.Subscription == subscription.Id && i.Status == "open").ToList()) { Void(invoice, ByTime); }
        End(subscription, "incomplete_expired", "payment_failed", subscription.Created + IncompleteWindow, ByTime);
    }

    /// <summary>The hosted invoice page of a finalized invoice; null for a draft or an unknown id.</summary>
    public string? HostedInvoicePage(string id)
    {
        if (_invoices.GetValueOrDefault(id) is not { Status: not "draft" } invoice) { return null; }
        var html = System.Text.Encodings.Web.HtmlEncoder.Default;
        var lines = string.Concat(invoice.Lines.Select(l => $"<tr><td>{html.Encode(l.Description)}</td><td>{html.Encode(Money(invoice.Currency, l.Amount))}</td></tr>"));
        return $"<!doctype html><html><head><meta charset=\"utf-8\"><title>Invoice {html.Encode(invoice.Number ?? invoice.Id)}</title></head><body>"
            + $"<h1>Invoice {html.Encode(invoice.Number ?? invoice.Id)}</h1><p>Status: <strong>{html.Encode(invoice.Status)}</strong></p>"
            + $"<table>{lines}</table><p>Amount due: {html.Encode(Money(invoice.Currency, invoice.AmountDue))}; paid: {html.Encode(Money(invoice.Currency, invoice.AmountPaid))}</p>"
            + "<p>DevHost Stripe stand-in (test mode).</p></body></html>";
    }

    // ---- Rendering ----

    private JsonObject RenderSubscription(Subscription s, IReadOnlySet<string> expand, string version)
    {
        var (start, end) = (PeriodStart(s), PeriodEnd(s));
        var itemExpand = expand.Contains("items.data.price.product");
        var json = new JsonObject
        {
            ["id"] = s.Id,
            ["object"] = "subscription",
            ["application"] = null,
            ["application_fee_percent"] = null,
            ["automatic_tax"] = new JsonObject { ["disabled_reason"] = null, ["enabled"] = false, ["liability"] = null },
            ["billing_cycle_anchor"] = s.Anchor,
            ["billing_cycle_anchor_config"] = null,
            ["billing_mode"] = new JsonObject { ["flexible"] = null, ["type"] = "classic" },
            ["billing_thresholds"] = null,
            ["cancel_at"] = s.CancelAtPeriodEnd ? end : null,
            ["cancel_at_period_end"] = s.CancelAtPeriodEnd,
            ["canceled_at"] = s.CanceledAt,
            ["cancellation_details"] = new JsonObject { ["comment"] = s.CancellationComment, ["feedback"] = s.CancellationFeedback, ["reason"] = s.CancellationReason },
            ["collection_method"] = "charge_automatically",
            ["created"] = s.Created,
            ["currency"] = s.Currency,
            ["customer"] = expand.Contains("customer") ? _customers[s.Customer].DeepClone() : s.Customer,
            ["days_until_due"] = null,
            ["default_payment_method"] = s.DefaultPaymentMethod is { } pm && expand.Contains("default_payment_method") ? RenderPaymentMethod(_paymentMethods[pm]) : s.DefaultPaymentMethod,
            ["default_source"] = null,
            ["default_tax_rates"] = new JsonArray(),
            ["description"] = s.Description,
            ["discounts"] = new JsonArray(),
            ["ended_at"] = s.EndedAt,
            ["invoice_settings"] = new JsonObject { ["account_tax_ids"] = null, ["issuer"] = new JsonObject { ["type"] = "self" } },
            ["items"] = new JsonObject
            {
                ["object"] = "list",
                ["data"] = new JsonArray([.. s.Items.Select(i => (JsonNode)new JsonObject
                {
                    ["id"] = i.Id,
                    ["object"] = "subscription_item",
                    ["billing_thresholds"] = null,
                    ["created"] = i.Created,
                    ["current_period_end"] = end,
                    ["current_period_start"] = start,
                    ["discounts"] = new JsonArray(),
                    ["metadata"] = new JsonObject(),
                    ["plan"] = RenderPlan(i.Price),
                    ["price"] = RenderPrice(i.Price, itemExpand ? new HashSet<string>(StringComparer.Ordinal) { "product" } : Empty),
                    ["quantity"] = i.Quantity,
                    ["subscription"] = s.Id,
                    ["tax_rates"] = new JsonArray(),
                })]),
                ["has_more"] = false,
                ["total_count"] = s.Items.Count,
                ["url"] = $"/v1/subscription_items?subscription={s.Id}",
            },
            // Expanding a field of latest_invoice expands latest_invoice itself ("Expanding responses": nested paths).
            ["latest_invoice"] = s.LatestInvoice is { } li && expand.Any(e => e == "latest_invoice" || e.StartsWith("latest_invoice.", StringComparison.Ordinal))
                ? RenderInvoice(_invoices[li], expand.Where(e => e.StartsWith("latest_invoice.", StringComparison.Ordinal)).Select(e => e["latest_invoice.".Length..]).ToHashSet(StringComparer.Ordinal), version)
                : s.LatestInvoice,
            ["livemode"] = false,
            ["metadata"] = Metadata(s.Metadata),
            ["next_pending_invoice_item_invoice"] = null,
            ["on_behalf_of"] = null,
            ["pause_collection"] = null,
            ["payment_settings"] = new JsonObject { ["payment_method_options"] = null, ["payment_method_types"] = null, ["save_default_payment_method"] = s.SaveDefaultPaymentMethod },
            ["pending_invoice_item_interval"] = null,
            ["pending_setup_intent"] = null,
            ["pending_update"] = null,
            ["schedule"] = null,
            ["start_date"] = s.Created,
            ["status"] = s.Status,
            ["test_clock"] = ClockOf(s.Customer)?.Id,
            ["transfer_data"] = null,
            ["trial_end"] = null,
            ["trial_settings"] = new JsonObject { ["end_behavior"] = new JsonObject { ["missing_payment_method"] = "create_invoice" } },
            ["trial_start"] = null,
        };
        if (StripeApiVersions.HasInvoiceField(version))
        {
            // Before 2025-03-31.basil the period lived on the subscription itself.
            json["current_period_end"] = end;
            json["current_period_start"] = start;
        }

        return json;
    }

    private JsonObject RenderInvoice(Invoice i, IReadOnlySet<string> expand, string version)
    {
        var customer = _customers.GetValueOrDefault(i.Customer);
        var intent = i.Intent is { } pi ? _intents[pi] : null;
        var json = new JsonObject
        {
            ["id"] = i.Id,
            ["object"] = "invoice",
            ["account_country"] = "US",
            ["account_name"] = "DevHost Stripe stand-in",
            ["account_tax_ids"] = null,
            ["amount_due"] = i.AmountDue,
            ["amount_overpaid"] = 0,
            ["amount_paid"] = i.AmountPaid,
            ["amount_remaining"] = i.Status is "void" ? 0 : i.AmountDue - i.AmountPaid,
            ["amount_shipping"] = 0,
            ["application"] = null,
            ["attempt_count"] = i.AttemptCount,
            ["attempted"] = i.Attempted,
            ["auto_advance"] = i.AutoAdvance && i.Status is "draft" or "open",
            ["automatic_tax"] = new JsonObject { ["disabled_reason"] = null, ["enabled"] = false, ["liability"] = null, ["provider"] = null, ["status"] = null },
            ["automatically_finalizes_at"] = i.Status == "draft" ? i.FinalizeAt : null,
            ["billing_reason"] = i.BillingReason,
            ["collection_method"] = "charge_automatically",
            ["created"] = i.Created,
            ["currency"] = i.Currency,
            ["custom_fields"] = null,
            ["customer"] = expand.Contains("customer") && customer is not null ? customer.DeepClone() : i.Customer,
            ["customer_address"] = null,
            ["customer_email"] = customer?["email"]?.DeepClone(),
            ["customer_name"] = customer?["name"]?.DeepClone(),
            ["customer_phone"] = customer?["phone"]?.DeepClone(),
            ["customer_shipping"] = null,
            ["customer_tax_exempt"] = "none",
            ["customer_tax_ids"] = new JsonArray(),
            ["default_payment_method"] = null,
            ["default_source"] = null,
            ["default_tax_rates"] = new JsonArray(),
            ["description"] = null,
            ["discounts"] = new JsonArray(),
            ["due_date"] = null,
            ["effective_at"] = i.FinalizedAt,
            ["ending_balance"] = i.EndingBalance,
            ["footer"] = null,
            ["from_invoice"] = null,
            ["hosted_invoice_url"] = i.Status == "draft" ? null : new Uri(baseUrl, $"/invoice/{i.Id}").ToString(),
            ["invoice_pdf"] = null,
            ["issuer"] = new JsonObject { ["type"] = "self" },
            ["last_finalization_error"] = null,
            ["latest_revision"] = null,
            ["lines"] = new JsonObject
            {
                ["object"] = "list",
                ["data"] = new JsonArray([.. i.Lines.Select(l => (JsonNode)RenderLine(i, l))]),
                ["has_more"] = false,
                ["total_count"] = i.Lines.Count,
                ["url"] = $"/v1/invoices/{i.Id}/lines",
            },
            ["livemode"] = false,
            ["metadata"] = new JsonObject(),
            ["next_payment_attempt"] = i.NextPaymentAttempt,
            ["number"] = i.Number,
            ["on_behalf_of"] = null,
            ["parent"] = i.Subscription is null ? null : new JsonObject
            {
                ["quote_details"] = null,
                ["subscription_details"] = new JsonObject { ["metadata"] = Metadata(i.SubscriptionMetadata), ["subscription"] = i.Subscription },
                ["type"] = "subscription_details",
            },
            ["payment_settings"] = new JsonObject { ["default_mandate"] = null, ["payment_method_options"] = null, ["payment_method_types"] = null },
            ["period_end"] = i.PeriodEnd,
            ["period_start"] = i.PeriodStart,
            ["post_payment_credit_notes_amount"] = 0,
            ["pre_payment_credit_notes_amount"] = 0,
            ["receipt_number"] = null,
            ["rendering"] = null,
            ["shipping_cost"] = null,
            ["shipping_details"] = null,
            ["starting_balance"] = i.StartingBalance,
            ["statement_descriptor"] = null,
            ["status"] = i.Status,
            ["status_transitions"] = new JsonObject { ["finalized_at"] = i.FinalizedAt, ["marked_uncollectible_at"] = i.UncollectibleAt, ["paid_at"] = i.PaidAt, ["voided_at"] = i.VoidedAt },
            ["subtotal"] = i.Total,
            ["subtotal_excluding_tax"] = i.Total,
            ["test_clock"] = i.TestClock,
            ["threshold_reason"] = null,
            ["total"] = i.Total,
            ["total_discount_amounts"] = new JsonArray(),
            ["total_excluding_tax"] = i.Total,
            ["total_pretax_credit_amounts"] = new JsonArray(),
            ["total_taxes"] = new JsonArray(),
            ["webhooks_delivered_at"] = i.Created,
        };
        if (expand.Contains("confirmation_secret"))
        {
            // Includable: present only when asked for; the PaymentIntent's client secret confirms the first payment client-side.
            json["confirmation_secret"] = intent is null ? null : new JsonObject { ["client_secret"] = intent.ClientSecret, ["type"] = "payment_intent" };
        }

        if (expand.Contains("payments"))
        {
            json["payments"] = new JsonObject
            {
                ["object"] = "list",
                ["data"] = intent is null ? new JsonArray() : new JsonArray(RenderInvoicePayment(i, intent)),
                ["has_more"] = false,
                ["url"] = $"/v1/invoice_payments?invoice={i.Id}",
            };
        }

        if (StripeApiVersions.HasInvoiceField(version))
        {
            // Before 2025-03-31.basil an invoice named its subscription, PaymentIntent and charge directly.
            json["subscription"] = i.Subscription;
            json["payment_intent"] = intent is not null && expand.Contains("payment_intent") ? RenderIntent(intent, Empty, version) : intent?.Id;
            json["charge"] = intent?.LatestCharge;
            json["paid"] = i.Status == "paid";
        }

        return json;
    }

    private static JsonObject RenderInvoicePayment(Invoice i, Intent intent) => new()
    {
        ["id"] = "inpay_" + intent.Id[3..],
        ["object"] = "invoice_payment",
        ["amount_paid"] = intent.Status == "succeeded" ? intent.Amount : null,
        ["amount_requested"] = intent.Amount,
        ["created"] = i.FinalizedAt,
        ["currency"] = intent.Currency,
        ["invoice"] = i.Id,
        ["is_default"] = true,
        ["livemode"] = false,
        ["payment"] = new JsonObject { ["payment_intent"] = intent.Id, ["type"] = "payment_intent" },
        ["status"] = intent.Status switch { "succeeded" => "paid", "canceled" => "canceled", _ => "open" },
        ["status_transitions"] = new JsonObject { ["canceled_at"] = intent.CanceledAt, ["paid_at"] = intent.Status == "succeeded" ? i.PaidAt : null },
    };

    private JsonObject RenderLine(Invoice invoice, InvoiceLine l) => new()
    {
        ["id"] = l.Id,
        ["object"] = "line_item",
        ["amount"] = l.Amount,
        ["currency"] = invoice.Currency,
        ["description"] = l.Description,
        ["discount_amounts"] = new JsonArray(),
        ["discountable"] = !l.Proration,
        ["discounts"] = new JsonArray(),
        ["invoice"] = invoice.Id,
        ["livemode"] = false,
        ["metadata"] = new JsonObject(),
        ["parent"] = new JsonObject
        {
            ["invoice_item_details"] = null,
            ["subscription_item_details"] = new JsonObject
            {
                ["invoice_item"] = null,
                ["proration"] = l.Proration,
                ["proration_details"] = new JsonObject { ["credited_items"] = null },
                ["subscription"] = invoice.Subscription,
                ["subscription_item"] = l.SubscriptionItem,
            },
            ["type"] = "subscription_item_details",
        },
        ["period"] = new JsonObject { ["end"] = l.End, ["start"] = l.Start },
        ["pretax_credit_amounts"] = new JsonArray(),
        ["pricing"] = new JsonObject
        {
            ["price_details"] = new JsonObject { ["price"] = l.Price.Id, ["product"] = l.Price.Product },
            ["type"] = "price_details",
            ["unit_amount_decimal"] = l.Price.UnitAmount.ToString(CultureInfo.InvariantCulture),
        },
        ["quantity"] = l.Quantity,
        ["subscription"] = invoice.Subscription,
        ["subtotal"] = l.Amount,
        ["taxes"] = new JsonArray(),
    };

    private static string Money(string currency, long amount) =>
        StripeCurrencies.Find(currency) is { } rule ? StripeCurrencies.Format(rule, amount) : amount.ToString(CultureInfo.InvariantCulture) + " " + currency;

    private sealed record InvoiceLine(string Id, long Amount, string Description, Price Price, long Quantity, string? SubscriptionItem, bool Proration, long Start, long End);

    /// <summary>The items after an update (an existing item, or null for a new one); <paramref name="NewCycle"/>: the interval changes.</summary>
    private sealed record PlanChange(List<(SubscriptionItem? Item, Price Price, long Quantity)> Items, bool NewCycle);

    private sealed class SubscriptionItem
    {
        public required string Id { get; init; }
        public required string Subscription { get; init; }
        public required Price Price { get; set; }
        public required long Quantity { get; set; }
        public required long Created { get; init; }
    }

    private sealed class Subscription
    {
        public required string Id { get; init; }
        public required string Customer { get; init; }
        public required string Currency { get; init; }
        public required string Interval { get; set; }
        public required long IntervalCount { get; set; }

        /// <summary>billing_cycle_anchor: periods are counted from it.</summary>
        public required long Anchor { get; set; }

        /// <summary>Which period since the anchor is the current one (0 = the first).</summary>
        public int Period { get; set; }
        public required long Created { get; init; }
        public List<SubscriptionItem> Items { get; } = [];
        public string Status { get; set; } = "incomplete";
        public string? DefaultPaymentMethod { get; set; }
        public string? Description { get; set; }
        public required Dictionary<string, string> Metadata { get; init; }
        public bool CancelAtPeriodEnd { get; set; }
        public long? CanceledAt { get; set; }
        public long? EndedAt { get; set; }
        public string? CancellationReason { get; set; }
        public string? CancellationComment { get; set; }
        public string? CancellationFeedback { get; set; }
        public required string SaveDefaultPaymentMethod { get; init; }
        public string? LatestInvoice { get; set; }

        /// <summary>create_prorations: proration lines waiting for the next invoice.</summary>
        public List<InvoiceLine> PendingProrations { get; } = [];
    }

    private sealed class Invoice
    {
        public required string Id { get; init; }
        public required string Customer { get; init; }
        public string? Subscription { get; init; }
        public required Dictionary<string, string> SubscriptionMetadata { get; init; }
        public required string BillingReason { get; init; }
        public required string Currency { get; init; }
        public required List<InvoiceLine> Lines { get; init; }
        public required long Created { get; init; }
        public required long PeriodStart { get; init; }
        public required long PeriodEnd { get; init; }
        public required long FinalizeAt { get; init; }
        public string? TestClock { get; init; }
        public string Status { get; set; } = "draft";
        public string? Number { get; set; }
        public long StartingBalance { get; set; }
        public long? EndingBalance { get; set; }
        public long AmountPaid { get; set; }
        public int AttemptCount { get; set; }
        public bool Attempted { get; set; }

        /// <summary>Automatic attempts made so far (the first and the retries); the retry schedule counts these.</summary>
        public int ScheduledAttempts { get; set; }
        public long? FirstAttemptAt { get; set; }
        public long? NextPaymentAttempt { get; set; }
        public long? FinalizedAt { get; set; }
        public long? PaidAt { get; set; }
        public long? VoidedAt { get; set; }
        public long? UncollectibleAt { get; set; }
        public string? Intent { get; set; }

        /// <summary>Stripe finalizes and collects it by itself; off once its subscription ended.</summary>
        public bool AutoAdvance { get; set; } = true;
        public long Total => Lines.Sum(l => l.Amount);

        /// <summary>What is charged: the total less the customer's credit, never below zero (a draft shows the total).</summary>
        public long AmountDue => Status == "draft" ? Math.Max(0, Total) : Math.Max(0, Total + StartingBalance);
    }
}
