namespace DaprPlatform.DevHost.Stripe;

/// <summary>
/// The Stripe-hosted page an Account Link's <c>url</c> opens (connect.stripe.com's Express onboarding): in the stand-in,
/// opening it is the whole form — onboarding completes and the browser goes to the link's <c>return_url</c>; a link
/// already used or expired goes to its <c>refresh_url</c>, as Stripe sends it there.
/// </summary>
internal static class StripeConnectPages
{
    public static void Map(IEndpointRouteBuilder app, StripeLedger ledger) =>
        app.MapGet("/setup/e/{account}/{token}", (string account, string token) =>
        {
            Uri? next;
            lock (ledger.Gate) { next = ledger.OpenAccountLink(account, token); }
            return next is null
                ? Results.Problem("The stand-in made no such account link.", statusCode: StatusCodes.Status404NotFound, title: "No such account link.")
                : Results.Redirect(next.ToString());
        });
}
