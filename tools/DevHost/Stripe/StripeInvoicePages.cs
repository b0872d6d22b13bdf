namespace DaprPlatform.DevHost.Stripe;

/// <summary>
/// The page an invoice's <c>hosted_invoice_url</c> opens (invoice.stripe.com's hosted invoice page): in the stand-in, a
/// read-only summary — number, status, lines and what is due. Paying happens through the API (<c>POST /v1/invoices/{id}/pay</c>).
/// </summary>
internal static class StripeInvoicePages
{
    public static void Map(IEndpointRouteBuilder app, StripeLedger ledger) =>
        app.MapGet("/invoice/{id}", (string id) =>
        {
            string? page;
            lock (ledger.Gate) { page = ledger.HostedInvoicePage(id); }
            return page is null
                ? Results.Problem("The stand-in has no such finalized invoice.", statusCode: StatusCodes.Status404NotFound, title: "No such invoice.")
                : Results.Content(page, "text/html; charset=utf-8");
        });
}
