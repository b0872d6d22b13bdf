using System.Globalization;

namespace DaprPlatform.Benchmarks;

/// <summary>"--name value" options of one sub-command; every option must be consumed, so a typo fails loudly.</summary>
public sealed class CommandArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    public CommandArguments(IEnumerable<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var name = list[i];
            if (!name.StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"unexpected argument '{name}'");
            }

            if (i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                _values[name] = list[++i];
            }
            else
            {
                _flags.Add(name);
            }
        }
    }

    public string? Value(string name)
    {
        if (_flags.Contains(name))
        {
            throw new UsageException($"{name} needs a value");
        }

        return _values.Remove(name, out var value) ? value : null;
    }

    public string Required(string name) => Value(name) ?? throw new UsageException($"{name} is required");

    public int Int(string name, int fallback, int min = 1, int max = int.MaxValue)
    {
        var text = Value(name);
        if (text is null)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new UsageException($"{name} must be a whole number from {min} to {max}; got '{text}'");
        }

        return value;
    }

    public Uri Url(string name, string fallback)
    {
        var text = Value(name) ?? fallback;
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new UsageException($"{name} must be an http(s) URL; got '{text}'");
    }

    public bool Flag(string name) => _flags.Remove(name);

    public void RejectUnknown()
    {
        var unknown = _values.Keys.Concat(_flags).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException($"unknown option(s): {string.Join(", ", unknown)}");
        }
    }
}

/// <summary>Bad command line; the message says what to fix.</summary>
public sealed class UsageException(string message) : Exception(message);
