namespace DaprPlatform.DevHost.Stripe;

/// <summary>What the control API's throttle is set to: how many API requests are still refused with 429, and how.</summary>
/// <param name="Code"><c>rate_limit</c> (too many requests) or <c>lock_timeout</c> (an object busy with another request).</param>
/// <param name="Refused">429s answered since the throttle was set.</param>
public sealed record StripeThrottleView(int Remaining, string Code, int Refused);

/// <summary>
/// The next N API requests answered 429 ("Rate limits"), set through <c>POST /standin/throttle</c>: <c>rate_limit</c> as
/// Stripe answers too many requests (its libraries do not retry those), <c>lock_timeout</c> as it answers a request for
/// an object another request holds, with <c>Stripe-Should-Retry: true</c> (which Stripe's libraries do retry).
/// </summary>
internal sealed class StripeThrottle
{
    public const string RateLimit = "rate_limit";
    public const string LockTimeout = "lock_timeout";

    private readonly Lock _gate = new();
    private StripeThrottleView _state = new(0, RateLimit, 0);

    public StripeThrottleView View
    {
        get
        {
            lock (_gate) { return _state; }
        }
    }

    public StripeThrottleView Set(int requests, string code)
    {
        lock (_gate) { return _state = new(requests, code, 0); }
    }

    /// <summary>The refusal for this request, or null when it may run.</summary>
    public (StripeError Error, bool ShouldRetry)? Next()
    {
        lock (_gate)
        {
            if (_state.Remaining == 0) { return null; }
            _state = _state with { Remaining = _state.Remaining - 1, Refused = _state.Refused + 1 };
            return _state.Code == LockTimeout
                ? (new StripeError(429, "invalid_request_error",
                    "This object cannot be accessed right now because another API request or Stripe process is currently accessing it. If you see this error intermittently, retry the request.",
                    LockTimeout), true)
                : (new StripeError(429, "invalid_request_error", "Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.", RateLimit), false);
        }
    }
}
