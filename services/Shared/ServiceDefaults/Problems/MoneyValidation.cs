using DaprPlatform.Monetary;

namespace DaprPlatform.ServiceDefaults;

public static class MoneyValidation
{
    /// <summary>
    /// Reads <paramref name="payload"/> as money, adding <c>{field}</c>, <c>{field}.amount</c> or <c>{field}.currency</c>
    /// errors when it is missing (and <paramref name="required"/>) or invalid; null then, or when it is absent and optional.
    /// </summary>
    public static Money? ReadMoney(this ValidationErrors errors, MoneyPayload? payload, string field, bool required = true, long minimum = 0, long maximum = long.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (payload is null)
        {
            if (required) { errors.Add(field, $"{field} is required as {{\"amount\": minor units, \"currency\": \"USD\"}}."); }
            return null;
        }

        var money = payload.TryRead(minimum, maximum, out var amountError, out var currencyError);
        if (amountError is not null) { errors.Add($"{field}.amount", amountError); }
        if (currencyError is not null) { errors.Add($"{field}.currency", currencyError); }
        return money;
    }
}
