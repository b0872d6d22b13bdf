using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace DaprPlatform.DevHost.Stripe;

/// <summary>
/// A request's parameters as Stripe reads them ("Making requests": form-encoded, nested values in bracket notation:
/// <c>metadata[booking_id]=…</c>, <c>automatic_payment_methods[enabled]=true</c>, <c>a[b][c]=…</c>, lists as
/// <c>expand[]=…</c> or <c>expand[0]=…</c> (Stripe.net numbers them), lists of hashes as <c>a[0][b]=…</c>). Readers throw <see cref="StripeError"/> with the parameter's name, as Stripe's 400s carry it.
/// </summary>
internal sealed class StripeParameters
{
    private readonly Dictionary<string, object> _root;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private StripeParameters(Dictionary<string, object> root, string canonical)
    {
        _root = root;
        Canonical = canonical;
    }

    /// <summary>The parameters in a stable order: what an Idempotency-Key's first request is compared with.</summary>
    public string Canonical { get; }

    public static async Task<StripeParameters> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var (key, values) in request.Query) { Add(pairs, key, values); }
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            foreach (var (key, values) in form) { Add(pairs, key, values); }
        }
        else if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            // The v1 API takes form-encoded bodies only.
            throw new StripeError(400, "invalid_request_error", $"Invalid request: unsupported Content-Type {request.ContentType ?? "(none)"}. Use application/x-www-form-urlencoded.", validation: true);
        }

        return From(pairs);
    }

    public static StripeParameters From(IReadOnlyList<KeyValuePair<string, string>> pairs)
    {
        var root = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (name, value) in pairs) { Insert(root, name, value); }
        var canonical = string.Join('&', pairs.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        return new StripeParameters(root, canonical);
    }

    /// <summary>Refuses the first parameter the endpoint does not take: 400 parameter_unknown naming it.</summary>
    public void OnlyAllow(params string[] names)
    {
        foreach (var key in _root.Keys.Order(StringComparer.Ordinal))
        {
            if (!names.Contains(key, StringComparer.Ordinal)) { throw StripeError.UnknownParameter(key); }
        }
    }

    public bool Has(string name) => _root.ContainsKey(name);

    /// <summary>An optional string; an empty value counts as not given (Stripe's way to unset a field).</summary>
    public string? String(string name) => _root.GetValueOrDefault(name) switch
    {
        null => null,
        string s => s.Length == 0 ? null : s,
        _ => throw StripeError.InvalidParameter(name, $"Invalid string: {name} must be a string, not a hash or a list.", "parameter_invalid_string"),
    };

    public string RequiredString(string name) => String(name) ?? throw StripeError.MissingParameter(name);

    public long? Integer(string name)
    {
        if (String(name) is not { } text) { return null; }
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw StripeError.InvalidParameter(name, $"Invalid integer: {text}", "parameter_invalid_integer");
    }

    public long RequiredInteger(string name) => Integer(name) ?? throw StripeError.MissingParameter(name);

    public bool? Boolean(string name) => ParseBoolean(String(name), name);

    public string? OneOf(string name, params string[] allowed)
    {
        var value = String(name);
        return value is null || allowed.Contains(value, StringComparer.Ordinal)
            ? value
            : throw StripeError.InvalidParameter(name, $"Invalid {name}: must be one of {string.Join(", ", allowed)}");
    }

    /// <summary>A hash of scalars with the keys an endpoint knows (<c>automatic_payment_methods[enabled]</c>); null when not given.</summary>
    public IReadOnlyDictionary<string, string>? Hash(string name, params string[] keys)
    {
        var hash = HashOf(name);
        if (hash is null) { return null; }
        foreach (var key in hash.Keys.Order(StringComparer.Ordinal))
        {
            if (!keys.Contains(key, StringComparer.Ordinal)) { throw StripeError.UnknownParameter($"{name}[{key}]"); }
        }

        return hash;
    }

    /// <summary>
    /// A hash of hashes of scalars (<c>capabilities[transfers][requested]=true</c>) with the outer keys in
    /// <paramref name="keys"/> and the inner ones in <paramref name="innerKeys"/>; null when not given.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? NestedHash(string name, string[] keys, string[] innerKeys)
    {
        if (_root.GetValueOrDefault(name) is not { } value) { return null; }
        if (value is not Dictionary<string, object> outer) { throw StripeError.InvalidParameter(name, $"Invalid object: {name} must be a hash, e.g. {name}[key][field]=value."); }
        var result = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var (key, child) in outer.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!keys.Contains(key, StringComparer.Ordinal)) { throw StripeError.UnknownParameter($"{name}[{key}]"); }
            if (child is not Dictionary<string, object> inner) { throw StripeError.InvalidParameter($"{name}[{key}]", $"Invalid object: {name}[{key}] must be a hash."); }
            result[key] = Scalars($"{name}[{key}]", inner, innerKeys);
        }

        return result;
    }

    /// <summary>
    /// A hash of scalars with the keys in <paramref name="keys"/> and, for the keys of <paramref name="nested"/>, hashes
    /// of scalars with the keys given there (<c>default_price_data[currency]=…&amp;default_price_data[recurring][interval]=…</c>);
    /// null when not given.
    /// </summary>
    public (IReadOnlyDictionary<string, string> Scalars, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Hashes)? MixedHash(
        string name, string[] keys, IReadOnlyDictionary<string, string[]> nested)
    {
        if (_root.GetValueOrDefault(name) is not { } value) { return null; }
        if (value is not Dictionary<string, object> outer) { throw StripeError.InvalidParameter(name, $"Invalid object: {name} must be a hash, e.g. {name}[key]=value."); }
        var scalars = new Dictionary<string, string>(StringComparer.Ordinal);
        var hashes = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var (key, child) in outer.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (nested.TryGetValue(key, out var innerKeys))
            {
                if (child is not Dictionary<string, object> inner) { throw StripeError.InvalidParameter($"{name}[{key}]", $"Invalid object: {name}[{key}] must be a hash."); }
                hashes[key] = Scalars($"{name}[{key}]", inner, innerKeys);
            }
            else if (keys.Contains(key, StringComparer.Ordinal))
            {
                scalars[key] = child as string ?? throw StripeError.InvalidParameter($"{name}[{key}]", $"Invalid value for {name}[{key}]: nested hashes are not allowed here.");
            }
            else
            {
                throw StripeError.UnknownParameter($"{name}[{key}]");
            }
        }

        return (scalars, hashes);
    }

    /// <summary>The scalars of the hash at <paramref name="path"/>, each key one of <paramref name="keys"/>.</summary>
    private static Dictionary<string, string> Scalars(string path, Dictionary<string, object> hash, string[] keys)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, scalar) in hash.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!keys.Contains(key, StringComparer.Ordinal)) { throw StripeError.UnknownParameter($"{path}[{key}]"); }
            fields[key] = scalar as string ?? throw StripeError.InvalidParameter($"{path}[{key}]", $"Invalid value for {path}[{key}]: nested hashes are not allowed here.");
        }

        return fields;
    }

    public static bool? ParseBoolean(string? text, string name) => text switch
    {
        null => null,
        "true" => true,
        "false" => false,
        _ => throw StripeError.InvalidParameter(name, $"Invalid boolean: {text}"),
    };

    /// <summary>
    /// Metadata (API reference, "Metadata"): up to 50 keys, keys up to 40 characters, values up to 500; an empty value
    /// removes the key, an empty <c>metadata=</c> removes them all (null then means "no change").
    /// </summary>
    public (IReadOnlyDictionary<string, string> Set, bool ClearAll)? Metadata()
    {
        if (_root.GetValueOrDefault("metadata") is "") { return (new Dictionary<string, string>(), true); }
        var hash = HashOf("metadata");
        if (hash is null) { return null; }
        if (hash.Count > 50) { throw StripeError.InvalidParameter("metadata", "Invalid metadata: metadata can have at most 50 keys."); }
        foreach (var (key, value) in hash)
        {
            if (key.Length > 40) { throw StripeError.InvalidParameter($"metadata[{key}]", $"Metadata keys can have up to 40 characters, but '{key}' has {key.Length}."); }
            if (value.Length > 500) { throw StripeError.InvalidParameter($"metadata[{key}]", $"Metadata values can have up to 500 characters, but the value of '{key}' has {value.Length}."); }
        }

        return (hash, false);
    }

    /// <summary>A list of strings (<c>ids[]=…</c>, <c>lookup_keys[0]=…</c>); null when not given.</summary>
    public IReadOnlyList<string>? StringList(string name) => _root.GetValueOrDefault(name) switch
    {
        null => null,
        List<object> list => list.Select(v => v as string ?? throw StripeError.InvalidParameter(name, $"Invalid array: {name} must be a list of strings.")).ToList(),
        _ => throw StripeError.InvalidParameter(name, $"Invalid array: {name} must be a list, e.g. {name}[]=value."),
    };

    /// <summary>
    /// A list of hashes of scalars (<c>items[0][price]=…&amp;items[0][quantity]=…</c>) whose keys are in
    /// <paramref name="keys"/>; null when not given.
    /// </summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>>? HashList(string name, params string[] keys)
    {
        if (_root.GetValueOrDefault(name) is not { } value) { return null; }
        if (value is not List<object> list) { throw StripeError.InvalidParameter(name, $"Invalid array: {name} must be a list of hashes, e.g. {name}[0][key]=value."); }
        var result = new List<IReadOnlyDictionary<string, string>>();
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is not Dictionary<string, object> item) { throw StripeError.InvalidParameter($"{name}[{i}]", $"Invalid object: {name}[{i}] must be a hash."); }
            result.Add(Scalars($"{name}[{i}]", item, keys));
        }

        return result;
    }

    /// <summary><c>expand[]</c>: the paths asked for, each one of <paramref name="expandable"/>.</summary>
    public IReadOnlySet<string> Expand(params string[] expandable)
    {
        var paths = _root.GetValueOrDefault("expand") switch
        {
            null => [],
            List<object> list => list.Select(v => v as string ?? throw StripeError.InvalidParameter("expand", "Invalid array: expand must be a list of strings.")).ToList(),
            string s when s.Length == 0 => [],
            _ => throw StripeError.InvalidParameter("expand", "Invalid array: expand must be a list, e.g. expand[]=latest_charge."),
        };
        foreach (var path in paths)
        {
            if (!expandable.Contains(path, StringComparer.Ordinal)) { throw StripeError.InvalidParameter("expand", $"This property cannot be expanded ({path})."); }
        }

        return paths.ToHashSet(StringComparer.Ordinal);
    }

    private Dictionary<string, string>? HashOf(string name) => _root.GetValueOrDefault(name) switch
    {
        null => null,
        Dictionary<string, object> hash => hash.ToDictionary(
            e => e.Key,
            e => e.Value as string ?? throw StripeError.InvalidParameter($"{name}[{e.Key}]", $"Invalid value for {name}[{e.Key}]: nested hashes are not allowed here."),
            StringComparer.Ordinal),
        _ => throw StripeError.InvalidParameter(name, $"Invalid object: {name} must be a hash, e.g. {name}[key]=value."),
    };

    private static void Add(List<KeyValuePair<string, string>> pairs, string key, StringValues values)
    {
        foreach (var value in values) { pairs.Add(new(key, value ?? "")); }
    }

    /// <summary>"a[b][]" → a → b → list; "a[0]" is a list entry too (clients number list items).</summary>
    private static void Insert(Dictionary<string, object> root, string name, string value)
    {
        var open = name.IndexOf('[', StringComparison.Ordinal);
        var segments = new List<string> { open < 0 ? name : name[..open] };
        for (var rest = open < 0 ? "" : name[open..]; rest.Length > 0;)
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            if (rest[0] != '[' || close < 0) { throw StripeError.InvalidParameter(name, $"Invalid parameter name: {name}"); }
            segments.Add(rest[1..close]);
            rest = rest[(close + 1)..];
        }

        if (segments[0].Length == 0) { throw StripeError.InvalidParameter(name, $"Invalid parameter name: {name}"); }
        object container = root;
        for (var i = 0; i < segments.Count; i++)
        {
            var last = i == segments.Count - 1;
            var segment = segments[i];
            var isListItem = i > 0 && (segment.Length == 0 || segment.All(char.IsAsciiDigit));
            object? next = last ? value : null;
            switch (container)
            {
                case Dictionary<string, object> hash when !isListItem:
                    if (last)
                    {
                        if (hash.TryGetValue(segment, out var existing) && existing is not string) { throw Conflict(name); }
                        hash[segment] = value;
                    }
                    else
                    {
                        next = hash.TryGetValue(segment, out var child) ? child : null;
                        var wantList = segments[i + 1].Length == 0 || segments[i + 1].All(char.IsAsciiDigit);
                        if (next is null)
                        {
                            next = wantList ? new List<object>() : new Dictionary<string, object>(StringComparer.Ordinal);
                            hash[segment] = next;
                        }
                        else if (next is string || (next is List<object>) != wantList) { throw Conflict(name); }
                    }

                    break;
                case List<object> list when isListItem && last:
                    list.Add(value);
                    break;
                case List<object> list when isListItem && segment.Length > 0:
                    // A list of hashes, numbered as Stripe's clients number it: a[0][b]=…&a[0][c]=…&a[1][b]=…
                    var index = int.Parse(segment, CultureInfo.InvariantCulture);
                    if (index == list.Count) { list.Add(new Dictionary<string, object>(StringComparer.Ordinal)); }
                    if (index >= list.Count || list[index] is not Dictionary<string, object> item || segments[i + 1].Length == 0 || segments[i + 1].All(char.IsAsciiDigit))
                    {
                        throw StripeError.InvalidParameter(name, $"Invalid array: {name} skips an index or nests a list in a list.");
                    }

                    next = item;
                    break;
                default:
                    throw Conflict(name);
            }

            container = next!;
        }
    }

    private static StripeError Conflict(string name) =>
        StripeError.InvalidParameter(name, $"Invalid parameter: {name} mixes a value with a hash or a list.");
}
