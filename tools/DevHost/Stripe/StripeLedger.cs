using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace DaprPlatform.DevHost.Stripe;

/// <summary>
/// The API request being served: what an event's <c>request</c> field names, and the API version its answer is rendered
/// in (the <c>Stripe-Version</c> it sent, else the account's). A change no API request made (an onboarding form filled
/// in on Stripe's pages) has no request id.
/// </summary>
internal sealed record StripeRequestInfo(string? RequestId, string? IdempotencyKey, string ApiVersion);

/// <summary>
/// The stand-in's account, in memory: PaymentIntents, Charges, Refunds, Customers and PaymentMethods (and, in
/// StripeLedger.Connect.cs, connected accounts, transfers and the balance), changed the way
/// Stripe's test mode changes them (API reference: "PaymentIntents", "Refunds", "Customers"), each change announced as
/// events through <see cref="StripeWebhooks"/>. Callers hold <see cref="Gate"/> around each request so that a request,
/// its idempotency record and its events are one step.
/// </summary>
internal sealed partial class StripeLedger(TimeProvider time, StripeWebhooks webhooks, Uri baseUrl, StripeTransferFailures transferFailures)
{
    private const string CancelableStatuses = "requires_payment_method, requires_capture, requires_confirmation, requires_action, processing";

    private readonly Dictionary<string, Intent> _intents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Charge> _charges = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Refund> _refunds = new(StringComparer.Ordinal);
    private readonly OrderedDictionary<string, JsonObject> _customers = new(StringComparer.Ordinal);
    private readonly OrderedDictionary<string, PaymentMethod> _paymentMethods = new(StringComparer.Ordinal);

    public Lock Gate { get; } = new();

    /// <summary>Stripe-style id: the object's prefix and 24 random letters and digits.</summary>
    public static string NewId(string prefix) =>
        prefix + "_" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 24);

    private long Now => time.GetUtcNow().ToUnixTimeSeconds();

    // ---- PaymentIntents ----

    public (int Status, JsonObject Body) CreatePaymentIntent(StripeParameters p, StripeRequestInfo request)
    {
        p.OnlyAllow("amount", "currency", "description", "metadata", "customer", "payment_method", "confirm", "automatic_payment_methods",
            "capture_method", "receipt_email", "statement_descriptor_suffix", "return_url", "expand");
        var amount = p.RequiredInteger("amount");
        var currencyCode = p.RequiredString("currency");
        var currency = StripeCurrencies.Find(currencyCode)
            ?? throw StripeError.InvalidParameter("currency", $"Invalid currency: {currencyCode}. Stripe currently supports these currencies: {string.Join(", ", StripeCurrencies.Codes)}");
        CheckAmount(amount, currency);
        var automatic = p.Hash("automatic_payment_methods", "enabled", "allow_redirects");
        var automaticEnabled = automatic is null
            ? true
            : StripeParameters.ParseBoolean(automatic.GetValueOrDefault("enabled"), "automatic_payment_methods[enabled]")
                ?? throw StripeError.MissingParameter("automatic_payment_methods[enabled]");
        var allowRedirects = automatic?.GetValueOrDefault("allow_redirects") ?? "always";
        if (allowRedirects is not ("always" or "never"))
        {
            throw StripeError.InvalidParameter("automatic_payment_methods[allow_redirects]", "Invalid automatic_payment_methods[allow_redirects]: must be one of always, never");
        }

        if (p.OneOf("capture_method", "automatic", "automatic_async", "manual") == "manual")
        {
            throw StripeError.InvalidParameter("capture_method", "capture_method=manual (separate authorization and capture) is not served by the DevHost Stripe stand-in.");
        }

        var metadata = p.Metadata();
        var confirm = p.Boolean("confirm") ?? false;
        var expand = p.Expand("latest_charge", "customer", "payment_method");
        var customer = p.String("customer");
        if (customer is not null && !_customers.ContainsKey(customer)) { throw StripeError.NoSuch("customer", customer, "customer", 400); }
        var method = p.String("payment_method") is { } pm ? ResolvePaymentMethod(pm) : null;
        var returnUrl = p.String("return_url");
        if (returnUrl is not null && !confirm)
        {
            throw StripeError.InvalidParameter("return_url", "return_url can only be passed when confirm=true.");
        }

        var id = NewId("pi");
        var intent = new Intent
        {
            Id = id,
            Amount = amount,
            Currency = currency.Code,
            Description = p.String("description"),
            Customer = customer,
            PaymentMethod = method?.Id,
            Metadata = new Dictionary<string, string>(metadata?.Set.Where(e => e.Value.Length > 0) ?? [], StringComparer.Ordinal),
            AutomaticPaymentMethods = automaticEnabled ? allowRedirects : null,
            CaptureMethod = p.String("capture_method") ?? "automatic",
            ReceiptEmail = p.String("receipt_email"),
            StatementDescriptorSuffix = p.String("statement_descriptor_suffix"),
            ClientSecret = $"{id}_secret_{RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 25)}",
            Created = Now,
            Status = method is null ? "requires_payment_method" : "requires_confirmation",
        };
        _intents[id] = intent;
        webhooks.Publish("payment_intent.created", RenderIntent(intent, Empty, webhooks.ApiVersion), id, request);
        if (confirm) { Confirm(intent, method, returnUrl, request, receiptEmail: null); }
        return (200, RenderIntent(intent, expand, request.ApiVersion));
    }

    public JsonObject RetrievePaymentIntent(string id, StripeParameters p, StripeRequestInfo request)
    {
        p.OnlyAllow("expand", "client_secret");
        var expand = p.Expand("latest_charge", "customer", "payment_method");
        var intent = _intents.GetValueOrDefault(id) ?? throw StripeError.NoSuch("payment_intent", id, "intent");
        if (p.String("client_secret") is { } secret && secret != intent.ClientSecret)
        {
            throw StripeError.InvalidParameter("client_secret", "The client_secret provided does not match the client_secret associated with the PaymentIntent.");
        }

        return RenderIntent(intent, expand, request.ApiVersion);
    }

    public JsonObject ConfirmPaymentIntent(string id, StripeParameters p, StripeRequestInfo request)
    {
        p.OnlyAllow("payment_method", "return_url", "receipt_email", "expand");
        var expand = p.Expand("latest_charge", "customer", "payment_method");
        var intent = _intents.GetValueOrDefault(id) ?? throw StripeError.NoSuch("payment_intent", id, "intent");
        var method = p.String("payment_method") is { } pm ? ResolvePaymentMethod(pm) : null;
        var invoice = intent.Invoice is { } invoiceId ? _invoices.GetValueOrDefault(invoiceId) : null;
        if (invoice is { Status: not "open" })
        {
            throw StripeError.UnexpectedState($"This PaymentIntent's invoice ({invoice.Id}) is {invoice.Status}; only an open invoice's PaymentIntent can be confirmed.", RenderIntent(intent, Empty, request.ApiVersion));
        }

        try
        {
            Confirm(intent, method, p.String("return_url"), request, p.String("receipt_email"));
        }
        catch (StripeError e) when (e.Type == "card_error" && invoice is not null)
        {
            // Confirming an invoice's PaymentIntent (default_incomplete's way to pay the first invoice) is an attempt on the invoice.
            InvoiceAttemptFailed(invoice, scheduled: false, request);
            throw;
        }

        if (invoice is not null) { InvoicePaid(invoice, request); }
        return RenderIntent(intent, expand, request.ApiVersion);
    }

    public JsonObject CancelPaymentIntent(string id, StripeParameters p, StripeRequestInfo request)
    {
        p.OnlyAllow("cancellation_reason", "expand");
        var expand = p.Expand("latest_charge", "customer", "payment_method");
        var reason = p.OneOf("cancellation_reason", "duplicate", "fraudulent", "requested_by_customer", "abandoned");
        var intent = _intents.GetValueOrDefault(id) ?? throw StripeError.NoSuch("payment_intent", id, "intent");
        if (intent.Status is "succeeded" or "canceled")
        {
            throw StripeError.UnexpectedState(
                $"You cannot cancel this PaymentIntent because it has a status of {intent.Status}. Only a PaymentIntent with one of the following statuses may be canceled: {CancelableStatuses}.",
                RenderIntent(intent, Empty, request.ApiVersion));
        }

        intent.Status = "canceled";
        intent.CanceledAt = Now;
        intent.CancellationReason = reason;
        webhooks.Publish("payment_intent.canceled", RenderIntent(intent, Empty, webhooks.ApiVersion), intent.EventStream, request);
        return RenderIntent(intent, expand, request.ApiVersion);
    }

    /// <summary>Confirmation of a card payment: the test card decides; a decline is a 402 card_error and the intent wants a new payment method.</summary>
    private void Confirm(Intent intent, PaymentMethod? given, string? returnUrl, StripeRequestInfo request, string? receiptEmail)
    {
        if (intent.Status == "succeeded")
        {
            throw StripeError.UnexpectedState("You cannot confirm this PaymentIntent because it has already succeeded after being previously confirmed.", RenderIntent(intent, Empty, request.ApiVersion));
        }

        if (intent.Status is not ("requires_payment_method" or "requires_confirmation" or "requires_action"))
        {
            throw StripeError.UnexpectedState(
                $"You cannot confirm this PaymentIntent because it has a status of {intent.Status}. Only a PaymentIntent with one of the following statuses may be confirmed: requires_payment_method, requires_confirmation, requires_action.",
                RenderIntent(intent, Empty, request.ApiVersion));
        }

        var method = given ?? (intent.PaymentMethod is { } attached ? _paymentMethods[attached] : null);
        if (method is null)
        {
            throw StripeError.UnexpectedState(
                "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method.",
                RenderIntent(intent, Empty, request.ApiVersion));
        }

        // Automatic payment methods may include redirect-based ones; Stripe then insists on a return_url unless redirects are off.
        if (intent.AutomaticPaymentMethods == "always" && returnUrl is null)
        {
            throw new StripeError(400, "invalid_request_error",
                "This PaymentIntent is configured to accept payment methods enabled in your Dashboard, some of which may require a full page redirect to succeed. "
                + "If you do not want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and Payment Intents. "
                + "If you do want to accept redirect-based payment methods, set the `return_url` parameter when confirming the PaymentIntent.");
        }

        if (receiptEmail is not null) { intent.ReceiptEmail = receiptEmail; }
        var decline = method.Card.Decline;
        var charge = new Charge
        {
            Id = NewId("ch"),
            Intent = intent,
            PaymentMethod = method,
            Created = Now,
            Succeeded = decline is null,
            Decline = decline,
            BalanceTransaction = decline is null ? NewId("txn") : null,
        };
        _charges[charge.Id] = charge;
        intent.LatestCharge = charge.Id;
        if (decline is null)
        {
            intent.Status = "succeeded";
            intent.AmountReceived = intent.Amount;
            intent.PaymentMethod = method.Id;
            intent.LastPaymentError = null;
            AddToBalance(intent.Currency, intent.Amount);
            webhooks.Publish("charge.succeeded", RenderCharge(charge, Empty, webhooks.ApiVersion), intent.EventStream, request);
            webhooks.Publish("payment_intent.succeeded", RenderIntent(intent, Empty, webhooks.ApiVersion), intent.EventStream, request);
            return;
        }

        intent.Status = "requires_payment_method";
        intent.PaymentMethod = null;
        intent.LastPaymentError = new JsonObject
        {
            ["charge"] = charge.Id,
            ["code"] = decline.Code,
            ["decline_code"] = decline.DeclineCode,
            ["doc_url"] = $"https://stripe.com/docs/error-codes/{decline.Code.Replace('_', '-')}",
            ["message"] = decline.Message,
            ["payment_method"] = RenderPaymentMethod(method),
            ["type"] = "card_error",
        };
        webhooks.Publish("charge.failed", RenderCharge(charge, Empty, webhooks.ApiVersion), intent.EventStream, request);
        webhooks.Publish("payment_intent.payment_failed", RenderIntent(intent, Empty, webhooks.ApiVersion), intent.EventStream, request);
        throw new StripeError(402, "card_error", decline.Message, decline.Code)
        {
            DeclineCode = decline.DeclineCode,
            Charge = charge.Id,
            PaymentIntent = RenderIntent(intent, Empty, request.ApiVersion),
        };
    }

    private PaymentMethod ResolvePaymentMethod(string id, string param = "payment_method")
    {
        if (_paymentMethods.TryGetValue(id, out var known)) { return known; }
        var card = StripeTestCards.Find(id) ?? throw StripeError.NoSuch("PaymentMethod", id, param, 400);
        var method = new PaymentMethod(NewId("pm"), card, Now);
        _paymentMethods[method.Id] = method;
        return method;
    }

    private static void CheckAmount(long amount, StripeCurrencies.Rule currency)
    {
        if (amount < currency.MinimumCharge)
        {
            throw StripeError.InvalidParameter("amount", $"Amount must be at least {StripeCurrencies.Format(currency, currency.MinimumCharge)}", "amount_too_small");
        }

        if (amount > StripeCurrencies.MaxAmount)
        {
            throw StripeError.InvalidParameter("amount", $"Amount must be no more than {StripeCurrencies.Format(currency, StripeCurrencies.MaxAmount)}", "amount_too_large");
        }

        // Three-decimal currencies: "the least-significant (last) digit must be 0".
        if (currency.Decimals == 3 && amount % 10 != 0)
        {
            throw StripeError.InvalidParameter("amount", $"Amounts in {currency.Code} must be rounded to the nearest ten (the last digit must be 0), got {amount}.", "invalid_amount");
        }
    }

    // ---- Refunds and charges ----

    public JsonObject CreateRefund(StripeParameters p, StripeRequestInfo request)
    {
        p.OnlyAllow("payment_intent", "charge", "amount", "reason", "metadata", "expand");
        var expand = p.Expand("charge", "payment_intent");
        var reason = p.OneOf("reason", "duplicate", "fraudulent", "requested_by_customer");
        var metadata = p.Metadata();
        var requested = p.Integer("amount");
        if (requested is < 1) { throw StripeError.InvalidParameter("amount", "This value must be greater than or equal to 1.", "parameter_invalid_integer"); }
        var intentId = p.String("payment_intent");
        var chargeId = p.String("charge");
        Charge? charge;
        if (intentId is not null)
        {
            if (chargeId is not null)
            {
                throw StripeError.InvalidParameter("charge", "You may only specify one of these parameters: charge, payment_intent.", "parameters_exclusive");
            }

            var intent = _intents.GetValueOrDefault(intentId) ?? throw StripeError.NoSuch("payment_intent", intentId, "payment_intent", 400);
            charge = intent.Status == "succeeded" && intent.LatestCharge is { } latest ? _charges[latest] : null;
            if (charge is null)
            {
                throw new StripeError(400, "invalid_request_error", $"This PaymentIntent ({intentId}) does not have a successful charge to refund.", param: "payment_intent");
            }
        }
        else if (chargeId is not null)
        {
            charge = _charges.GetValueOrDefault(chargeId) ?? throw StripeError.NoSuch("charge", chargeId, "charge", 400);
            if (!charge.Succeeded) { throw new StripeError(400, "invalid_request_error", $"Charge {chargeId} has not succeeded; there is nothing to refund.", param: "charge"); }
        }
        else
        {
            throw new StripeError(400, "invalid_request_error", "One of the following params should be provided for this request: payment_intent or charge.", "parameter_missing", validation: true);
        }

        var currency = StripeCurrencies.Find(charge.Intent.Currency)!;
        var left = charge.Intent.Amount - charge.AmountRefunded;
        if (left == 0) { throw new StripeError(400, "invalid_request_error", $"Charge {charge.Id} has already been refunded.", "charge_already_refunded"); }
        var amount = requested ?? left;
        if (amount > left)
        {
            throw new StripeError(400, "invalid_request_error",
                $"Refund amount ({StripeCurrencies.Format(currency, amount)}) is greater than unrefunded amount on charge ({StripeCurrencies.Format(currency, left)})", param: "amount");
        }

        var refund = new Refund(NewId("re"), amount, charge, reason, new Dictionary<string, string>(metadata?.Set.Where(e => e.Value.Length > 0) ?? [], StringComparer.Ordinal), Now, NewId("txn"));
        _refunds[refund.Id] = refund;
        charge.AmountRefunded += amount;
        AddToBalance(charge.Intent.Currency, -amount);
        webhooks.Publish("charge.refunded", RenderCharge(charge, Empty, webhooks.ApiVersion), charge.Intent.Id, request);
        webhooks.Publish("refund.created", RenderRefund(refund, Empty, webhooks.ApiVersion), charge.Intent.Id, request);
        return RenderRefund(refund, expand, request.ApiVersion);
    }

    public JsonObject RetrieveRefund(string id, StripeParameters p, StripeRequestInfo request)
    {
        p.OnlyAllow("expand");
        var expand = p.Expand("charge", "payment_intent");
        return RenderRefund(_refunds.GetValueOrDefault(id) ?? throw StripeError.NoSuch("refund", id, "refund"), expand, request.ApiVersion);
    }

    public JsonObject RetrieveCharge(string id, StripeParameters p, StripeRequestInfo request)
    {
        p.OnlyAllow("expand");
        var expand = p.Expand("payment_intent", "customer");
        return RenderCharge(_charges.GetValueOrDefault(id) ?? throw StripeError.NoSuch("charge", id, "charge"), expand, request.ApiVersion);
    }

    // ---- Customers ----

    public JsonObject CreateCustomer(StripeParameters p, StripeRequestInfo request)
    {
        p.OnlyAllow("email", "name", "description", "phone", "metadata", "test_clock", "payment_method", "invoice_settings", "expand");
        p.Expand();
        var clock = p.String("test_clock") is { } clockId ? _clocks.GetValueOrDefault(clockId) ?? throw StripeError.NoSuch("test_helpers.test_clock", clockId, "test_clock", 400) : null;
        var attach = p.String("payment_method");
        var defaultMethod = p.Hash("invoice_settings", "default_payment_method")?.GetValueOrDefault("default_payment_method") is { Length: > 0 } d ? d : null;
        if (defaultMethod is not null && defaultMethod != attach)
        {
            // At creation the only PaymentMethod the customer can have is the one attached by payment_method.
            throw StripeError.NoSuch("PaymentMethod", defaultMethod, "invoice_settings[default_payment_method]", 400);
        }

        var email = p.String("email");
        if (email is not null && (email.Length > 512 || email.IndexOf('@', StringComparison.Ordinal) is <= 0 || email.EndsWith('@')))
        {
            throw StripeError.InvalidParameter("email", $"Invalid email address: {email}", "email_invalid");
        }

        var metadata = new JsonObject();
        foreach (var (key, value) in p.Metadata()?.Set ?? new Dictionary<string, string>())
        {
            if (value.Length > 0) { metadata[key] = value; }
        }

        var method = attach is null ? null : ResolvePaymentMethod(attach, "payment_method");
        if (method is not null) { CheckAttachable(method, "payment_method"); }
        var id = NewId("cus");
        var customer = new JsonObject
        {
            ["id"] = id,
            ["object"] = "customer",
            ["address"] = null,
            ["balance"] = 0L,
            ["created"] = clock?.FrozenTime ?? Now,
            ["currency"] = null,
            ["default_source"] = null,
            ["delinquent"] = false,
            ["description"] = p.String("description"),
            ["discount"] = null,
            ["email"] = email,
            ["invoice_prefix"] = RandomNumberGenerator.GetString("ABCDEF0123456789", 8),
            ["invoice_settings"] = new JsonObject { ["custom_fields"] = null, ["default_payment_method"] = null, ["footer"] = null, ["rendering_options"] = null },
            ["livemode"] = false,
            ["metadata"] = metadata,
            ["name"] = p.String("name"),
            ["next_invoice_sequence"] = 1L,
            ["phone"] = p.String("phone"),
            ["preferred_locales"] = new JsonArray(),
            ["shipping"] = null,
            ["tax_exempt"] = "none",
            ["test_clock"] = clock?.Id,
        };
        _customers[id] = customer;
        webhooks.Publish("customer.created", (JsonObject)customer.DeepClone(), BillingStream(id), request);
        if (method is not null)
        {
            Attach(method, id, request);
            customer["invoice_settings"]!["default_payment_method"] = defaultMethod is null ? null : method.Id;
        }

        return (JsonObject)customer.DeepClone();
    }

    public JsonObject RetrieveCustomer(string id, StripeParameters p)
    {
        p.OnlyAllow("expand");
        p.Expand();
        return (JsonObject)(_customers.GetValueOrDefault(id) ?? throw StripeError.NoSuch("customer", id, "customer")).DeepClone();
    }

    // ---- Rendering (API reference object shapes) ----

    private static readonly IReadOnlySet<string> Empty = new HashSet<string>();

    private JsonObject RenderIntent(Intent i, IReadOnlySet<string> expand, string version) => Versioned(new()
    {
        ["id"] = i.Id,
        ["object"] = "payment_intent",
        ["amount"] = i.Amount,
        ["amount_capturable"] = 0,
        ["amount_details"] = new JsonObject { ["tip"] = new JsonObject() },
        ["amount_received"] = i.AmountReceived,
        ["application"] = null,
        ["application_fee_amount"] = null,
        ["automatic_payment_methods"] = i.AutomaticPaymentMethods is { } redirects ? new JsonObject { ["allow_redirects"] = redirects, ["enabled"] = true } : null,
        ["canceled_at"] = i.CanceledAt,
        ["cancellation_reason"] = i.CancellationReason,
        ["capture_method"] = i.CaptureMethod,
        ["client_secret"] = i.ClientSecret,
        ["confirmation_method"] = "automatic",
        ["created"] = i.Created,
        ["currency"] = i.Currency,
        ["customer"] = i.Customer is { } c && expand.Contains("customer") ? _customers[c].DeepClone() : i.Customer,
        ["description"] = i.Description,
        ["last_payment_error"] = i.LastPaymentError?.DeepClone(),
        ["latest_charge"] = i.LatestCharge is { } ch && expand.Contains("latest_charge") ? RenderCharge(_charges[ch], Empty, version) : i.LatestCharge,
        ["livemode"] = false,
        ["metadata"] = Metadata(i.Metadata),
        ["next_action"] = null,
        ["on_behalf_of"] = null,
        ["payment_method"] = i.PaymentMethod is { } pm && expand.Contains("payment_method") ? RenderPaymentMethod(_paymentMethods[pm]) : i.PaymentMethod,
        ["payment_method_options"] = new JsonObject { ["card"] = new JsonObject { ["installments"] = null, ["mandate_options"] = null, ["network"] = null, ["request_three_d_secure"] = "automatic" } },
        ["payment_method_types"] = new JsonArray("card"),
        ["processing"] = null,
        ["receipt_email"] = i.ReceiptEmail,
        ["review"] = null,
        ["setup_future_usage"] = null,
        ["shipping"] = null,
        ["source"] = null,
        ["statement_descriptor"] = null,
        ["statement_descriptor_suffix"] = i.StatementDescriptorSuffix,
        ["status"] = i.Status,
        ["transfer_data"] = null,
        ["transfer_group"] = null,
    }, version);

    private JsonObject RenderCharge(Charge c, IReadOnlySet<string> expand, string version)
    {
        var i = c.Intent;
        var card = c.PaymentMethod.Card;
        return Versioned(new JsonObject
        {
            ["id"] = c.Id,
            ["object"] = "charge",
            ["amount"] = i.Amount,
            ["amount_captured"] = c.Succeeded ? i.Amount : 0,
            ["amount_refunded"] = c.AmountRefunded,
            ["application"] = null,
            ["application_fee"] = null,
            ["application_fee_amount"] = null,
            ["balance_transaction"] = c.BalanceTransaction,
            ["billing_details"] = new JsonObject { ["address"] = null, ["email"] = null, ["name"] = null, ["phone"] = null },
            ["calculated_statement_descriptor"] = "DEVHOST STAND-IN",
            ["captured"] = c.Succeeded,
            ["created"] = c.Created,
            ["currency"] = i.Currency,
            ["customer"] = i.Customer is { } cus && expand.Contains("customer") ? _customers[cus].DeepClone() : i.Customer,
            ["description"] = i.Description,
            ["disputed"] = false,
            ["failure_balance_transaction"] = null,
            ["failure_code"] = c.Decline?.Code,
            ["failure_message"] = c.Decline?.Message,
            ["fraud_details"] = new JsonObject(),
            ["livemode"] = false,
            ["metadata"] = Metadata(i.Metadata),
            ["on_behalf_of"] = null,
            ["outcome"] = c.Decline is { } d
                ? new JsonObject
                {
                    ["network_status"] = d.DeclineCode == "fraudulent" ? "not_sent_to_network" : "declined_by_network",
                    ["reason"] = d.DeclineCode,
                    ["risk_level"] = d.DeclineCode == "fraudulent" ? "highest" : "normal",
                    ["seller_message"] = d.DeclineCode == "fraudulent" ? "Stripe blocked this payment as too risky." : "The bank did not return any further details with this decline.",
                    ["type"] = d.DeclineCode == "fraudulent" ? "blocked" : "issuer_declined",
                }
                : new JsonObject { ["network_status"] = "approved_by_network", ["reason"] = null, ["risk_level"] = "normal", ["seller_message"] = "Payment complete.", ["type"] = "authorized" },
            ["paid"] = c.Succeeded,
            ["payment_intent"] = expand.Contains("payment_intent") ? RenderIntent(i, Empty, version) : i.Id,
            ["payment_method"] = c.PaymentMethod.Id,
            ["payment_method_details"] = new JsonObject { ["card"] = CardDetails(card), ["type"] = "card" },
            ["receipt_email"] = i.ReceiptEmail,
            ["receipt_number"] = null,
            ["receipt_url"] = null,
            ["refunded"] = c.Succeeded && c.AmountRefunded == i.Amount,
            ["review"] = null,
            ["shipping"] = null,
            ["source_transfer"] = null,
            ["statement_descriptor"] = null,
            ["statement_descriptor_suffix"] = i.StatementDescriptorSuffix,
            ["status"] = c.Succeeded ? "succeeded" : "failed",
            ["transfer_data"] = null,
            ["transfer_group"] = null,
        }, version);
    }

    /// <summary>Adds what a PaymentIntent or Charge of an older release line still carries (<see cref="StripeApiVersions"/>).</summary>
    private static JsonObject Versioned(JsonObject rendered, string version)
    {
        if (StripeApiVersions.HasInvoiceField(version)) { rendered["invoice"] = null; }
        return rendered;
    }

    private JsonObject RenderRefund(Refund r, IReadOnlySet<string> expand, string version) => new()
    {
        ["id"] = r.Id,
        ["object"] = "refund",
        ["amount"] = r.Amount,
        ["balance_transaction"] = r.BalanceTransaction,
        ["charge"] = expand.Contains("charge") ? RenderCharge(r.Charge, Empty, version) : r.Charge.Id,
        ["created"] = r.Created,
        ["currency"] = r.Charge.Intent.Currency,
        ["destination_details"] = new JsonObject { ["card"] = new JsonObject { ["reference_status"] = "pending", ["reference_type"] = "acquirer_reference_number", ["type"] = "refund" }, ["type"] = "card" },
        ["metadata"] = Metadata(r.Metadata),
        ["payment_intent"] = expand.Contains("payment_intent") ? RenderIntent(r.Charge.Intent, Empty, version) : r.Charge.Intent.Id,
        ["reason"] = r.Reason,
        ["receipt_number"] = null,
        ["source_transfer_reversal"] = null,
        ["status"] = "succeeded",
        ["transfer_reversal"] = null,
    };

    private static JsonObject RenderPaymentMethod(PaymentMethod m) => new()
    {
        ["id"] = m.Id,
        ["object"] = "payment_method",
        ["billing_details"] = new JsonObject { ["address"] = null, ["email"] = null, ["name"] = null, ["phone"] = null },
        ["card"] = CardDetails(m.Card),
        ["created"] = m.Created,
        ["customer"] = m.Customer,
        ["livemode"] = false,
        ["metadata"] = new JsonObject(),
        ["type"] = "card",
    };

    private static JsonObject CardDetails(TestCard card) => new()
    {
        ["brand"] = card.Brand,
        ["country"] = "US",
        ["exp_month"] = 12,
        ["exp_year"] = 2034,
        ["funding"] = card.Funding,
        ["last4"] = card.Last4,
        ["network"] = card.Brand,
    };

    private static JsonObject Metadata(Dictionary<string, string> values)
    {
        var json = new JsonObject();
        foreach (var (k, v) in values) { json[k] = v; }
        return json;
    }

    private sealed class Intent
    {
        public required string Id { get; init; }
        public required long Amount { get; init; }
        public required string Currency { get; init; }
        public string? Description { get; init; }
        public string? Customer { get; init; }
        public string? PaymentMethod { get; set; }
        public required Dictionary<string, string> Metadata { get; init; }
        public string? AutomaticPaymentMethods { get; init; }
        public required string CaptureMethod { get; init; }
        public string? ReceiptEmail { get; set; }
        public string? StatementDescriptorSuffix { get; init; }
        public required string ClientSecret { get; init; }
        public required long Created { get; init; }
        public required string Status { get; set; }
        public long AmountReceived { get; set; }
        public string? LatestCharge { get; set; }
        public JsonObject? LastPaymentError { get; set; }
        public long? CanceledAt { get; set; }
        public string? CancellationReason { get; set; }

        /// <summary>The invoice this intent collects (Billing's payment attempts); null for a PaymentIntent created by the API.</summary>
        public string? Invoice { get; init; }

        /// <summary>Whose events this intent's events queue behind: its own, or its invoice's billing stream.</summary>
        public string? Stream { get; init; }

        public string EventStream => Stream ?? Id;
    }

    private sealed class Charge
    {
        public required string Id { get; init; }
        public required Intent Intent { get; init; }
        public required PaymentMethod PaymentMethod { get; init; }
        public required long Created { get; init; }
        public required bool Succeeded { get; init; }
        public CardDecline? Decline { get; init; }
        public string? BalanceTransaction { get; init; }
        public long AmountRefunded { get; set; }
    }

    private sealed record Refund(string Id, long Amount, Charge Charge, string? Reason, Dictionary<string, string> Metadata, long Created, string BalanceTransaction);

    private sealed record PaymentMethod(string Id, TestCard Card, long Created)
    {
        /// <summary>The customer it is attached to ("Attach a PaymentMethod to a Customer"), if any.</summary>
        public string? Customer { get; set; }
    }
}
