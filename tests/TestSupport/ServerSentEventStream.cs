using System.Collections.Concurrent;
using System.Text.Json;
using FluentAssertions;

namespace DaprPlatform.TestSupport;

/// <summary>One Server-Sent Event as the stream wrote it.</summary>
public sealed record ServerSentEvent(string Name, JsonElement Data)
{
    public override string ToString() => $"{Name} {Data.GetRawText()}";
}

/// <summary>
/// A Server-Sent Events stream read in the background, its events collected in order. <see cref="OpenAsync"/> returns once
/// the response has started, and after the line <c>readyLine</c> when one is given (e.g. messaging's ": connected", written
/// once the stream is registered, so nothing sent afterwards can be missed).
/// </summary>
public sealed class ServerSentEventStream : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpResponseMessage _response;
    private readonly Task _reading;

    private ServerSentEventStream(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reading = ReadAsync(reader, _stop.Token);
    }

    public ConcurrentQueue<ServerSentEvent> Events { get; } = new();

    public static async Task<ServerSentEventStream> OpenAsync(HttpClient client, string path, string? readyLine = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        response.Content.Headers.ContentType?.MediaType.Should().Be("text/event-stream");
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        if (readyLine is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            (await reader.ReadLineAsync(timeout.Token)).Should().Be(readyLine);
        }

        return new ServerSentEventStream(response, reader);
    }

    /// <summary>The events until <paramref name="done"/> holds for them (or fails after <paramref name="timeout"/>).</summary>
    public async Task<IReadOnlyList<ServerSentEvent>> UntilAsync(Func<IReadOnlyList<ServerSentEvent>, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var seen = Events.ToList();
            if (done(seen)) { return seen; }
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"The stream did not see what was expected; it saw: {string.Join(" | ", seen)}");
            }

            await Task.Delay(50);
        }
    }

    public Task<IReadOnlyList<ServerSentEvent>> CountAsync(int count, TimeSpan? timeout = null) => UntilAsync(e => e.Count >= count, timeout);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        try
        {
            await _reading;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or HttpRequestException)
        {
            // Reading stops when the response is disposed.
        }

        _stop.Dispose();
    }

    private async Task ReadAsync(StreamReader reader, CancellationToken ct)
    {
        string? name = null;
        var data = new List<string>();
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0)
            {
                if (name is not null)
                {
                    Events.Enqueue(new ServerSentEvent(name, JsonDocument.Parse(string.Join('\n', data)).RootElement.Clone()));
                }

                (name, data) = (null, []);
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Add(line["data: ".Length..]);
            }
        }
    }
}
