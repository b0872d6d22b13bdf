using System.Text.Json;
using System.Text.RegularExpressions;

namespace DaprPlatform.DevHost.Configuration;

/// <summary>
/// The subset of CEL DevHost evaluates for subscription routing rules: equality tests on
/// <c>event.&lt;field&gt;</c> or <c>event.data.&lt;field&gt;</c> against a string literal, joined by <c>&amp;&amp;</c>.
/// Anything else is rejected at load time rather than silently mis-routed.
/// </summary>
public sealed partial class EventMatch
{
    private readonly IReadOnlyList<(string[] Path, string Value)> _terms;

    private EventMatch(string expression, IReadOnlyList<(string[] Path, string Value)> terms)
    {
        Expression = expression;
        _terms = terms;
    }

    public string Expression { get; }

    public static EventMatch Parse(string expression, string where)
    {
        var terms = new List<(string[], string)>();
        foreach (var part in expression.Split("&&"))
        {
            var m = Term().Match(part.Trim());
            if (!m.Success)
            {
                throw new DevHostConfigurationException(
                    $"{where}: match '{expression}' is not supported by DevHost (supported: event.<field> == \"x\" and event.data.<field> == \"x\", joined by &&).");
            }

            terms.Add((m.Groups[1].Value.Split('.'), m.Groups[2].Success ? m.Groups[2].Value : m.Groups[3].Value));
        }

        return new EventMatch(expression, terms);
    }

    public bool Matches(JsonElement cloudEvent)
    {
        foreach (var (path, value) in _terms)
        {
            var current = cloudEvent;
            foreach (var segment in path)
            {
                if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(segment, out current)) { return false; }
            }

            var actual = current.ValueKind switch
            {
                JsonValueKind.String => current.GetString(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => current.GetRawText(),
                _ => null,
            };
            if (actual != value) { return false; }
        }

        return true;
    }

    [GeneratedRegex("""^event\.([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*==\s*(?:"([^"]*)"|'([^']*)')$""")]
    private static partial Regex Term();
}
