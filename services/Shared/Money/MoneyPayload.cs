namespace DaprPlatform.Monetary;

/// <summary>
/// Money on the wire, the one JSON shape every service reads and writes: <c>{"amount": 4500, "currency": "USD"}</c>
/// (amount in minor units, currency an upper-case ISO 4217 code). Both parts are nullable so a request that leaves one out
/// reaches validation instead of failing to bind.
/// </summary>
public sealed record MoneyPayload(long? Amount, string? Currency)
{
    public static MoneyPayload From(Money money) => new(money.MinorUnits, money.Currency.Code);

    /// <summary>
    /// The amount when both parts are valid: a whole number of minor units from <paramref name="minimum"/> to
    /// <paramref name="maximum"/> and a supported upper-case code. Otherwise null, with the reason for each bad part.
    /// </summary>
    public Money? TryRead(long minimum, long maximum, out string? amountError, out string? currencyError)
    {
        amountError = Amount switch
        {
            null => "amount is required, in minor units (e.g. 4500 for 45.00 USD).",
            var a when a < minimum || a > maximum => maximum == long.MaxValue
                ? $"amount must be at least {minimum} minor units."
                : $"amount must be from {minimum} to {maximum} minor units.",
            _ => null,
        };
        Monetary.Currency? currency = null;
        currencyError = string.IsNullOrWhiteSpace(Currency)
            ? "currency is required (an ISO 4217 code such as USD, EUR or JPY)."
            : !string.Equals(Currency, Currency.ToUpperInvariant(), StringComparison.Ordinal) || !Monetary.Currency.TryParse(Currency, out currency)
                ? $"'{Currency}' is not a supported upper-case ISO 4217 code (such as USD, EUR or JPY)."
                : null;
        return amountError is null && currency is not null ? new Money(Amount!.Value, currency) : null;
    }
}
