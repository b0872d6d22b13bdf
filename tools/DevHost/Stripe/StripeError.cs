using System.Text.Json.Nodes;

namespace DaprPlatform.DevHost.Stripe;

/// <summary>
/// One of Stripe's error answers ("Errors"): HTTP status plus <c>{"error":{type, code?, decline_code?, message, param?,
/// doc_url?, charge?, payment_intent?}}</c>. <paramref name="Validation"/> marks a request refused before the endpoint ran
/// (bad or missing parameters): Stripe does not save those under an Idempotency-Key, so a corrected retry may reuse it.
/// </summary>
internal sealed class StripeError(int status, string type, string message, string? code = null, string? param = null, bool validation = false)
    : Exception(message)
{
    public int Status { get; } = status;

    public string Type { get; } = type;

    public string? Code { get; } = code;

    public string? Param { get; } = param;

    public bool Validation { get; } = validation;

    public string? DeclineCode { get; init; }

    public string? Charge { get; init; }

    public JsonObject? PaymentIntent { get; init; }

    public JsonObject ToJson(string requestId)
    {
        var error = new JsonObject();
        if (Charge is not null) { error["charge"] = Charge; }
        if (Code is not null)
        {
            error["code"] = Code;
            error["doc_url"] = $"https://stripe.com/docs/error-codes/{Code.Replace('_', '-')}";
        }

        if (DeclineCode is not null) { error["decline_code"] = DeclineCode; }
        error["message"] = Message;
        if (Param is not null) { error["param"] = Param; }
        if (PaymentIntent is not null) { error["payment_intent"] = PaymentIntent.DeepClone(); }
        error["request_log_url"] = $"https://dashboard.stripe.com/test/logs/{requestId}";
        error["type"] = Type;
        return new JsonObject { ["error"] = error };
    }

    /// <summary>400 invalid_request_error about one parameter, raised while reading the request.</summary>
    public static StripeError InvalidParameter(string param, string message, string? code = null) =>
        new(400, "invalid_request_error", message, code, param, validation: true);

    public static StripeError UnknownParameter(string param) =>
        InvalidParameter(param, $"Received unknown parameter: {param}", "parameter_unknown");

    public static StripeError MissingParameter(string param) =>
        InvalidParameter(param, $"Missing required param: {param}.", "parameter_missing");

    /// <summary>404 for an id in the path; a missing object named by a parameter is 400 with that param.</summary>
    public static StripeError NoSuch(string objectName, string id, string param, int status = 404) =>
        new(status, "invalid_request_error", $"No such {objectName}: '{id}'", "resource_missing", param);

    /// <summary>
    /// 500 api_error: the stand-in itself failed ("API errors cover any other type of problem, e.g. a temporary problem
    /// with Stripe's servers"), with Stripe's error object rather than an empty answer, so Stripe.net reports it as Stripe's.
    /// </summary>
    public static StripeError ApiError(string doing, Exception fault) =>
        new(500, "api_error", $"The DevHost Stripe stand-in failed while {doing}: {fault.GetType().Name}: {fault.Message}");

    public static StripeError UnexpectedState(string message, JsonObject paymentIntent) =>
        new(400, "invalid_request_error", message, "payment_intent_unexpected_state") { PaymentIntent = paymentIntent };
}
