using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace DaprPlatform.DevHost.Stripe;

/// <summary>
/// Stripe Connect for a platform paying out to Express accounts (API reference: "Accounts", "Account Links",
/// "Transfers", "Balance"): connected accounts that start restricted and become able to receive transfers once their
/// onboarding link is opened (the stand-in's test-mode way to finish onboarding), transfers out of the platform's
/// available balance, and that balance: succeeded charges add to it at once (as test mode's 4000000000000077 card does,
/// so transfers can be tried without waiting for funds to settle), refunds and transfers take from it.
/// </summary>
internal sealed partial class StripeLedger
{
    /// <summary>Stripe's account links last a few minutes ("Account Links": short-lived, single use).</summary>
    public static readonly TimeSpan AccountLinkLifetime = TimeSpan.FromMinutes(5);

    /// <summary>The countries an Express account may be created in here, with the default currency Stripe gives it.</summary>
    private static readonly Dictionary<string, string> AccountCountries = new(StringComparer.Ordinal)
    {
        ["US"] = "usd", ["CA"] = "cad", ["GB"] = "gbp", ["AU"] = "aud", ["DE"] = "eur", ["FR"] = "eur", ["NL"] = "eur",
        ["IE"] = "eur", ["ES"] = "eur", ["IT"] = "eur",
    };

    /// <summary>What Stripe asks an Express account for before it may receive transfers.</summary>
    private static readonly string[] OnboardingRequirements =
        ["business_profile.url", "business_type", "external_account", "tos_acceptance.date", "tos_acceptance.ip"];

    private readonly Dictionary<string, ConnectedAccount> _accounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AccountLink> _accountLinks = new(StringComparer.Ordinal);
    private readonly List<Transfer> _transfers = [];
    private readonly Dictionary<string, long> _available = new(StringComparer.Ordinal) { ["usd"] = 0 };

    private void AddToBalance(string currency, long amount) => _available[currency] = _available.GetValueOrDefault(currency) + amount;

    // ---- Accounts ----

    public JsonObject CreateAccount(StripeParameters p, StripeRequestInfo request)
    {
        p.OnlyAllow("type", "country", "email", "capabilities", "business_type", "metadata", "expand");
        p.Expand();
        var type = p.String("type") ?? throw new StripeError(400, "invalid_request_error",
            "The DevHost stand-in creates connected accounts by type: pass type=express (controller properties are not served).", "parameter_missing", "type", validation: true);
        if (p.OneOf("type", "custom", "express", "standard") != "express")
        {
            throw StripeError.InvalidParameter("type", $"type={type} accounts are not served by the DevHost Stripe stand-in; it serves Express accounts (type=express).");
        }

        var country = p.String("country") ?? "US";
        var currency = AccountCountries.GetValueOrDefault(country)
            ?? throw StripeError.InvalidParameter("country", $"Country '{country}' is unknown or not served by the DevHost stand-in. Use one of: {string.Join(", ", AccountCountries.Keys)}.", "country_unsupported");
        var email = p.String("email");
        if (email is not null && (email.Length > 512 || email.IndexOf('@', StringComparison.Ordinal) is <= 0 || email.EndsWith('@')))
        {
            throw StripeError.InvalidParameter("email", $"Invalid email address: {email}", "email_invalid");
        }

        var businessType = p.OneOf("business_type", "company", "government_entity", "individual", "non_profit");
        var capabilities = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, fields) in p.NestedHash("capabilities", ["card_payments", "transfers"], ["requested"]) ?? new Dictionary<string, IReadOnlyDictionary<string, string>>())
        {
            if (StripeParameters.ParseBoolean(fields.GetValueOrDefault("requested"), $"capabilities[{name}][requested]") == true) { capabilities[name] = "inactive"; }
        }

        var account = new ConnectedAccount
        {
            Id = NewId("acct"),
            Country = country,
            DefaultCurrency = currency,
            Email = email,
            BusinessType = businessType,
            Capabilities = capabilities,
            Metadata = new Dictionary<string, string>(p.Metadata()?.Set.Where(e => e.Value.Length > 0) ?? [], StringComparer.Ordinal),
            Created = Now,
        };
        _accounts[account.Id] = account;
        return RenderAccount(account);
    }

    public JsonObject RetrieveAccount(string id, StripeParameters p)
    {
        p.OnlyAllow("expand");
        p.Expand();
        return RenderAccount(_accounts.GetValueOrDefault(id) ?? throw StripeError.NoSuch("account", id, "account"));
    }

    // ---- Account Links ----

    public JsonObject CreateAccountLink(StripeParameters p, StripeRequestInfo request)
    {
        p.OnlyAllow("account", "type", "refresh_url", "return_url", "collect", "collection_options", "expand");
        p.Expand();
        var accountId = p.RequiredString("account");
        var type = p.OneOf("type", "account_onboarding", "account_update") ?? throw StripeError.MissingParameter("type");
        var refreshUrl = AbsoluteUrl(p, "refresh_url");
        var returnUrl = AbsoluteUrl(p, "return_url");
        p.OneOf("collect", "currently_due", "eventually_due");
        p.Hash("collection_options", "fields", "future_requirements");
        var account = _accounts.GetValueOrDefault(accountId) ?? throw StripeError.NoSuch("account", accountId, "account", 400);
        if (type == "account_update")
        {
            // "You can't create them for accounts that have access to a Stripe-hosted Dashboard": Express accounts have one.
            throw StripeError.InvalidParameter("type", "You cannot create `account_update` type Account Links for Express accounts: they update their details in the Express Dashboard.");
        }

        var link = new AccountLink(RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 24), account.Id, refreshUrl, returnUrl, Now, Now + (long)AccountLinkLifetime.TotalSeconds);
        _accountLinks[link.Token] = link;
        return new JsonObject
        {
            ["object"] = "account_link",
            ["created"] = link.Created,
            ["expires_at"] = link.ExpiresAt,
            ["url"] = new Uri(baseUrl, $"/setup/e/{account.Id}/{link.Token}").ToString(),
        };
    }

    /// <summary>
    /// Opening an onboarding link (the stand-in's test-mode stand-in for filling in Stripe's form): the first visit
    /// before it expires completes onboarding, sends <c>account.updated</c> and returns the <c>return_url</c>; a link
    /// already visited, expired or of another account gives its <c>refresh_url</c>, as Stripe redirects there. Null
    /// for a link the stand-in never made.
    /// </summary>
    public Uri? OpenAccountLink(string accountId, string token)
    {
        if (!_accountLinks.TryGetValue(token, out var link) || link.Account != accountId) { return null; }
        if (link.Visited || Now >= link.ExpiresAt) { return link.RefreshUrl; }
        link.Visited = true;
        var account = _accounts[link.Account];
        account.DetailsSubmitted = true;
        foreach (var capability in account.Capabilities.Keys.ToList()) { account.Capabilities[capability] = "active"; }
        account.TosAcceptedAt = Now;
        // No API request caused it: the event's request id is null, as for changes made in Stripe's own pages.
        webhooks.Publish("account.updated", RenderAccount(account), account.Id, new StripeRequestInfo(null, null, webhooks.ApiVersion));
        return link.ReturnUrl;
    }

    private static Uri AbsoluteUrl(StripeParameters p, string name)
    {
        var text = p.RequiredString(name);
        return Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
            ? url
            : throw StripeError.InvalidParameter(name, $"Not a valid URL", "url_invalid");
    }

    // ---- Transfers ----

    public JsonObject CreateTransfer(StripeParameters p, StripeRequestInfo request)
    {
        p.OnlyAllow("amount", "currency", "destination", "transfer_group", "description", "metadata", "source_transaction", "source_type", "expand");
        var expand = p.Expand("destination");
        var amount = p.RequiredInteger("amount");
        if (amount < 1) { throw StripeError.InvalidParameter("amount", "This value must be greater than or equal to 1.", "parameter_invalid_integer"); }
        var currencyCode = p.RequiredString("currency");
        var currency = StripeCurrencies.Find(currencyCode)
            ?? throw StripeError.InvalidParameter("currency", $"Invalid currency: {currencyCode}. Stripe currently supports these currencies: {string.Join(", ", StripeCurrencies.Codes)}");
        if (amount > StripeCurrencies.MaxAmount)
        {
            throw StripeError.InvalidParameter("amount", $"Amount must be no more than {StripeCurrencies.Format(currency, StripeCurrencies.MaxAmount)}", "amount_too_large");
        }

        var destinationId = p.RequiredString("destination");
        if (p.String("source_transaction") is { } source)
        {
            throw StripeError.InvalidParameter("source_transaction", $"Transfers from a charge ({source}) are not served by the DevHost stand-in; transfers come out of the available balance.");
        }

        p.OneOf("source_type", "bank_account", "card", "fpx");
        var metadata = p.Metadata();
        var destination = _accounts.GetValueOrDefault(destinationId) ?? throw StripeError.NoSuch("destination", destinationId, "destination", 400);
        if (transferFailures.Next() is { } injected) { throw injected; }
        if (destination.Capabilities.GetValueOrDefault("transfers") != "active")
        {
            throw StripeTransferFailures.InsufficientCapabilities();
        }

        if (_available.GetValueOrDefault(currency.Code) < amount) { throw StripeTransferFailures.BalanceInsufficient(); }
        AddToBalance(currency.Code, -amount);
        var transfer = new Transfer(NewId("tr"), amount, currency.Code, destination.Id, NewId("py"), NewId("txn"), p.String("transfer_group"), p.String("description"),
            new Dictionary<string, string>(metadata?.Set.Where(e => e.Value.Length > 0) ?? [], StringComparer.Ordinal), Now);
        _transfers.Add(transfer);
        webhooks.Publish("transfer.created", RenderTransfer(transfer, Empty), transfer.Id, request);
        return RenderTransfer(transfer, expand);
    }

    public JsonObject RetrieveTransfer(string id, StripeParameters p)
    {
        p.OnlyAllow("expand");
        var expand = p.Expand("destination");
        return RenderTransfer(_transfers.Find(t => t.Id == id) ?? throw StripeError.NoSuch("transfer", id, "id"), expand);
    }

    /// <summary>"List all transfers": newest first, <c>limit</c> 1..100 (10), filtered by destination and transfer group, paged by <c>starting_after</c>/<c>ending_before</c>.</summary>
    public JsonObject ListTransfers(StripeParameters p)
    {
        p.OnlyAllow("limit", "destination", "transfer_group", "starting_after", "ending_before", "expand");
        var expand = p.Expand("data.destination");
        var destination = p.String("destination");
        var group = p.String("transfer_group");
        var newestFirst = Enumerable.Reverse(_transfers).Where(t => (destination is null || t.Destination == destination) && (group is null || t.TransferGroup == group)).ToList();
        var itemExpand = expand.Contains("data.destination") ? new HashSet<string>(StringComparer.Ordinal) { "destination" } : Empty;
        return Page(p, newestFirst, t => t.Id, t => RenderTransfer(t, itemExpand), "transfer", "/v1/transfers");
    }

    // ---- Balance ----

    /// <summary>"Retrieve balance": available per currency (the account's currency always listed), nothing pending.</summary>
    public JsonObject RetrieveBalance(StripeParameters p)
    {
        p.OnlyAllow("expand");
        p.Expand();
        JsonArray PerCurrency(Func<long, long> amount) => new([.. _available.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => (JsonNode)new JsonObject
        {
            ["amount"] = amount(e.Value),
            ["currency"] = e.Key,
            ["source_types"] = new JsonObject { ["card"] = amount(e.Value) },
        })]);
        return new JsonObject
        {
            ["object"] = "balance",
            ["available"] = PerCurrency(a => a),
            ["connect_reserved"] = new JsonArray([.. _available.Keys.Order(StringComparer.Ordinal).Select(c => (JsonNode)new JsonObject { ["amount"] = 0, ["currency"] = c })]),
            ["livemode"] = false,
            ["pending"] = PerCurrency(_ => 0),
        };
    }

    // ---- Rendering ----

    private static JsonObject RenderAccount(ConnectedAccount a)
    {
        var onboarded = a.DetailsSubmitted;
        var due = onboarded ? new JsonArray() : new JsonArray([.. OnboardingRequirements.Select(r => (JsonNode)r)]);
        var capabilities = new JsonObject();
        foreach (var (name, status) in a.Capabilities) { capabilities[name] = status; }
        return new JsonObject
        {
            ["id"] = a.Id,
            ["object"] = "account",
            ["business_profile"] = new JsonObject
            {
                ["annual_revenue"] = null, ["estimated_worker_count"] = null, ["mcc"] = null, ["name"] = null, ["product_description"] = null,
                ["support_address"] = null, ["support_email"] = null, ["support_phone"] = null, ["support_url"] = null, ["url"] = null,
            },
            ["business_type"] = a.BusinessType,
            ["capabilities"] = capabilities,
            ["charges_enabled"] = a.Capabilities.GetValueOrDefault("card_payments") == "active",
            ["controller"] = new JsonObject
            {
                ["fees"] = new JsonObject { ["payer"] = "application" },
                ["is_controller"] = true,
                ["losses"] = new JsonObject { ["payments"] = "application" },
                ["requirement_collection"] = "stripe",
                ["stripe_dashboard"] = new JsonObject { ["type"] = "express" },
                ["type"] = "application",
            },
            ["country"] = a.Country,
            ["created"] = a.Created,
            ["default_currency"] = a.DefaultCurrency,
            ["details_submitted"] = onboarded,
            ["email"] = a.Email,
            ["external_accounts"] = new JsonObject
            {
                ["object"] = "list", ["data"] = new JsonArray(), ["has_more"] = false, ["total_count"] = 0, ["url"] = $"/v1/accounts/{a.Id}/external_accounts",
            },
            ["future_requirements"] = Requirements(new JsonArray(), null),
            ["livemode"] = false,
            ["metadata"] = Metadata(a.Metadata),
            ["payouts_enabled"] = onboarded,
            ["requirements"] = Requirements(due, onboarded ? null : "requirements.past_due"),
            ["settings"] = new JsonObject
            {
                ["payouts"] = new JsonObject
                {
                    ["debit_negative_balances"] = true,
                    ["schedule"] = new JsonObject { ["delay_days"] = 2, ["interval"] = "daily" },
                    ["statement_descriptor"] = null,
                },
            },
            ["tos_acceptance"] = new JsonObject { ["date"] = a.TosAcceptedAt },
            ["type"] = "express",
        };
    }

    private static JsonObject Requirements(JsonArray due, string? disabledReason) => new()
    {
        ["alternatives"] = new JsonArray(),
        ["current_deadline"] = null,
        ["currently_due"] = due.DeepClone(),
        ["disabled_reason"] = disabledReason,
        ["errors"] = new JsonArray(),
        ["eventually_due"] = due.DeepClone(),
        ["past_due"] = due.DeepClone(),
        ["pending_verification"] = new JsonArray(),
    };

    private JsonObject RenderTransfer(Transfer t, IReadOnlySet<string> expand) => new()
    {
        ["id"] = t.Id,
        ["object"] = "transfer",
        ["amount"] = t.Amount,
        ["amount_reversed"] = 0,
        ["balance_transaction"] = t.BalanceTransaction,
        ["created"] = t.Created,
        ["currency"] = t.Currency,
        ["description"] = t.Description,
        ["destination"] = expand.Contains("destination") ? RenderAccount(_accounts[t.Destination]) : t.Destination,
        ["destination_payment"] = t.DestinationPayment,
        ["livemode"] = false,
        ["metadata"] = Metadata(t.Metadata),
        ["reversals"] = new JsonObject
        {
            ["object"] = "list", ["data"] = new JsonArray(), ["has_more"] = false, ["total_count"] = 0, ["url"] = $"/v1/transfers/{t.Id}/reversals",
        },
        ["reversed"] = false,
        ["source_transaction"] = null,
        ["source_type"] = "card",
        ["transfer_group"] = t.TransferGroup,
    };

    private sealed class ConnectedAccount
    {
        public required string Id { get; init; }
        public required string Country { get; init; }
        public required string DefaultCurrency { get; init; }
        public string? Email { get; init; }
        public string? BusinessType { get; init; }

        /// <summary>Requested capabilities: inactive until onboarding, then active.</summary>
        public required SortedDictionary<string, string> Capabilities { get; init; }
        public required Dictionary<string, string> Metadata { get; init; }
        public required long Created { get; init; }
        public bool DetailsSubmitted { get; set; }
        public long? TosAcceptedAt { get; set; }
    }

    private sealed record AccountLink(string Token, string Account, Uri RefreshUrl, Uri ReturnUrl, long Created, long ExpiresAt)
    {
        public bool Visited { get; set; }
    }

    private sealed record Transfer(
        string Id, long Amount, string Currency, string Destination, string DestinationPayment, string BalanceTransaction, string? TransferGroup,
        string? Description, Dictionary<string, string> Metadata, long Created);
}
