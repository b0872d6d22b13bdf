using DaprPlatform.Web.Components.Shared;
using static DaprPlatform.Web.Components.Shared.SagaSteps;

namespace DaprPlatform.Web.Features.Bookings;

/// <summary>
/// The booking-payment saga's steps as a student reads them, with each one's state from the saga's step and reason. The
/// saga reports only its current step, so where it stopped is read from the reason it gives (or the last step seen).
/// </summary>
public static class BookingProgressSteps
{
    private static readonly string[] Titles =
    [
        "Hold the time slot",
        "Create the booking",
        "Prepare the payment",
        "Your payment",
        "Confirm the booking",
    ];

    /// <summary>The saga's step names and the line each belongs to.</summary>
    private static readonly Dictionary<string, int> Forward = new(StringComparer.Ordinal)
    {
        ["HoldSlot"] = 0,
        ["CreateBooking"] = 1,
        ["CreatePaymentIntent"] = 2,
        ["MarkAwaitingPayment"] = 2,
        ["AwaitingPayment"] = 3,
        ["ConfirmBooking"] = 4,
        ["BookSlot"] = 4,
    };

    /// <summary>Compensations and the line each undoes.</summary>
    private static readonly Dictionary<string, int> Undoes = new(StringComparer.Ordinal)
    {
        ["VoidPayment"] = 2,
        ["CancelBooking"] = 1,
        ["ReleaseSlot"] = 0,
    };

    /// <summary>The line a forward step belongs to, or -1 (compensations and ends).</summary>
    public static int IndexOf(string? step) => step is not null && Forward.TryGetValue(step, out var index) ? index : -1;

    /// <param name="lastForwardStep">The last forward line the page saw running (-1 for none): where it stopped when the reason does not say.</param>
    public static IReadOnlyList<SagaSteps.Step> For(BookingSaga saga, int lastForwardStep = -1)
    {
        ArgumentNullException.ThrowIfNull(saga);
        if (saga.OutcomeName == "confirmed" || saga.Step == "Confirmed")
        {
            return Titles.Select(t => new SagaSteps.Step(t, Done)).ToList();
        }

        var running = IndexOf(saga.Step);
        if (running >= 0 && !saga.Ended)
        {
            return Titles.Select((t, i) => new SagaSteps.Step(t, i < running ? Done : i == running ? Running : Waiting)).ToList();
        }

        // Stopped: the completed lines are undone in reverse; while that runs, the one being undone is "running".
        var failedAt = FailedAt(saga.Reason, lastForwardStep);
        var undoing = saga.Step is { } name && Undoes.TryGetValue(name, out var target) && !saga.Ended ? target : -1;
        return Titles.Select((t, i) => new SagaSteps.Step(t, i switch
        {
            _ when i == failedAt => Failed,
            _ when i > failedAt => Stopped,
            _ when i == undoing => Running,
            _ when saga.Ended || (undoing >= 0 && i > undoing) => Undone,
            _ => Done,
        })).ToList();
    }

    /// <summary>The line the saga stopped at, from the reason it gives (see BookingPaymentWorkflow's reasons).</summary>
    public static int FailedAt(string? reason, int lastForwardStep = -1)
    {
        var text = reason ?? "";
        // While undoing, the reason is "undoing after {step}[; waiting…]".
        const string undoing = "undoing after ";
        if (text.StartsWith(undoing, StringComparison.Ordinal))
        {
            var step = text[undoing.Length..].Split(';', 2)[0].Trim();
            return IndexOf(step) is >= 0 and var index ? index : Fallback(lastForwardStep);
        }

        return text switch
        {
            _ when text.StartsWith("The slot could not be held", StringComparison.Ordinal) => 0,
            _ when text.StartsWith("The booking could not be created", StringComparison.Ordinal) => 1,
            _ when text.StartsWith("payment-unavailable", StringComparison.Ordinal) || text.StartsWith("booking-changed", StringComparison.Ordinal) => 2,
            _ when text.StartsWith("payment-", StringComparison.Ordinal) || text.StartsWith("withdrawn", StringComparison.Ordinal) => 3,
            _ when text.StartsWith("booking-conflict", StringComparison.Ordinal) || text.StartsWith("slot-lost", StringComparison.Ordinal) => 4,
            _ when text.StartsWith("service-unavailable", StringComparison.Ordinal) && UnavailableStep(text) is >= 0 and var index => index,
            _ => Fallback(lastForwardStep),
        };
    }

    /// <summary>Why the booking did not happen, in words (the saga's reasons are codes with details).</summary>
    public static string ReasonText(string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return "The booking was stopped.";
        }

        var (code, detail) = reason.IndexOf(':', StringComparison.Ordinal) is var colon and > 0
            ? (reason[..colon], reason[(colon + 1)..].Trim())
            : (reason, "");
        return code switch
        {
            "payment-failed" => $"Your payment was declined{Details(DeclineMessage(detail))}",
            "payment-timeout" => "The payment did not arrive in time, so the slot was freed.",
            "payment-unavailable" => $"The payment could not be prepared{Details(detail)}",
            "slot-lost" or "booking-conflict" => $"The slot was taken meanwhile; your payment is given back{Details(detail)}",
            "service-unavailable" => $"A service did not answer in time{Details(detail)}",
            _ when code.StartsWith("withdrawn by the student", StringComparison.Ordinal) => $"You cancelled it{Details(detail)}",
            _ when code.StartsWith("withdrawn by the tutor", StringComparison.Ordinal) => $"The tutor cancelled it{Details(detail)}",
            _ => reason.EndsWith('.') ? reason : reason + ".",
        };
    }

    /// <summary>"card_declined (Your card was declined.)" → "Your card was declined." (the code when there is no message).</summary>
    private static string DeclineMessage(string detail)
    {
        var open = detail.IndexOf(" (", StringComparison.Ordinal);
        return open > 0 && detail.EndsWith(')') ? detail[(open + 2)..^1] : detail;
    }

    private static string Details(string detail) => detail.Length == 0 ? "." : $": {detail.TrimEnd('.')}.";

    private static int UnavailableStep(string reason)
    {
        // "… (CreateBooking could not be completed)"
        var open = reason.LastIndexOf('(');
        return open < 0 ? -1 : IndexOf(reason[(open + 1)..].Split(' ', 2)[0]);
    }

    private static int Fallback(int lastForwardStep) => lastForwardStep >= 0 ? lastForwardStep : 3;
}
