namespace DaprPlatform.Payments.Domain;

/// <summary>Where a payment stands; serialized camelCase (<c>requiresPayment</c>, <c>partiallyRefunded</c>, …).</summary>
public enum PaymentStatus
{
    /// <summary>The PaymentIntent waits for a payment method (also after a declined attempt is retried).</summary>
    RequiresPayment,
    Processing,
    Succeeded,
    /// <summary>The last attempt was declined; the student may still confirm again with another method.</summary>
    Failed,
    Canceled,
    Refunded,
    PartiallyRefunded,
}

public static class PaymentStatusNames
{
    /// <summary>The contract's spelling (camelCase), independent of any serializer's enum settings.</summary>
    public static string WireName(this PaymentStatus status) => status switch
    {
        PaymentStatus.RequiresPayment => "requiresPayment",
        PaymentStatus.Processing => "processing",
        PaymentStatus.Succeeded => "succeeded",
        PaymentStatus.Failed => "failed",
        PaymentStatus.Canceled => "canceled",
        PaymentStatus.Refunded => "refunded",
        PaymentStatus.PartiallyRefunded => "partiallyRefunded",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };
}
