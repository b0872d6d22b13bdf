using System.Globalization;
using System.Text.Json.Nodes;

namespace DaprPlatform.DevHost.Stripe;

/// <summary>
/// What Billing is built on (API reference: "Products", "Prices", "Test clocks", "PaymentMethods" attach/detach,
/// "Update a customer"): the catalogue a subscription's items point at, saved cards on customers, and the test clocks
/// whose customers live in simulated time. Subscriptions and invoices are in StripeLedger.Billing.cs.
/// </summary>
internal sealed partial class StripeLedger
{
    /// <summary>Stripe deletes a test clock and its objects 30 days after it was created.</summary>
    private static readonly TimeSpan ClockLifetime = TimeSpan.FromDays(30);

    private static readonly string[] Intervals = ["day", "week", "month", "year"];

    private readonly OrderedDictionary<string, Product> _products = new(StringComparer.Ordinal);
    private readonly OrderedDictionary<string, Price> _prices = new(StringComparer.Ordinal);
    private readonly OrderedDictionary<string, TestClock> _clocks = new(StringComparer.Ordinal);

    // ---- Products ----

    public JsonObject CreateProduct(StripeParameters p, StripeRequestInfo request)
    {
        p.OnlyAllow("id", "name", "active", "description", "metadata", "default_price_data", "expand");
        var expand = p.Expand("default_price");
        var name = p.RequiredString("name");
        var id = p.String("id") ?? NewId("prod");
        var priceData = p.MixedHash("default_price_data", ["currency", "unit_amount"], new Dictionary<string, string[]> { ["recurring"] = ["interval", "interval_count"] });
        var terms = priceData is { } data
            ? PriceTerms(data.Scalars.GetValueOrDefault("currency"), data.Scalars.GetValueOrDefault("unit_amount"), data.Hashes.GetValueOrDefault("recurring"), field => "default_price_data[" + (field.Contains('[', StringComparison.Ordinal) ? field.Replace("[", "][", StringComparison.Ordinal) : field + "]"))
            : default((string Currency, long UnitAmount, string? Interval, long IntervalCount)?);
        if (_products.ContainsKey(id)) { throw new StripeError(400, "invalid_request_error", "Product already exists.", "resource_already_exists", "id"); }
        var product = new Product
        {
            Id = id,
            Name = name,
            Active = p.Boolean("active") ?? true,
            Description = p.String("description"),
            Metadata = NewMetadata(p),
            Created = Now,
            Updated = Now,
        };
        _products[id] = product;
        webhooks.Publish("product.created", RenderProduct(product, Empty), id, request);
        if (terms is { } t)
        {
            // "default_price_data": the price is made with the product and becomes its default_price.
            var price = new Price
            {
                Id = NewId("price"), Product = id, Currency = t.Currency, UnitAmount = t.UnitAmount, Interval = t.Interval, IntervalCount = t.IntervalCount,
                Metadata = new(StringComparer.Ordinal), Active = true, Created = Now,
            };
            _prices[price.Id] = price;
            product.DefaultPrice = price.Id;
            webhooks.Publish("price.created", RenderPrice(price, Empty), id, request);
        }

        return RenderProduct(product, expand);
    }

    public JsonObject RetrieveProduct(string id, StripeParameters p)
    {
        p.OnlyAllow("expand");
        var expand = p.Expand("default_price");
        return RenderProduct(FindProduct(id, "id", 404), expand);
    }

    public JsonObject UpdateProduct(string id, StripeParameters p, StripeRequestInfo request)
    {
        p.OnlyAllow("name", "active", "description", "metadata", "default_price", "expand");
        var expand = p.Expand("default_price");
        var product = FindProduct(id, "id", 404);
        var defaultPrice = p.String("default_price") is { } priceId
            ? _prices.GetValueOrDefault(priceId) is { } price && price.Product == id && price.Active
                ? priceId
                : throw StripeError.InvalidParameter("default_price", $"The price {priceId} does not exist, is inactive or belongs to another product; a default_price must be an active price of this product.", "resource_missing")
            : null;
        var before = RenderProduct(product, Empty);
        if (p.Has("default_price")) { product.DefaultPrice = defaultPrice; }
        if (p.Has("name")) { product.Name = p.RequiredString("name"); }
        product.Active = p.Boolean("active") ?? product.Active;
        if (p.Has("description")) { product.Description = p.String("description"); }
        UpdateMetadata(product.Metadata, p);
        product.Updated = Now;
        var after = RenderProduct(product, Empty);
        webhooks.Publish("product.updated", after, id, request, Changed(before, after));
        return RenderProduct(product, expand);
    }

    /// <summary>"List all products": newest first, filtered by <c>active</c> and <c>ids[]</c>.</summary>
    public JsonObject ListProducts(StripeParameters p)
    {
        p.OnlyAllow("active", "ids", "limit", "starting_after", "ending_before", "expand");
        p.Expand();
        var active = p.Boolean("active");
        var ids = p.StringList("ids");
        var matching = _products.Values.Reverse().Where(x => (active is null || x.Active == active) && (ids is null || ids.Contains(x.Id))).ToList();
        return Page(p, matching, x => x.Id, x => RenderProduct(x, Empty), "product", "/v1/products");
    }

    private Product FindProduct(string id, string param, int status) => _products.GetValueOrDefault(id) ?? throw StripeError.NoSuch("product", id, param, status);

    // ---- Prices ----

    public JsonObject CreatePrice(StripeParameters p, StripeRequestInfo request)
    {
        p.OnlyAllow("product", "product_data", "unit_amount", "currency", "recurring", "lookup_key", "transfer_lookup_key", "nickname", "metadata", "active", "expand");
        var expand = p.Expand("product");
        var terms = PriceTerms(p.String("currency"), p.Has("unit_amount") ? p.String("unit_amount") : null, p.Hash("recurring", "interval", "interval_count", "usage_type"), name => name);
        var productData = p.Hash("product_data", "name", "active");
        var productId = p.String("product");
        if ((productId is null) == (productData is null))
        {
            throw productId is null
                ? new StripeError(400, "invalid_request_error", "One of the following params should be provided for this request: product or product_data.", "parameter_missing", validation: true)
                : StripeError.InvalidParameter("product_data", "You may only specify one of these parameters: product, product_data.", "parameters_exclusive");
        }

        var product = productId is not null ? FindProduct(productId, "product", 400) : null;
        var lookupKey = p.String("lookup_key");
        var transfer = p.Boolean("transfer_lookup_key") ?? false;
        var holder = lookupKey is null ? null : _prices.Values.FirstOrDefault(x => x.LookupKey == lookupKey);
        if (holder is not null && !transfer)
        {
            throw StripeError.InvalidParameter("lookup_key", $"A price (`{holder.Id}`) already uses that lookup key.");
        }

        var metadata = NewMetadata(p);
        if (product is null)
        {
            var name = productData!.GetValueOrDefault("name") is { Length: > 0 } n ? n : throw StripeError.MissingParameter("product_data[name]");
            product = new Product { Id = NewId("prod"), Name = name, Active = true, Metadata = new(StringComparer.Ordinal), Created = Now, Updated = Now };
            _products[product.Id] = product;
            webhooks.Publish("product.created", RenderProduct(product, Empty), product.Id, request);
        }

        var price = new Price
        {
            Id = NewId("price"),
            Product = product.Id,
            Currency = terms.Currency,
            UnitAmount = terms.UnitAmount,
            Interval = terms.Interval,
            IntervalCount = terms.IntervalCount,
            LookupKey = lookupKey,
            Nickname = p.String("nickname"),
            Metadata = metadata,
            Active = p.Boolean("active") ?? true,
            Created = Now,
        };
        if (holder is not null) { MoveLookupKey(holder, request); }
        _prices[price.Id] = price;
        webhooks.Publish("price.created", RenderPrice(price, Empty), product.Id, request);
        return RenderPrice(price, expand);
    }

    /// <summary>
    /// What a price charges — currency, unit_amount, recurring — checked as Stripe checks them, each parameter named
    /// through <paramref name="param"/> (<c>unit_amount</c>, or <c>default_price_data[unit_amount]</c> on a product).
    /// </summary>
    private static (string Currency, long UnitAmount, string? Interval, long IntervalCount) PriceTerms(
        string? currencyCode, string? amountText, IReadOnlyDictionary<string, string>? recurring, Func<string, string> param)
    {
        if (currencyCode is null) { throw StripeError.MissingParameter(param("currency")); }
        var currency = StripeCurrencies.Find(currencyCode)
            ?? throw StripeError.InvalidParameter(param("currency"), $"Invalid currency: {currencyCode}. Stripe currently supports these currencies: {string.Join(", ", StripeCurrencies.Codes)}");
        if (amountText is null)
        {
            throw new StripeError(400, "invalid_request_error",
                $"Missing required param: {param("unit_amount")}. The DevHost stand-in serves per-unit prices (custom_unit_amount and tiers are not served).", "parameter_missing", param("unit_amount"), validation: true);
        }

        if (!long.TryParse(amountText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var amount) || amount < 0)
        {
            throw StripeError.InvalidParameter(param("unit_amount"), $"Invalid integer: {amountText}; a unit_amount is at least 0.", "parameter_invalid_integer");
        }

        if (amount > StripeCurrencies.MaxAmount) { throw StripeError.InvalidParameter(param("unit_amount"), $"unit_amount must be no more than {StripeCurrencies.MaxAmount}.", "amount_too_large"); }
        if (recurring is null) { return (currency.Code, amount, null, 1); }
        var interval = recurring.GetValueOrDefault("interval") is { Length: > 0 } i ? i : throw StripeError.MissingParameter(param("recurring[interval]"));
        if (!Intervals.Contains(interval, StringComparer.Ordinal))
        {
            throw StripeError.InvalidParameter(param("recurring[interval]"), $"Invalid recurring[interval]: must be one of {string.Join(", ", Intervals)}");
        }

        var intervalCount = 1L;
        if (recurring.GetValueOrDefault("interval_count") is { } countText)
        {
            intervalCount = long.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count >= 1
                ? count
                : throw StripeError.InvalidParameter(param("recurring[interval_count]"), $"Invalid integer: {countText}", "parameter_invalid_integer");
        }

        // "The maximum of one year interval allowed (1 year, 12 months, or 52 weeks)."
        var days = interval switch { "day" => 1, "week" => 7, "month" => 31, _ => 366 } * intervalCount;
        if (days > 366) { throw StripeError.InvalidParameter(param("recurring[interval_count]"), "Invalid recurring[interval_count]: the maximum is one year (1 year, 12 months, 52 weeks or 365 days)."); }
        if (recurring.GetValueOrDefault("usage_type") is { } usage && usage != "licensed")
        {
            throw StripeError.InvalidParameter(param("recurring[usage_type]"), "recurring[usage_type]=metered (usage-based billing) is not served by the DevHost Stripe stand-in.");
        }

        return (currency.Code, amount, interval, intervalCount);
    }

    public JsonObject RetrievePrice(string id, StripeParameters p)
    {
        p.OnlyAllow("expand");
        var expand = p.Expand("product");
        return RenderPrice(_prices.GetValueOrDefault(id) ?? throw StripeError.NoSuch("price", id, "price"), expand);
    }

    public JsonObject UpdatePrice(string id, StripeParameters p, StripeRequestInfo request)
    {
        p.OnlyAllow("active", "lookup_key", "transfer_lookup_key", "nickname", "metadata", "expand");
        var expand = p.Expand("product");
        var price = _prices.GetValueOrDefault(id) ?? throw StripeError.NoSuch("price", id, "price");
        var before = RenderPrice(price, Empty);
        if (p.Has("lookup_key"))
        {
            var lookupKey = p.String("lookup_key");
            var holder = lookupKey is null ? null : _prices.Values.FirstOrDefault(x => x.LookupKey == lookupKey && x != price);
            if (holder is not null)
            {
                if (p.Boolean("transfer_lookup_key") != true) { throw StripeError.InvalidParameter("lookup_key", $"A price (`{holder.Id}`) already uses that lookup key."); }
                MoveLookupKey(holder, request);
            }

            price.LookupKey = lookupKey;
        }

        price.Active = p.Boolean("active") ?? price.Active;
        if (p.Has("nickname")) { price.Nickname = p.String("nickname"); }
        UpdateMetadata(price.Metadata, p);
        var after = RenderPrice(price, Empty);
        webhooks.Publish("price.updated", after, price.Product, request, Changed(before, after));
        return RenderPrice(price, expand);
    }

    /// <summary>"List all prices": newest first, filtered by <c>active</c>, <c>product</c>, <c>type</c>, <c>currency</c> and <c>lookup_keys[]</c>.</summary>
    public JsonObject ListPrices(StripeParameters p)
    {
        p.OnlyAllow("active", "product", "type", "currency", "lookup_keys", "limit", "starting_after", "ending_before", "expand");
        var expand = p.Expand("data.product");
        var active = p.Boolean("active");
        var product = p.String("product");
        var type = p.OneOf("type", "one_time", "recurring");
        var currency = p.String("currency");
        var lookupKeys = p.StringList("lookup_keys");
        if (lookupKeys is { Count: > 10 }) { throw StripeError.InvalidParameter("lookup_keys", "Invalid array: lookup_keys can have at most 10 entries."); }
        var itemExpand = expand.Contains("data.product") ? new HashSet<string>(StringComparer.Ordinal) { "product" } : Empty;
        var matching = _prices.Values.Reverse().Where(x =>
            (active is null || x.Active == active) && (product is null || x.Product == product) && (type is null || x.Type == type)
            && (currency is null || x.Currency == currency) && (lookupKeys is null || (x.LookupKey is { } k && lookupKeys.Contains(k)))).ToList();
        return Page(p, matching, x => x.Id, x => RenderPrice(x, itemExpand), "price", "/v1/prices");
    }

    /// <summary><c>transfer_lookup_key=true</c>: the key leaves the price that held it.</summary>
    private void MoveLookupKey(Price holder, StripeRequestInfo request)
    {
        var before = RenderPrice(holder, Empty);
        holder.LookupKey = null;
        var after = RenderPrice(holder, Empty);
        webhooks.Publish("price.updated", after, holder.Product, request, Changed(before, after));
    }

    // ---- PaymentMethods on customers ----

    public JsonObject AttachPaymentMethod(string id, StripeParameters p, StripeRequestInfo request)
    {
        p.OnlyAllow("customer", "expand");
        p.Expand();
        var customerId = p.RequiredString("customer");
        var method = ResolvePaymentMethod(id, "payment_method");
        if (!_customers.ContainsKey(customerId)) { throw StripeError.NoSuch("customer", customerId, "customer", 400); }
        if (method.Customer == customerId) { return RenderPaymentMethod(method); }
        CheckAttachable(method, "payment_method");
        Attach(method, customerId, request);
        return RenderPaymentMethod(method);
    }

    public JsonObject DetachPaymentMethod(string id, StripeParameters p, StripeRequestInfo request)
    {
        p.OnlyAllow("expand");
        p.Expand();
        var method = _paymentMethods.GetValueOrDefault(id) ?? throw StripeError.NoSuch("PaymentMethod", id, "payment_method");
        var customerId = method.Customer ?? throw new StripeError(400, "invalid_request_error", "The payment method you provided is not attached to a customer so detachment is impossible.", param: "payment_method");
        var before = RenderPaymentMethod(method);
        method.Customer = null;
        var customer = _customers[customerId];
        if (customer["invoice_settings"]!["default_payment_method"]?.GetValue<string>() == id) { customer["invoice_settings"]!["default_payment_method"] = null; }
        var after = RenderPaymentMethod(method);
        webhooks.Publish("payment_method.detached", after, BillingStream(customerId), request, Changed(before, after));
        return after;
    }

    public JsonObject RetrievePaymentMethod(string id, StripeParameters p)
    {
        p.OnlyAllow("expand");
        p.Expand();
        return RenderPaymentMethod(_paymentMethods.GetValueOrDefault(id) ?? throw StripeError.NoSuch("PaymentMethod", id, "payment_method"));
    }

    /// <summary>
    /// "List PaymentMethods" (<c>GET /v1/payment_methods?customer=</c>) and "List a Customer's PaymentMethods"
    /// (<c>GET /v1/customers/{id}/payment_methods</c>): the customer's attached ones, newest first.
    /// </summary>
    public JsonObject ListPaymentMethods(string? customerInPath, StripeParameters p)
    {
        p.OnlyAllow(customerInPath is null ? ["customer", "type", "limit", "starting_after", "ending_before", "expand"] : ["type", "limit", "starting_after", "ending_before", "expand"]);
        p.Expand();
        var customerId = customerInPath ?? p.String("customer");
        if (customerId is not null && !_customers.ContainsKey(customerId)) { throw StripeError.NoSuch("customer", customerId, "customer", customerInPath is null ? 400 : 404); }
        var type = p.String("type");
        var matching = _paymentMethods.Values.Reverse().Where(m => m.Customer is not null && (customerId is null || m.Customer == customerId) && type is null or "card").ToList();
        return Page(p, matching, m => m.Id, m => RenderPaymentMethod(m), "payment_method", customerInPath is null ? "/v1/payment_methods" : $"/v1/customers/{customerInPath}/payment_methods");
    }

    /// <summary>Stripe checks a card as it is attached: the decline cards fail here (402, as a charge would), pm_card_chargeCustomerFail does not.</summary>
    private static void CheckAttachable(PaymentMethod method, string param)
    {
        if (method.Customer is not null)
        {
            throw new StripeError(400, "invalid_request_error", "The payment method you provided has already been attached to a customer.", param: param);
        }

        if (!method.Card.AttachSucceeds && method.Card.Decline is { } decline)
        {
            throw new StripeError(402, "card_error", decline.Message, decline.Code, param) { DeclineCode = decline.DeclineCode };
        }
    }

    private void Attach(PaymentMethod method, string customerId, StripeRequestInfo request)
    {
        method.Customer = customerId;
        webhooks.Publish("payment_method.attached", RenderPaymentMethod(method), BillingStream(customerId), request);
    }

    /// <summary>A PaymentMethod attached to <paramref name="customerId"/>, or Stripe's 400 naming <paramref name="param"/>.</summary>
    private PaymentMethod AttachedMethod(string id, string customerId, string param)
    {
        var method = _paymentMethods.GetValueOrDefault(id) ?? throw StripeError.NoSuch("PaymentMethod", id, param, 400);
        return method.Customer == customerId
            ? method
            : throw new StripeError(400, "invalid_request_error",
                $"The customer does not have a payment method with the ID {id}. The payment method must be attached to the customer.", "resource_missing", param);
    }

    // ---- Customers: update and list ----

    public JsonObject UpdateCustomer(string id, StripeParameters p, StripeRequestInfo request)
    {
        p.OnlyAllow("email", "name", "description", "phone", "metadata", "invoice_settings", "expand");
        p.Expand();
        var customer = _customers.GetValueOrDefault(id) ?? throw StripeError.NoSuch("customer", id, "customer");
        var settings = p.Hash("invoice_settings", "default_payment_method");
        var email = p.String("email");
        if (email is not null && (email.Length > 512 || email.IndexOf('@', StringComparison.Ordinal) is <= 0 || email.EndsWith('@')))
        {
            throw StripeError.InvalidParameter("email", $"Invalid email address: {email}", "email_invalid");
        }

        var defaultMethod = settings?.GetValueOrDefault("default_payment_method") is { Length: > 0 } d
            ? AttachedMethod(d, id, "invoice_settings[default_payment_method]").Id
            : null;
        var before = (JsonObject)customer.DeepClone();
        foreach (var field in new[] { "email", "name", "description", "phone" })
        {
            if (p.Has(field)) { customer[field] = p.String(field); }
        }

        if (settings is not null && settings.ContainsKey("default_payment_method")) { customer["invoice_settings"]!["default_payment_method"] = defaultMethod; }
        if (p.Metadata() is { } metadata)
        {
            var values = (JsonObject)customer["metadata"]!;
            if (metadata.ClearAll) { values.Clear(); }
            foreach (var (key, value) in metadata.Set)
            {
                if (value.Length == 0) { values.Remove(key); } else { values[key] = value; }
            }
        }

        var after = (JsonObject)customer.DeepClone();
        webhooks.Publish("customer.updated", after, BillingStream(id), request, Changed(before, after));
        return (JsonObject)customer.DeepClone();
    }

    /// <summary>"List all customers": newest first, filtered by <c>email</c> (exact, case-sensitive) and <c>test_clock</c>.</summary>
    public JsonObject ListCustomers(StripeParameters p)
    {
        p.OnlyAllow("email", "test_clock", "limit", "starting_after", "ending_before", "expand");
        p.Expand();
        var email = p.String("email");
        var clock = p.String("test_clock");
        var matching = _customers.Values.Reverse()
            .Where(c => (email is null || c["email"]?.GetValue<string>() == email) && (clock is null ? c["test_clock"] is null : c["test_clock"]?.GetValue<string>() == clock))
            .ToList();
        return Page(p, matching, c => c["id"]!.GetValue<string>(), c => c.DeepClone(), "customer", "/v1/customers");
    }

    // ---- Test clocks ----

    public JsonObject CreateTestClock(StripeParameters p, StripeRequestInfo request)
    {
        p.OnlyAllow("frozen_time", "name", "expand");
        p.Expand();
        var clock = new TestClock
        {
            Id = NewId("clock"),
            Name = p.String("name"),
            FrozenTime = p.RequiredInteger("frozen_time"),
            Created = Now,
        };
        _clocks[clock.Id] = clock;
        webhooks.Publish("test_helpers.test_clock.created", RenderClock(clock), clock.Id, request);
        return RenderClock(clock);
    }

    public JsonObject RetrieveTestClock(string id, StripeParameters p)
    {
        p.OnlyAllow("expand");
        p.Expand();
        return RenderClock(FindClock(id));
    }

    public JsonObject ListTestClocks(StripeParameters p)
    {
        p.OnlyAllow("limit", "starting_after", "ending_before", "expand");
        p.Expand();
        return Page(p, _clocks.Values.Reverse().ToList(), c => c.Id, c => RenderClock(c), "test_helpers.test_clock", "/v1/test_helpers/test_clocks");
    }

    /// <summary>Deleting a clock deletes its customers, their subscriptions (without events, as Stripe) and invoices.</summary>
    public JsonObject DeleteTestClock(string id, StripeParameters p, StripeRequestInfo request)
    {
        p.OnlyAllow();
        var clock = FindClock(id);
        foreach (var customer in _customers.Where(c => c.Value["test_clock"]?.GetValue<string>() == id).Select(c => c.Key).ToList())
        {
            _customers.Remove(customer);
            foreach (var method in _paymentMethods.Values.Where(m => m.Customer == customer)) { method.Customer = null; }
            foreach (var subscription in _subscriptions.Values.Where(s => s.Customer == customer).ToList()) { _subscriptions.Remove(subscription.Id); }
            foreach (var invoice in _invoices.Values.Where(i => i.Customer == customer).ToList()) { _invoices.Remove(invoice.Id); }
        }

        _clocks.Remove(id);
        webhooks.Publish("test_helpers.test_clock.deleted", RenderClock(clock), clock.Id, request);
        return new JsonObject { ["id"] = id, ["object"] = "test_helpers.test_clock", ["deleted"] = true };
    }

    /// <summary>
    /// "Advance a test clock": moves its time forward to <c>frozen_time</c>, running everything that falls due on its
    /// customers on the way, in time order (renewals, invoice finalization and payment attempts, retries, period-end
    /// cancellations, incomplete subscriptions expiring). Stripe does this in the background and answers with
    /// status=advancing; the stand-in finishes it before answering (the answer still says advancing, as Stripe's does,
    /// and the clock reads ready afterwards, with test_helpers.test_clock.ready sent after the objects' events).
    /// </summary>
    public JsonObject AdvanceTestClock(string id, StripeParameters p, StripeRequestInfo request)
    {
        p.OnlyAllow("frozen_time", "expand");
        p.Expand();
        var target = p.RequiredInteger("frozen_time");
        var clock = FindClock(id);
        if (target <= clock.FrozenTime)
        {
            throw StripeError.InvalidParameter("frozen_time",
                $"The test clock can only be advanced to a time after its current frozen_time ({clock.FrozenTime.ToString(CultureInfo.InvariantCulture)}); {target.ToString(CultureInfo.InvariantCulture)} is not.");
        }

        clock.Status = "advancing";
        clock.Target = target;
        var advancing = RenderClock(clock);
        webhooks.Publish("test_helpers.test_clock.advancing", RenderClock(clock), clock.Id, request);
        try
        {
            RunDue(clock, target);
        }
        catch (Exception fault)
        {
            // Stripe leaves a clock whose advance failed in internal_failure, and says so with its event.
            clock.Status = "internal_failure";
            clock.Target = null;
            webhooks.Publish("test_helpers.test_clock.internal_failure", RenderClock(clock), clock.Id, request);
            throw StripeError.ApiError($"advancing test clock {clock.Id} (its customers' renewals, charges and retries)", fault);
        }

        clock.Status = "ready";
        clock.Target = null;
        webhooks.Publish("test_helpers.test_clock.ready", RenderClock(clock), clock.Id, request);
        return advancing;
    }

    private TestClock FindClock(string id) => _clocks.GetValueOrDefault(id) ?? throw StripeError.NoSuch("test_helpers.test_clock", id, "test_clock");

    /// <summary>The clock a customer lives on, if any.</summary>
    private TestClock? ClockOf(string customerId) =>
        _customers.GetValueOrDefault(customerId)?["test_clock"]?.GetValue<string>() is { } clock ? _clocks.GetValueOrDefault(clock) : null;

    /// <summary>
    /// A customer's events (and its subscriptions', invoices' and their payments') go out one after another; the
    /// customers of a test clock share the clock's stream, so its ready event follows what the advance caused.
    /// </summary>
    private string BillingStream(string customerId) => ClockOf(customerId)?.Id ?? customerId;

    // ---- Lists and metadata ----

    /// <summary>
    /// A page of a list ("Pagination"): <c>limit</c> 1..100 (10), <c>starting_after</c> / <c>ending_before</c> naming an
    /// object of <paramref name="newestFirst"/>, <c>has_more</c>.
    /// </summary>
    private static JsonObject Page<T>(StripeParameters p, IReadOnlyList<T> newestFirst, Func<T, string> idOf, Func<T, JsonNode> render, string objectName, string url)
    {
        var limit = p.Integer("limit") ?? 10;
        if (limit is < 1 or > 100) { throw StripeError.InvalidParameter("limit", "Invalid integer: limit must be between 1 and 100.", "parameter_invalid_integer"); }
        var after = p.String("starting_after");
        var before = p.String("ending_before");
        if (after is not null && before is not null)
        {
            throw StripeError.InvalidParameter("ending_before", "You may only specify one of these parameters: ending_before, starting_after.", "parameters_exclusive");
        }

        var cursor = after ?? before;
        var at = cursor is null ? -1 : newestFirst.Select(idOf).ToList().IndexOf(cursor);
        if (cursor is not null && at < 0) { throw StripeError.NoSuch(objectName, cursor, after is not null ? "starting_after" : "ending_before", 400); }
        var page = after is not null ? newestFirst.Skip(at + 1).Take((int)limit).ToList()
            : before is not null ? newestFirst.Take(at).TakeLast((int)limit).ToList()
            : newestFirst.Take((int)limit).ToList();
        var hasMore = before is not null ? at > page.Count : newestFirst.Count > (after is not null ? at + 1 : 0) + page.Count;
        return new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray([.. page.Select(render)]),
            ["has_more"] = hasMore,
            ["url"] = url,
        };
    }

    private static Dictionary<string, string> NewMetadata(StripeParameters p) =>
        new(p.Metadata()?.Set.Where(e => e.Value.Length > 0) ?? [], StringComparer.Ordinal);

    private static void UpdateMetadata(Dictionary<string, string> values, StripeParameters p)
    {
        if (p.Metadata() is not { } metadata) { return; }
        if (metadata.ClearAll) { values.Clear(); }
        foreach (var (key, value) in metadata.Set)
        {
            if (value.Length == 0) { values.Remove(key); } else { values[key] = value; }
        }
    }

    /// <summary>An <c>*.updated</c> event's <c>previous_attributes</c>: the top-level fields whose value changed, as they were.</summary>
    private static JsonObject Changed(JsonObject before, JsonObject after)
    {
        var previous = new JsonObject();
        foreach (var (key, value) in before)
        {
            if (!JsonNode.DeepEquals(value, after[key])) { previous[key] = value?.DeepClone(); }
        }

        return previous;
    }

    // ---- Rendering ----

    private JsonObject RenderProduct(Product x, IReadOnlySet<string> expand) => new()
    {
        ["id"] = x.Id,
        ["object"] = "product",
        ["active"] = x.Active,
        ["created"] = x.Created,
        ["default_price"] = x.DefaultPrice is { } dp && expand.Contains("default_price") ? RenderPrice(_prices[dp], Empty) : x.DefaultPrice,
        ["description"] = x.Description,
        ["images"] = new JsonArray(),
        ["livemode"] = false,
        ["marketing_features"] = new JsonArray(),
        ["metadata"] = Metadata(x.Metadata),
        ["name"] = x.Name,
        ["package_dimensions"] = null,
        ["shippable"] = null,
        ["statement_descriptor"] = null,
        ["tax_code"] = null,
        ["type"] = "service",
        ["unit_label"] = null,
        ["updated"] = x.Updated,
        ["url"] = null,
    };

    private JsonObject RenderPrice(Price x, IReadOnlySet<string> expand) => new()
    {
        ["id"] = x.Id,
        ["object"] = "price",
        ["active"] = x.Active,
        ["billing_scheme"] = "per_unit",
        ["created"] = x.Created,
        ["currency"] = x.Currency,
        ["custom_unit_amount"] = null,
        ["livemode"] = false,
        ["lookup_key"] = x.LookupKey,
        ["metadata"] = Metadata(x.Metadata),
        ["nickname"] = x.Nickname,
        ["product"] = expand.Contains("product") ? RenderProduct(_products[x.Product], Empty) : x.Product,
        ["recurring"] = x.Interval is null
            ? null
            : new JsonObject { ["interval"] = x.Interval, ["interval_count"] = x.IntervalCount, ["meter"] = null, ["trial_period_days"] = null, ["usage_type"] = "licensed" },
        ["tax_behavior"] = "unspecified",
        ["tiers_mode"] = null,
        ["transform_quantity"] = null,
        ["type"] = x.Type,
        ["unit_amount"] = x.UnitAmount,
        ["unit_amount_decimal"] = x.UnitAmount.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The legacy Plan view of a recurring price, which subscription items still carry.</summary>
    private static JsonObject RenderPlan(Price x) => new()
    {
        ["id"] = x.Id,
        ["object"] = "plan",
        ["active"] = x.Active,
        ["amount"] = x.UnitAmount,
        ["amount_decimal"] = x.UnitAmount.ToString(CultureInfo.InvariantCulture),
        ["billing_scheme"] = "per_unit",
        ["created"] = x.Created,
        ["currency"] = x.Currency,
        ["interval"] = x.Interval,
        ["interval_count"] = x.IntervalCount,
        ["livemode"] = false,
        ["metadata"] = Metadata(x.Metadata),
        ["meter"] = null,
        ["nickname"] = x.Nickname,
        ["product"] = x.Product,
        ["tiers_mode"] = null,
        ["transform_usage"] = null,
        ["trial_period_days"] = null,
        ["usage_type"] = "licensed",
    };

    private static JsonObject RenderClock(TestClock c) => new()
    {
        ["id"] = c.Id,
        ["object"] = "test_helpers.test_clock",
        ["created"] = c.Created,
        ["deletes_after"] = c.Created + (long)ClockLifetime.TotalSeconds,
        ["frozen_time"] = c.FrozenTime,
        ["livemode"] = false,
        ["name"] = c.Name,
        ["status"] = c.Status,
        ["status_details"] = c.Target is { } target
            ? new JsonObject { ["advancing"] = new JsonObject { ["target_frozen_time"] = target } }
            : new JsonObject(),
    };

    private sealed class Product
    {
        public required string Id { get; init; }
        public required string Name { get; set; }
        public required bool Active { get; set; }
        public string? Description { get; set; }
        public required Dictionary<string, string> Metadata { get; init; }
        public required long Created { get; init; }
        public required long Updated { get; set; }
        public string? DefaultPrice { get; set; }
    }

    private sealed class Price
    {
        public required string Id { get; init; }
        public required string Product { get; init; }
        public required string Currency { get; init; }
        public required long UnitAmount { get; init; }

        /// <summary>day, week, month or year; null for a one-time price.</summary>
        public string? Interval { get; init; }
        public long IntervalCount { get; init; } = 1;
        public string? LookupKey { get; set; }
        public string? Nickname { get; set; }
        public required Dictionary<string, string> Metadata { get; init; }
        public required bool Active { get; set; }
        public required long Created { get; init; }
        public string Type => Interval is null ? "one_time" : "recurring";
    }

    private sealed class TestClock
    {
        public required string Id { get; init; }
        public string? Name { get; init; }

        /// <summary>The clock's now; while advancing, the time of the work being run.</summary>
        public required long FrozenTime { get; set; }
        public required long Created { get; init; }
        public string Status { get; set; } = "ready";
        public long? Target { get; set; }
    }
}
