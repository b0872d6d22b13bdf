using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;

namespace DaprPlatform.Payments.Tests;

/// <summary>
/// Stripe Billing as payments uses it, in Stripe's shapes for the API version Stripe.net pins: Products (our own ids),
/// Prices (lookup keys, transfer_lookup_key), test clocks, PaymentMethod attach with the test methods, and Subscriptions
/// (create with allow_incomplete, update, cancel). Periods live on the subscription's items, as in that version.
/// pm_card_chargeDeclined* fail at attach (as at Stripe); pm_card_chargeCustomerFail attaches and its first invoice fails.
/// </summary>
public sealed partial class FakeStripe
{
    private readonly ConcurrentDictionary<string, JsonObject> _products = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, JsonObject> _prices = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, JsonObject> _subscriptions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, JsonObject> _clocks = new(StringComparer.Ordinal);

    /// <summary>Attached PaymentMethod id → the test method it was made from (as at Stripe, each attach makes a new pm_…).</summary>
    private readonly ConcurrentDictionary<string, string> _attached = new(StringComparer.Ordinal);

    public IReadOnlyCollection<JsonObject> Prices => [.. _prices.Values.Select(p => (JsonObject)p.DeepClone())];

    public int ProductCount => _products.Count;

    public int ClockCount => _clocks.Count;

    public JsonObject Subscription(string id)
    {
        lock (_gate)
        {
            return (JsonObject)_subscriptions[id].DeepClone();
        }
    }

    public JsonObject Customer(string id)
    {
        lock (_gate)
        {
            return (JsonObject)_customers[id].DeepClone();
        }
    }

    /// <summary>Changes a subscription as Stripe would on its own (a renewal failing, a period ending) and answers its new JSON.</summary>
    public JsonObject SetSubscription(string id, string status, long? periodEnd = null)
    {
        lock (_gate)
        {
            var subscription = _subscriptions[id];
            subscription["status"] = status;
            if (periodEnd is { } end)
            {
                Item(subscription)["current_period_end"] = end;
            }

            return (JsonObject)subscription.DeepClone();
        }
    }

    private (int, string)? RouteBilling(StripeCall call, string[] parts) => (call.Method, parts) switch
    {
        ("POST", ["v1", "products"]) => CreateProduct(call.Form),
        ("GET", ["v1", "products", var id]) => _products.TryGetValue(id, out var product) ? (200, product.ToJsonString()) : Missing("product", id),
        ("GET", ["v1", "prices"]) => ListPrices(call.Form),
        ("POST", ["v1", "prices"]) => CreatePrice(call.Form),
        ("POST", ["v1", "test_helpers", "test_clocks"]) => CreateClock(call.Form),
        ("POST", ["v1", "payment_methods", var pm, "attach"]) => Attach(pm, call.Form),
        ("POST", ["v1", "subscriptions"]) => CreateSubscription(call.Form),
        ("GET", ["v1", "subscriptions", var id]) => _subscriptions.TryGetValue(id, out var sub) ? (200, sub.ToJsonString()) : Missing("subscription", id),
        ("POST", ["v1", "subscriptions", var id]) => UpdateSubscription(id, call.Form),
        ("DELETE", ["v1", "subscriptions", var id]) => CancelSubscription(id),
        _ => null,
    };

    private (int, string) CreateProduct(IReadOnlyDictionary<string, string> form)
    {
        var id = form.GetValueOrDefault("id") ?? "prod_" + Guid.NewGuid().ToString("N")[..14];
        if (_products.ContainsKey(id))
        {
            return (400, ErrorBody("invalid_request_error", "resource_already_exists", $"Product already exists: {id}", null, "id", null));
        }

        var product = new JsonObject { ["id"] = id, ["object"] = "product", ["name"] = form.GetValueOrDefault("name"), ["active"] = true, ["metadata"] = Metadata(form, "metadata"), ["created"] = Now(), ["livemode"] = false };
        _products[id] = product;
        return (200, product.ToJsonString());
    }

    private (int, string) ListPrices(IReadOnlyDictionary<string, string> form)
    {
        var keys = form.Where(f => f.Key.StartsWith("lookup_keys[", StringComparison.Ordinal)).Select(f => f.Value).ToHashSet(StringComparer.Ordinal);
        var data = new JsonArray([.. _prices.Values.Where(p => keys.Count == 0 || keys.Contains(p["lookup_key"]?.GetValue<string>() ?? string.Empty)).Select(p => (JsonNode)p.DeepClone())]);
        return (200, new JsonObject { ["object"] = "list", ["data"] = data, ["has_more"] = false, ["url"] = "/v1/prices" }.ToJsonString());
    }

    private (int, string) CreatePrice(IReadOnlyDictionary<string, string> form)
    {
        if (!form.TryGetValue("product", out var product) || !_products.ContainsKey(product))
        {
            return Missing("product", product ?? "(none)");
        }

        var key = form.GetValueOrDefault("lookup_key");
        var holder = key is null ? null : _prices.Values.FirstOrDefault(p => p["lookup_key"]?.GetValue<string>() == key);
        if (holder is not null)
        {
            if (form.GetValueOrDefault("transfer_lookup_key") != "true")
            {
                return (400, ErrorBody("invalid_request_error", "lookup_key_already_exists", $"A price with the lookup key {key} exists already.", null, "lookup_key", null));
            }

            holder["lookup_key"] = null;
        }

        var id = "price_" + Guid.NewGuid().ToString("N")[..14];
        var price = new JsonObject
        {
            ["id"] = id,
            ["object"] = "price",
            ["active"] = true,
            ["currency"] = form["currency"],
            ["unit_amount"] = long.Parse(form["unit_amount"], CultureInfo.InvariantCulture),
            ["recurring"] = new JsonObject { ["interval"] = form.GetValueOrDefault("recurring[interval]"), ["interval_count"] = 1, ["usage_type"] = "licensed" },
            ["type"] = "recurring",
            ["lookup_key"] = key,
            ["product"] = product,
            ["metadata"] = Metadata(form, "metadata"),
            ["created"] = Now(),
            ["livemode"] = false,
        };
        _prices[id] = price;
        return (200, price.ToJsonString());
    }

    private (int, string) CreateClock(IReadOnlyDictionary<string, string> form)
    {
        var id = "clock_" + Guid.NewGuid().ToString("N")[..14];
        var clock = new JsonObject
        {
            ["id"] = id,
            ["object"] = "test_helpers.test_clock",
            ["frozen_time"] = long.Parse(form["frozen_time"], CultureInfo.InvariantCulture),
            ["name"] = form.GetValueOrDefault("name"),
            ["status"] = "ready",
            ["created"] = Now(),
            ["livemode"] = false,
        };
        _clocks[id] = clock;
        return (200, clock.ToJsonString());
    }

    private (int, string) Attach(string pm, IReadOnlyDictionary<string, string> form)
    {
        if (!form.TryGetValue("customer", out var customer) || !_customers.ContainsKey(customer))
        {
            return Missing("customer", customer ?? "(none)");
        }

        return pm switch
        {
            "pm_card_visa" or "pm_card_mastercard" or "pm_card_chargeCustomerFail" => (200, NewPaymentMethod(pm, customer)),
            "pm_card_chargeDeclined" => (402, ErrorBody("card_error", "card_declined", "Your card was declined.", "generic_decline", null, null)),
            "pm_card_chargeDeclinedInsufficientFunds" => (402, ErrorBody("card_error", "card_declined", "Your card has insufficient funds.", "insufficient_funds", null, null)),
            _ => (400, ErrorBody("invalid_request_error", "resource_missing", $"No such PaymentMethod: '{pm}'", null, "payment_method", null)),
        };
    }

    private string NewPaymentMethod(string testMethod, string customer)
    {
        var id = "pm_" + Guid.NewGuid().ToString("N")[..24];
        _attached[id] = testMethod;
        return new JsonObject { ["id"] = id, ["object"] = "payment_method", ["type"] = "card", ["customer"] = customer, ["created"] = Now(), ["livemode"] = false }.ToJsonString();
    }

    private (int, string) CreateSubscription(IReadOnlyDictionary<string, string> form)
    {
        if (!form.TryGetValue("customer", out var customer) || !_customers.ContainsKey(customer))
        {
            return Missing("customer", customer ?? "(none)");
        }

        if (!form.TryGetValue("items[0][price]", out var priceId) || !_prices.TryGetValue(priceId, out var price))
        {
            return (400, ErrorBody("invalid_request_error", "resource_missing", $"No such price: '{priceId}'", null, "items[0][price]", null));
        }

        if (form.GetValueOrDefault("default_payment_method") is not { } method || !_attached.TryGetValue(method, out var card))
        {
            return (400, ErrorBody("invalid_request_error", "resource_missing", "The customer does not have a payment method with that ID.", null, "default_payment_method", null));
        }

        var id = "sub_" + Guid.NewGuid().ToString("N")[..14];
        var fails = card == "pm_card_chargeCustomerFail";
        var invoiceId = "in_" + Guid.NewGuid().ToString("N")[..14];
        var subscription = new JsonObject
        {
            ["id"] = id,
            ["object"] = "subscription",
            ["customer"] = customer,
            ["status"] = fails ? "incomplete" : "active",
            ["cancel_at_period_end"] = false,
            ["currency"] = price["currency"]!.GetValue<string>(),
            ["default_payment_method"] = form.GetValueOrDefault("default_payment_method"),
            ["metadata"] = Metadata(form, "metadata"),
            ["items"] = new JsonObject
            {
                ["object"] = "list",
                ["data"] = new JsonArray(new JsonObject
                {
                    ["id"] = "si_" + Guid.NewGuid().ToString("N")[..14],
                    ["object"] = "subscription_item",
                    ["price"] = price.DeepClone(),
                    ["quantity"] = 1,
                    ["subscription"] = id,
                    ["created"] = Now(),
                    ["current_period_start"] = Now(),
                    ["current_period_end"] = DateTimeOffset.UtcNow.AddMonths(1).ToUnixTimeSeconds(),
                }),
                ["has_more"] = false,
                ["url"] = $"/v1/subscription_items?subscription={id}",
            },
            ["latest_invoice"] = invoiceId,
            ["test_clock"] = _customers[customer]["test_clock"]?.GetValue<string>(),
            ["created"] = Now(),
            ["livemode"] = false,
        };
        _subscriptions[id] = subscription;
        var answer = (JsonObject)subscription.DeepClone();
        if (form.Values.Contains("latest_invoice.payments") || form.Values.Contains("latest_invoice"))
        {
            answer["latest_invoice"] = Invoice(invoiceId, id, customer, fails ? FailedIntent(price, customer) : null, price);
        }

        return (200, answer.ToJsonString());
    }

    private JsonObject Invoice(string invoiceId, string subscriptionId, string customer, string? failedIntentId, JsonObject price)
    {
        var payments = new JsonArray();
        if (failedIntentId is not null)
        {
            payments.Add(new JsonObject
            {
                ["id"] = "inpay_" + Guid.NewGuid().ToString("N")[..14],
                ["object"] = "invoice_payment",
                ["invoice"] = invoiceId,
                ["status"] = "open",
                ["is_default"] = true,
                ["payment"] = new JsonObject { ["type"] = "payment_intent", ["payment_intent"] = failedIntentId },
                ["created"] = Now(),
                ["livemode"] = false,
            });
        }

        return new JsonObject
        {
            ["id"] = invoiceId,
            ["object"] = "invoice",
            ["customer"] = customer,
            ["status"] = failedIntentId is null ? "paid" : "open",
            ["billing_reason"] = "subscription_create",
            ["amount_due"] = price["unit_amount"]!.GetValue<long>(),
            ["currency"] = price["currency"]!.GetValue<string>(),
            ["parent"] = new JsonObject { ["type"] = "subscription_details", ["subscription_details"] = new JsonObject { ["subscription"] = subscriptionId, ["metadata"] = new JsonObject() } },
            ["payments"] = new JsonObject { ["object"] = "list", ["data"] = payments, ["has_more"] = false, ["url"] = $"/v1/invoice_payments?invoice={invoiceId}" },
            ["created"] = Now(),
            ["livemode"] = false,
        };
    }

    /// <summary>The first invoice's PaymentIntent, declined the way pm_card_chargeCustomerFail declines.</summary>
    private string FailedIntent(JsonObject price, string customer)
    {
        var id = "pi_" + Guid.NewGuid().ToString("N")[..24];
        _intents[id] = new JsonObject
        {
            ["id"] = id,
            ["object"] = "payment_intent",
            ["amount"] = price["unit_amount"]!.GetValue<long>(),
            ["amount_received"] = 0L,
            ["currency"] = price["currency"]!.GetValue<string>(),
            ["status"] = "requires_payment_method",
            ["customer"] = customer,
            ["metadata"] = new JsonObject(),
            ["last_payment_error"] = new JsonObject { ["type"] = "card_error", ["code"] = "card_declined", ["decline_code"] = "generic_decline", ["message"] = "Your card was declined." },
            ["created"] = Now(),
            ["livemode"] = false,
            ["amount_refunded_total"] = 0L,
        };
        return id;
    }

    private (int, string) UpdateSubscription(string id, IReadOnlyDictionary<string, string> form)
    {
        if (!_subscriptions.TryGetValue(id, out var subscription))
        {
            return Missing("subscription", id);
        }

        if (subscription["status"]!.GetValue<string>() == "canceled")
        {
            return (400, ErrorBody("invalid_request_error", null, "A canceled subscription can only update its cancellation_details and metadata.", null, null, null));
        }

        if (form.TryGetValue("cancel_at_period_end", out var cancel))
        {
            subscription["cancel_at_period_end"] = cancel == "true";
        }

        if (form.TryGetValue("items[0][price]", out var priceId))
        {
            if (!_prices.TryGetValue(priceId, out var price))
            {
                return (400, ErrorBody("invalid_request_error", "resource_missing", $"No such price: '{priceId}'", null, "items[0][price]", null));
            }

            if (form.GetValueOrDefault("items[0][id]") != Item(subscription)["id"]!.GetValue<string>())
            {
                return (400, ErrorBody("invalid_request_error", "resource_missing", "No such subscription item.", null, "items[0][id]", null));
            }

            Item(subscription)["price"] = price.DeepClone();
        }

        foreach (var (key, value) in Metadata(form, "metadata"))
        {
            ((JsonObject)subscription["metadata"]!)[key] = value?.DeepClone();
        }

        return (200, subscription.ToJsonString());
    }

    private (int, string) CancelSubscription(string id)
    {
        if (!_subscriptions.TryGetValue(id, out var subscription))
        {
            return Missing("subscription", id);
        }

        subscription["status"] = "canceled";
        subscription["canceled_at"] = Now();
        return (200, subscription.ToJsonString());
    }

    private static JsonObject Item(JsonObject subscription) => (JsonObject)subscription["items"]!["data"]![0]!;

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();
}
