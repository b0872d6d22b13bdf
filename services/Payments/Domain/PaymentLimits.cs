namespace DaprPlatform.Payments.Domain;

public static class PaymentLimits
{
    /// <summary>Stripe's largest charge is eight digits of minor units (e.g. USD 999,999.99).</summary>
    public const long MaxMinorUnits = 99_999_999;
}
