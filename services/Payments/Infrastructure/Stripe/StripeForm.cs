using System.Globalization;
using System.Text;

namespace DaprPlatform.Payments.Infrastructure.Stripe;

/// <summary>
/// An <c>application/x-www-form-urlencoded</c> body in Stripe's bracket notation: nested values become
/// <c>metadata[booking_id]=…</c> and <c>automatic_payment_methods[enabled]=true</c>. Brackets in keys are left readable,
/// as Stripe's own libraries send them; everything else is percent-encoded.
/// </summary>
public sealed class StripeForm
{
    private readonly List<KeyValuePair<string, string>> _fields = [];

    public IReadOnlyList<KeyValuePair<string, string>> Fields => _fields;

    public StripeForm Add(string key, string? value)
    {
        if (value is not null)
        {
            _fields.Add(new(key, value));
        }

        return this;
    }

    public StripeForm Add(string key, long? value) => Add(key, value?.ToString(CultureInfo.InvariantCulture));

    public StripeForm Add(string key, bool value) => Add(key, value ? "true" : "false");

    public StripeForm AddMap(string key, IReadOnlyDictionary<string, string>? values)
    {
        foreach (var (name, value) in values ?? new Dictionary<string, string>())
        {
            Add($"{key}[{name}]", value);
        }

        return this;
    }

    public string Encode()
    {
        var body = new StringBuilder();
        foreach (var (key, value) in _fields)
        {
            if (body.Length > 0)
            {
                body.Append('&');
            }

            body.Append(EscapeKey(key)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return body.ToString();
    }

    public HttpContent ToContent() => new StringContent(Encode(), Encoding.UTF8, "application/x-www-form-urlencoded");

    private static string EscapeKey(string key) =>
        Uri.EscapeDataString(key).Replace("%5B", "[", StringComparison.Ordinal).Replace("%5D", "]", StringComparison.Ordinal);
}
