using System.Runtime.CompilerServices;
using System.Text;

namespace DaprPlatform.Web.Features.Channels;

/// <summary>One dispatched Server-Sent Event: its type (<c>message</c> when the stream names none) and its data lines joined.</summary>
public sealed record ServerSentEvent(string Type, string Data);

/// <summary>
/// Reads a <c>text/event-stream</c> the way the HTML standard's EventSource does: <c>field: value</c> lines, <c>data</c> lines
/// joined with a line feed, comments (<c>:</c>) ignored, an event dispatched at a blank line; an unfinished event at the end
/// of the stream is dropped.
/// </summary>
public static class ServerSentEvents
{
    public static async IAsyncEnumerable<ServerSentEvent> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string? type = null;
        var data = new StringBuilder();
        var hasData = false;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0)
            {
                if (hasData)
                {
                    yield return new ServerSentEvent(type ?? "message", data.ToString());
                }

                type = null;
                data.Clear();
                hasData = false;
                continue;
            }

            if (line[0] == ':')
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' '))
            {
                value = value[1..];
            }

            switch (field)
            {
                case "event":
                    type = value;
                    break;
                case "data":
                    if (hasData)
                    {
                        data.Append('\n');
                    }

                    data.Append(value);
                    hasData = true;
                    break;
                default:
                    // id and retry matter to a browser's EventSource; this reader reconnects on its own terms.
                    break;
            }
        }
    }
}
