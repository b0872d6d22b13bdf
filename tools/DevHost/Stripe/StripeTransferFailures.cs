namespace DaprPlatform.DevHost.Stripe;

/// <summary>What the control API's transfer failures are set to: how many transfers are still refused, and with which error.</summary>
/// <param name="Failed">Transfers refused since it was set.</param>
public sealed record StripeTransferFailuresView(int Remaining, string Code, int Failed);

/// <summary>
/// The next N <c>POST /v1/transfers</c> that pass validation refused with one of Stripe's transfer errors, set through
/// <c>POST /standin/transfer-failures</c>: <c>balance_insufficient</c> (the platform's available balance cannot cover it)
/// or <c>insufficient_capabilities_for_transfer</c> (the destination cannot receive transfers). The refusal is the
/// request's result, saved under its Idempotency-Key like Stripe saves an executed request's error.
/// </summary>
internal sealed class StripeTransferFailures
{
    public const string BalanceInsufficientCode = "balance_insufficient";
    public const string InsufficientCapabilitiesCode = "insufficient_capabilities_for_transfer";

    private readonly Lock _gate = new();
    private StripeTransferFailuresView _state = new(0, BalanceInsufficientCode, 0);

    public StripeTransferFailuresView View
    {
        get
        {
            lock (_gate) { return _state; }
        }
    }

    public StripeTransferFailuresView Set(int transfers, string code)
    {
        lock (_gate) { return _state = new(transfers, code, 0); }
    }

    /// <summary>The error for this transfer, or null when it may go ahead.</summary>
    public StripeError? Next()
    {
        lock (_gate)
        {
            if (_state.Remaining == 0) { return null; }
            _state = _state with { Remaining = _state.Remaining - 1, Failed = _state.Failed + 1 };
            return _state.Code == InsufficientCapabilitiesCode ? InsufficientCapabilities() : BalanceInsufficient();
        }
    }

    /// <summary>Stripe's answer when the available balance cannot cover a transfer.</summary>
    public static StripeError BalanceInsufficient() => new(400, "invalid_request_error",
        "You have insufficient available funds in your Stripe account. Try adding funds directly to your available balance by creating Charges using the 4000000000000077 test card. See: https://stripe.com/docs/testing#available-balance",
        BalanceInsufficientCode);

    /// <summary>Stripe's answer when the destination account has not got the transfers capability active (onboarding unfinished).</summary>
    public static StripeError InsufficientCapabilities() => new(400, "invalid_request_error",
        "Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments",
        InsufficientCapabilitiesCode, "destination");
}
