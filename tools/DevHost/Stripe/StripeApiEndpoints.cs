using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DaprPlatform.DevHost.Stripe;

/// <summary>
/// Stripe's v1 REST surface for the objects the payments service uses (Connect's accounts, account links, transfers and
/// balance included), with Stripe's request rules: secret-key auth
/// (Bearer, or Basic with the key as user name), form-encoded parameters, JSON answers with a <c>Request-Id</c> header,
/// Stripe's error object, and idempotent POSTs ("Idempotent requests").
/// </summary>
internal static class StripeApiEndpoints
{
    /// <summary>Stripe writes quotes and apostrophes as they are, not as \u0027 escapes.</summary>
    internal static readonly JsonSerializerOptions Wire = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private delegate (int Status, JsonObject Body) Handler(StripeParameters parameters, StripeRequestInfo request);

    public static void Map(IEndpointRouteBuilder app, StripeLedger ledger, StripeWebhooks webhooks, StripeIdempotency idempotency, StripeThrottle throttle, StripeStandInOptions options)
    {
        app.MapMethods("/v1/{**path}", ["GET", "POST", "DELETE"], async (string? path, HttpContext context) =>
        {
            var requestId = "req_" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 14);
            var response = context.Response;
            response.Headers["Request-Id"] = requestId;
            var (status, body) = await HandleAsync(context, path ?? "", requestId, ledger, webhooks, idempotency, throttle, options);
            response.StatusCode = status;
            response.ContentType = "application/json";
            await response.WriteAsync(body, context.RequestAborted);
        });
    }

    private static async Task<(int Status, string Body)> HandleAsync(
        HttpContext context, string path, string requestId, StripeLedger ledger, StripeWebhooks webhooks, StripeIdempotency idempotency, StripeThrottle throttle,
        StripeStandInOptions options)
    {
        var method = context.Request.Method;
        var headers = context.Response.Headers;
        try
        {
            var apiKey = Authenticate(context.Request);
            // "Versioning": the Stripe-Version header picks the version for this request, else the account's applies.
            var version = context.Request.Headers["Stripe-Version"] is { Count: > 0 } asked ? asked.ToString() : options.ApiVersion;
            if (StripeApiVersions.Problem(version) is { } invalid) { throw new StripeError(400, "invalid_request_error", invalid); }
            headers["Stripe-Version"] = version;
            if (throttle.Next() is { } limited)
            {
                // "Rate limits": refused before it runs, so nothing is saved under its Idempotency-Key.
                if (limited.ShouldRetry) { headers["Stripe-Should-Retry"] = "true"; }
                throw limited.Error;
            }

            var handler = Route(method, path.TrimEnd('/').Split('/'), ledger, webhooks)
                ?? throw new StripeError(404, "invalid_request_error",
                    $"Unrecognized request URL ({method}: /v1/{path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.");
            var parameters = await StripeParameters.ReadAsync(context.Request, context.RequestAborted);
            var key = method == "POST" && context.Request.Headers["Idempotency-Key"] is { Count: > 0 } header ? header.ToString() : null;
            if (key is { Length: > 255 })
            {
                throw new StripeError(400, "invalid_request_error", "Idempotency-Key is too long: keys can be at most 255 characters.", validation: true);
            }

            if (key is not null) { headers["Idempotency-Key"] = key; }
            var request = new StripeRequestInfo(requestId, key, version);
            var endpoint = $"{method} /v1/{path}";
            lock (ledger.Gate)
            {
                // Billing's work that fell due for customers without a test clock runs before the request sees the account.
                // Its fault is not this request's result: answered as Stripe's api_error, nothing saved under the key.
                try
                {
                    ledger.RunDue();
                }
                catch (Exception fault) when (fault is not StripeError)
                {
                    throw StripeError.ApiError("running Billing's due work (renewals, charges, retries)", fault);
                }

                // GETs ignore the key; a POST whose key was seen replays the saved answer, if the request is the same one.
                if (key is not null && idempotency.Find(apiKey, key) is { } saved)
                {
                    if (saved.Endpoint != endpoint)
                    {
                        throw new StripeError(400, "idempotency_error",
                            $"Keys for idempotent requests can only be used for the same endpoint they were first used for ('{saved.Endpoint}' vs '{endpoint}'). Try using a key other than '{key}' if you meant to execute a different request.");
                    }

                    if (saved.Parameters != parameters.Canonical)
                    {
                        throw new StripeError(400, "idempotency_error",
                            $"Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request.");
                    }

                    // "Idempotent requests": the first answer again, marked as a replay of the request that made it.
                    headers["Idempotent-Replayed"] = "true";
                    headers["Original-Request"] = saved.RequestId;
                    return (saved.Status, saved.Body);
                }

                int status;
                string body;
                try
                {
                    var (okStatus, json) = handler(parameters, request);
                    (status, body) = (okStatus, json.ToJsonString(Wire));
                }
                catch (StripeError error) when (!error.Validation)
                {
                    // The endpoint ran: its failure is the request's result and is saved like a success.
                    (status, body) = (error.Status, error.ToJson(requestId).ToJsonString(Wire));
                }
                catch (Exception fault) when (fault is not StripeError)
                {
                    // The stand-in failed inside the endpoint: Stripe's 500 api_error, saved like any result ("including 500 errors").
                    (status, body) = (500, StripeError.ApiError($"handling {endpoint}", fault).ToJson(requestId).ToJsonString(Wire));
                }

                if (key is not null) { idempotency.Save(apiKey, key, new StripeIdempotency.SavedResponse(endpoint, parameters.Canonical, status, body, requestId)); }
                return (status, body);
            }
        }
        catch (StripeError error)
        {
            return (error.Status, error.ToJson(requestId).ToJsonString(Wire));
        }
    }

    /// <summary>Routes by path segments; null for a URL Stripe would not recognise.</summary>
    private static Handler? Route(string method, string[] s, StripeLedger ledger, StripeWebhooks webhooks) => (method, s) switch
    {
        ("POST", ["payment_intents"]) => ledger.CreatePaymentIntent,
        ("GET", ["payment_intents", var id]) => (p, r) => (200, ledger.RetrievePaymentIntent(id, p, r)),
        ("POST", ["payment_intents", var id, "confirm"]) => (p, r) => (200, ledger.ConfirmPaymentIntent(id, p, r)),
        ("POST", ["payment_intents", var id, "cancel"]) => (p, r) => (200, ledger.CancelPaymentIntent(id, p, r)),
        ("POST", ["refunds"]) => (p, r) => (200, ledger.CreateRefund(p, r)),
        ("GET", ["refunds", var id]) => (p, r) => (200, ledger.RetrieveRefund(id, p, r)),
        ("GET", ["charges", var id]) => (p, r) => (200, ledger.RetrieveCharge(id, p, r)),
        ("POST", ["customers"]) => (p, r) => (200, ledger.CreateCustomer(p, r)),
        ("GET", ["customers", var id]) => (p, _) => (200, ledger.RetrieveCustomer(id, p)),
        ("POST", ["customers", var id]) => (p, r) => (200, ledger.UpdateCustomer(id, p, r)),
        ("GET", ["customers"]) => (p, _) => (200, ledger.ListCustomers(p)),
        ("GET", ["payment_methods"]) => (p, _) => (200, ledger.ListPaymentMethods(null, p)),
        ("GET", ["customers", var id, "payment_methods"]) => (p, _) => (200, ledger.ListPaymentMethods(id, p)),
        ("GET", ["payment_methods", var id]) => (p, _) => (200, ledger.RetrievePaymentMethod(id, p)),
        ("POST", ["payment_methods", var id, "attach"]) => (p, r) => (200, ledger.AttachPaymentMethod(id, p, r)),
        ("POST", ["payment_methods", var id, "detach"]) => (p, r) => (200, ledger.DetachPaymentMethod(id, p, r)),
        ("POST", ["products"]) => (p, r) => (200, ledger.CreateProduct(p, r)),
        ("GET", ["products"]) => (p, _) => (200, ledger.ListProducts(p)),
        ("GET", ["products", var id]) => (p, _) => (200, ledger.RetrieveProduct(id, p)),
        ("POST", ["products", var id]) => (p, r) => (200, ledger.UpdateProduct(id, p, r)),
        ("POST", ["prices"]) => (p, r) => (200, ledger.CreatePrice(p, r)),
        ("GET", ["prices"]) => (p, _) => (200, ledger.ListPrices(p)),
        ("GET", ["prices", var id]) => (p, _) => (200, ledger.RetrievePrice(id, p)),
        ("POST", ["prices", var id]) => (p, r) => (200, ledger.UpdatePrice(id, p, r)),
        ("POST", ["subscriptions"]) => (p, r) => (200, ledger.CreateSubscription(p, r)),
        ("GET", ["subscriptions"]) => (p, r) => (200, ledger.ListSubscriptions(p, r)),
        ("GET", ["subscriptions", var id]) => (p, r) => (200, ledger.RetrieveSubscription(id, p, r)),
        ("POST", ["subscriptions", var id]) => (p, r) => (200, ledger.UpdateSubscription(id, p, r)),
        ("DELETE", ["subscriptions", var id]) => (p, r) => (200, ledger.CancelSubscription(id, p, r)),
        ("GET", ["invoices"]) => (p, r) => (200, ledger.ListInvoices(p, r)),
        ("GET", ["invoices", var id]) => (p, r) => (200, ledger.RetrieveInvoice(id, p, r)),
        ("GET", ["invoices", var id, "lines"]) => (p, _) => (200, ledger.ListInvoiceLines(id, p)),
        ("POST", ["invoices", var id, "pay"]) => (p, r) => (200, ledger.PayInvoice(id, p, r)),
        ("POST", ["invoices", var id, "void"]) => (p, r) => (200, ledger.VoidInvoice(id, p, r)),
        ("POST", ["invoices", var id, "mark_uncollectible"]) => (p, r) => (200, ledger.MarkInvoiceUncollectible(id, p, r)),
        ("POST", ["test_helpers", "test_clocks"]) => (p, r) => (200, ledger.CreateTestClock(p, r)),
        ("GET", ["test_helpers", "test_clocks"]) => (p, _) => (200, ledger.ListTestClocks(p)),
        ("GET", ["test_helpers", "test_clocks", var id]) => (p, _) => (200, ledger.RetrieveTestClock(id, p)),
        ("DELETE", ["test_helpers", "test_clocks", var id]) => (p, r) => (200, ledger.DeleteTestClock(id, p, r)),
        ("POST", ["test_helpers", "test_clocks", var id, "advance"]) => (p, r) => (200, ledger.AdvanceTestClock(id, p, r)),
        ("POST", ["accounts"]) => (p, r) => (200, ledger.CreateAccount(p, r)),
        ("GET", ["accounts", var id]) => (p, _) => (200, ledger.RetrieveAccount(id, p)),
        ("POST", ["account_links"]) => (p, r) => (200, ledger.CreateAccountLink(p, r)),
        ("POST", ["transfers"]) => (p, r) => (200, ledger.CreateTransfer(p, r)),
        ("GET", ["transfers"]) => (p, _) => (200, ledger.ListTransfers(p)),
        ("GET", ["transfers", var id]) => (p, _) => (200, ledger.RetrieveTransfer(id, p)),
        ("GET", ["balance"]) => (p, _) => (200, ledger.RetrieveBalance(p)),
        ("GET", ["events", var id]) => (p, _) =>
        {
            p.OnlyAllow();
            return (200, webhooks.Find(id)?.Event.DeepClone().AsObject() ?? throw StripeError.NoSuch("event", id, "id"));
        },
        _ => null,
    };

    /// <summary>
    /// "Authentication": the secret key as a Bearer token, or as the Basic user name (password empty). Any test-mode
    /// secret key (<c>sk_test_…</c>) is accepted, all of one account; each key has its own idempotency keys.
    /// </summary>
    private static string Authenticate(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            throw new StripeError(401, "invalid_request_error",
                "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.");
        }

        string? key = null;
        if (AuthenticationHeaderValue.TryParse(header, out var parsed) && parsed.Parameter is { } value)
        {
            if (parsed.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase)) { key = value; }
            else if (parsed.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase)) { key = BasicUser(value); }
        }

        if (key is null)
        {
            throw new StripeError(401, "invalid_request_error",
                "Invalid Authorization header: use Bearer auth with your secret key (e.g. 'Authorization: Bearer sk_test_...'), or Basic auth with the key as the user name.");
        }

        if (key.StartsWith("sk_test_", StringComparison.Ordinal) && key.Length > "sk_test_".Length) { return key; }
        var hint = key.StartsWith("sk_live_", StringComparison.Ordinal) ? " The DevHost stand-in serves test mode only; live keys belong to api.stripe.com." : "";
        throw new StripeError(401, "invalid_request_error", $"Invalid API Key provided: {Redact(key)}.{hint}");
    }

    private static string? BasicUser(string encoded)
    {
        try
        {
            var decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? decoded : decoded[..colon];
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Stripe never echoes a whole key: "sk_test_********************1234".</summary>
    private static string Redact(string key) =>
        key.Length <= 12 ? new string('*', key.Length) : key[..8] + new string('*', key.Length - 12) + key[^4..];
}
