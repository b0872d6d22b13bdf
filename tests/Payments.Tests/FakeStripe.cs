using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DaprPlatform.Payments.Tests;

/// <summary>One request as the fake Stripe received it; the form is parsed from the raw body.</summary>
public sealed record StripeCall(
    string Method,
    string Path,
    string RawBody,
    IReadOnlyDictionary<string, string> Form,
    string? ContentType,
    string? Authorization,
    string? StripeVersion,
    string? IdempotencyKey);

/// <summary>
/// An in-test Kestrel server answering like Stripe's REST API for the endpoints payments calls: PaymentIntents
/// (create, retrieve, confirm with the test methods, cancel), Refunds and Customers, with Stripe's object and error
/// shapes, a <c>Request-Id</c> header, and idempotent replays of POSTs by <c>Idempotency-Key</c>. Faults can be
/// queued to make the next calls fail as Stripe does when overloaded or down.
/// </summary>
public sealed partial class FakeStripe : IAsyncDisposable
{
    public const string SecretKey = "sk_test_payments_fake";

    private readonly ConcurrentDictionary<string, JsonObject> _intents = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, JsonObject> _customers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Status, string Body)> _replays = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string PathContains, int Status, string Body, bool? ShouldRetry)> _faults = new();
    private readonly Lock _gate = new();
    private LoopbackApp? _server;

    public Uri BaseUrl => _server?.BaseAddress ?? throw new InvalidOperationException("Not started.");

    public ConcurrentQueue<StripeCall> Calls { get; } = new();

    /// <summary>Runs after a call is recorded and before it is answered: lets a test make something happen "meanwhile".</summary>
    public Func<StripeCall, Task>? BeforeAnswering { get; set; }

    public static async Task<FakeStripe> StartAsync()
    {
        var stripe = new FakeStripe();
        stripe._server = await LoopbackApp.StartAsync(app => app.Run(stripe.HandleAsync));
        return stripe;
    }

    public IReadOnlyList<StripeCall> CallsTo(string method, string pathContains) =>
        Calls.Where(c => c.Method == method && c.Path.Contains(pathContains, StringComparison.Ordinal)).ToList();

    /// <summary>
    /// The next <paramref name="times"/> requests whose path contains <paramref name="pathContains"/> get this error;
    /// <paramref name="shouldRetry"/> sends Stripe's <c>Stripe-Should-Retry</c> advice, which Stripe.net obeys.
    /// </summary>
    public void FailNext(string pathContains, int status, string type, string? code = null, int times = 1, bool? shouldRetry = null)
    {
        var body = ErrorBody(type, code, $"Simulated {status} {type}.", null, null, null);
        for (var i = 0; i < times; i++)
        {
            _faults.Enqueue((pathContains, status, body, shouldRetry));
        }
    }

    /// <summary>Makes an intent succeed as if the customer paid elsewhere (e.g. in the browser).</summary>
    public void Succeed(string intentId)
    {
        lock (_gate)
        {
            var pi = _intents[intentId];
            pi["status"] = "succeeded";
            pi["amount_received"] = pi["amount"]!.GetValue<long>();
            pi["latest_charge"] = "ch_" + intentId[3..];
        }
    }

    /// <summary>Puts an intent into a state, e.g. processing (a bank debit that has not settled).</summary>
    public void SetStatus(string intentId, string status)
    {
        lock (_gate)
        {
            _intents[intentId]["status"] = status;
        }
    }

    public JsonObject Intent(string intentId)
    {
        lock (_gate)
        {
            return (JsonObject)_intents[intentId].DeepClone();
        }
    }

    public int IntentCount => _intents.Count;

    public int CustomerCount => _customers.Count;

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        using var reader = new StreamReader(request.Body);
        var raw = await reader.ReadToEndAsync(context.RequestAborted);
        // Stripe.net sends a GET's parameters (list filters, expand[]) in the query string.
        var form = ParseForm(request.Method == "GET" ? (request.QueryString.Value ?? string.Empty).TrimStart('?') : raw);
        var key = request.Headers["Idempotency-Key"].ToString();
        var call = new StripeCall(
            request.Method,
            request.Path.Value ?? "/",
            raw,
            form,
            request.ContentType,
            request.Headers.Authorization.ToString(),
            request.Headers["Stripe-Version"].ToString(),
            string.IsNullOrEmpty(key) ? null : key);
        Calls.Enqueue(call);
        if (BeforeAnswering is { } meanwhile) { await meanwhile(call); }
        context.Response.Headers["Request-Id"] = "req_" + Guid.NewGuid().ToString("N")[..14];

        if (call.Authorization != "Bearer " + SecretKey)
        {
            await WriteAsync(context, 401, ErrorBody("invalid_request_error", null, "Invalid API Key provided.", null, null, null));
            return;
        }

        if (_faults.TryPeek(out var fault) && call.Path.Contains(fault.PathContains, StringComparison.Ordinal) && _faults.TryDequeue(out fault))
        {
            // Stripe saves no idempotent result for a request it did not start executing (429, most 5xx).
            if (fault.ShouldRetry is { } retry)
            {
                context.Response.Headers["Stripe-Should-Retry"] = retry ? "true" : "false";
            }

            await WriteAsync(context, fault.Status, fault.Body);
            return;
        }

        var replayKey = call.Method == "POST" && call.IdempotencyKey is { } k ? k : null;
        (int Status, string Body) result;
        var replayed = false;
        // One request at a time, replay lookup included: concurrent requests with one key get one result, as at Stripe.
        lock (_gate)
        {
            if (replayKey is not null && _replays.TryGetValue(replayKey, out var saved))
            {
                result = saved;
                replayed = true;
            }
            else
            {
                result = Route(call);
                if (replayKey is not null)
                {
                    _replays[replayKey] = result;
                }
            }
        }

        if (replayed)
        {
            context.Response.Headers["Idempotent-Replayed"] = "true";
        }

        await WriteAsync(context, result.Status, result.Body);
    }

    private (int, string) Route(StripeCall call)
    {
        var parts = call.Path.Trim('/').Split('/');
        return (call.Method, parts) switch
        {
            ("POST", ["v1", "customers"]) => CreateCustomer(call.Form),
            ("GET", ["v1", "customers", var id]) => _customers.TryGetValue(id, out var c) ? (200, c.ToJsonString()) : Missing("customer", id),
            ("POST", ["v1", "payment_intents"]) => CreateIntent(call.Form),
            ("GET", ["v1", "payment_intents", var id]) => _intents.TryGetValue(id, out var pi) ? (200, pi.ToJsonString()) : Missing("payment_intent", id),
            ("POST", ["v1", "payment_intents", var id, "confirm"]) => Confirm(id, call.Form),
            ("POST", ["v1", "payment_intents", var id, "cancel"]) => Cancel(id, call.Form),
            ("POST", ["v1", "refunds"]) => CreateRefund(call.Form),
            _ => RouteBilling(call, parts) ?? (404, ErrorBody("invalid_request_error", null, $"Unrecognized request URL ({call.Method}: {call.Path}).", null, null, null)),
        };
    }

    private (int, string) CreateCustomer(IReadOnlyDictionary<string, string> form)
    {
        var id = "cus_" + Guid.NewGuid().ToString("N")[..14];
        var customer = new JsonObject
        {
            ["id"] = id,
            ["object"] = "customer",
            ["email"] = form.GetValueOrDefault("email"),
            ["name"] = form.GetValueOrDefault("name"),
            ["metadata"] = Metadata(form, "metadata"),
            ["test_clock"] = form.GetValueOrDefault("test_clock"),
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["livemode"] = false,
        };
        _customers[id] = customer;
        return (200, customer.ToJsonString());
    }

    private (int, string) CreateIntent(IReadOnlyDictionary<string, string> form)
    {
        if (!form.TryGetValue("amount", out var amountText) || !long.TryParse(amountText, out var amount))
        {
            return (400, ErrorBody("invalid_request_error", "parameter_missing", "Missing required param: amount.", null, "amount", null));
        }

        if (amount < 50)
        {
            return (400, ErrorBody("invalid_request_error", "amount_too_small", "Amount must be at least $0.50 usd", null, "amount", null));
        }

        if (!form.TryGetValue("currency", out var currency) || currency != currency.ToLowerInvariant())
        {
            return (400, ErrorBody("invalid_request_error", "parameter_invalid", "Invalid currency.", null, "currency", null));
        }

        var id = "pi_" + Guid.NewGuid().ToString("N")[..24];
        var pi = new JsonObject
        {
            ["id"] = id,
            ["object"] = "payment_intent",
            ["amount"] = amount,
            ["amount_received"] = 0L,
            ["currency"] = currency,
            ["status"] = "requires_payment_method",
            ["client_secret"] = id + "_secret_" + Guid.NewGuid().ToString("N")[..12],
            ["description"] = form.GetValueOrDefault("description"),
            ["customer"] = form.GetValueOrDefault("customer"),
            ["metadata"] = Metadata(form, "metadata"),
            ["last_payment_error"] = null,
            ["latest_charge"] = null,
            ["cancellation_reason"] = null,
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["livemode"] = false,
            ["amount_refunded_total"] = 0L,
        };
        _intents[id] = pi;
        return (200, Public(pi));
    }

    private (int, string) Confirm(string id, IReadOnlyDictionary<string, string> form)
    {
        if (!_intents.TryGetValue(id, out var pi))
        {
            return Missing("payment_intent", id);
        }

        var status = pi["status"]!.GetValue<string>();
        if (status is "succeeded" or "canceled")
        {
            return (400, ErrorBody("invalid_request_error", "payment_intent_unexpected_state",
                $"This PaymentIntent's status is {status}, so it cannot be confirmed.", null, null, Public(pi)));
        }

        switch (form.GetValueOrDefault("payment_method"))
        {
            case "pm_card_visa" or "pm_card_mastercard":
                pi["status"] = "succeeded";
                pi["amount_received"] = pi["amount"]!.GetValue<long>();
                pi["latest_charge"] = "ch_" + id[3..];
                pi["last_payment_error"] = null;
                return (200, Public(pi));
            case "pm_card_chargeDeclined" or "pm_card_chargeDeclinedInsufficientFunds":
                var decline = form["payment_method"] == "pm_card_chargeDeclined" ? "generic_decline" : "insufficient_funds";
                pi["status"] = "requires_payment_method";
                pi["last_payment_error"] = new JsonObject
                {
                    ["type"] = "card_error",
                    ["code"] = "card_declined",
                    ["decline_code"] = decline,
                    ["message"] = "Your card was declined.",
                };
                return (402, ErrorBody("card_error", "card_declined", "Your card was declined.", decline, null, Public(pi)));
            default:
                return (400, ErrorBody("invalid_request_error", "resource_missing", "No such PaymentMethod.", null, "payment_method", null));
        }
    }

    private (int, string) Cancel(string id, IReadOnlyDictionary<string, string> form)
    {
        if (!_intents.TryGetValue(id, out var pi))
        {
            return Missing("payment_intent", id);
        }

        var status = pi["status"]!.GetValue<string>();
        if (status is "succeeded" or "canceled" or "processing")
        {
            return (400, ErrorBody("invalid_request_error", "payment_intent_unexpected_state",
                $"You cannot cancel this PaymentIntent because it has a status of {status}.", null, null, Public(pi)));
        }

        pi["status"] = "canceled";
        pi["cancellation_reason"] = form.GetValueOrDefault("cancellation_reason");
        return (200, Public(pi));
    }

    private (int, string) CreateRefund(IReadOnlyDictionary<string, string> form)
    {
        if (!form.TryGetValue("payment_intent", out var intentId) || !_intents.TryGetValue(intentId, out var pi))
        {
            return Missing("payment_intent", intentId ?? "(none)");
        }

        if (pi["status"]!.GetValue<string>() != "succeeded")
        {
            return (400, ErrorBody("invalid_request_error", "charge_not_refundable", "This PaymentIntent has no successful charge to refund.", null, "payment_intent", null));
        }

        var received = pi["amount_received"]!.GetValue<long>();
        var refunded = pi["amount_refunded_total"]!.GetValue<long>();
        var amount = form.TryGetValue("amount", out var text) ? long.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : received - refunded;
        if (refunded >= received)
        {
            return (400, ErrorBody("invalid_request_error", "charge_already_refunded", "Charge has already been refunded.", null, null, null));
        }

        if (amount <= 0 || amount > received - refunded)
        {
            return (400, ErrorBody("invalid_request_error", "amount_too_large", "Refund amount is greater than unrefunded amount on charge.", null, "amount", null));
        }

        pi["amount_refunded_total"] = refunded + amount;
        var refund = new JsonObject
        {
            ["id"] = "re_" + Guid.NewGuid().ToString("N")[..24],
            ["object"] = "refund",
            ["amount"] = amount,
            ["currency"] = pi["currency"]!.GetValue<string>(),
            ["status"] = "succeeded",
            ["payment_intent"] = intentId,
            ["charge"] = pi["latest_charge"]?.GetValue<string>(),
            ["reason"] = form.GetValueOrDefault("reason"),
            ["metadata"] = Metadata(form, "metadata"),
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        };
        return (200, refund.ToJsonString());
    }

    /// <summary>The intent without the fake's own bookkeeping field.</summary>
    private static string Public(JsonObject pi)
    {
        var copy = (JsonObject)pi.DeepClone();
        copy.Remove("amount_refunded_total");
        return copy.ToJsonString();
    }

    private static JsonObject Metadata(IReadOnlyDictionary<string, string> form, string prefix)
    {
        var metadata = new JsonObject();
        foreach (var (key, value) in form)
        {
            if (key.StartsWith(prefix + "[", StringComparison.Ordinal) && key.EndsWith(']'))
            {
                metadata[key[(prefix.Length + 1)..^1]] = value;
            }
        }

        return metadata;
    }

    private static (int, string) Missing(string kind, string id) =>
        (404, ErrorBody("invalid_request_error", "resource_missing", $"No such {kind}: '{id}'", null, "id", null));

    public static string ErrorBody(string type, string? code, string message, string? declineCode, string? param, string? paymentIntentJson)
    {
        var error = new JsonObject { ["type"] = type, ["message"] = message };
        if (code is not null)
        {
            error["code"] = code;
            error["doc_url"] = "https://stripe.com/docs/error-codes/" + code.Replace('_', '-');
        }

        if (declineCode is not null)
        {
            error["decline_code"] = declineCode;
        }

        if (param is not null)
        {
            error["param"] = param;
        }

        if (paymentIntentJson is not null)
        {
            error["payment_intent"] = JsonNode.Parse(paymentIntentJson);
        }

        return new JsonObject { ["error"] = error }.ToJsonString();
    }

    /// <summary>Parses application/x-www-form-urlencoded exactly as sent (brackets literal or percent-encoded).</summary>
    public static IReadOnlyDictionary<string, string> ParseForm(string raw)
    {
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, values) in Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(raw))
        {
            form[key] = values.ToString();
        }

        return form;
    }

    private static async Task WriteAsync(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
