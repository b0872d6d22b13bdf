using System.Net.ServerSentEvents;
using System.Text.Json;
using DaprPlatform.Web.Infrastructure.Services;

namespace DaprPlatform.Web.Features.Messaging;

/// <summary>One event of the person's messaging stream.</summary>
public abstract record MessagingEvent(Guid ConversationId);

/// <summary><c>message:new</c>.</summary>
public sealed record MessageArrived(Message Message) : MessagingEvent(Message.ConversationId);

/// <summary><c>message:edited</c> or <c>message:deleted</c>: the message as it is now.</summary>
public sealed record MessageChanged(Message Message) : MessagingEvent(Message.ConversationId);

/// <summary><c>message:read</c>.</summary>
public sealed record MessagesRead(ReadReceipt Receipt) : MessagingEvent(Receipt.ConversationId);

/// <summary><c>user:typing</c>.</summary>
public sealed record SomeoneTyping(TypingSignal Signal) : MessagingEvent(Signal.ConversationId);

/// <summary>
/// The signed-in person's messaging stream, one per circuit, shared by everything on the page that listens (the header's
/// unread count, the list, the open conversation): it runs while anyone listens. The stream is not resumable, so
/// listeners hear every state change and read afresh when it is live again.
/// </summary>
public sealed class MessagingLive(MessagingClient messaging, TimeProvider time, ILogger<MessagingLive> logger) : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<Listener> _listeners = [];
    private CancellationTokenSource? _run;

    public LiveState State { get; private set; } = LiveState.Connecting;

    /// <summary>Why the stream is not live, when a service said.</summary>
    public ApiProblem? Problem { get; private set; }

    /// <summary>Starts the stream with the first listener; disposing the answer stops listening (and the stream with the last).</summary>
    public IDisposable Listen(Func<MessagingEvent, Task> onEvent, Func<LiveState, Task> onState)
    {
        var listener = new Listener(this, onEvent, onState);
        lock (_gate)
        {
            _listeners.Add(listener);
            if (_run is null)
            {
                _run = new CancellationTokenSource();
                State = LiveState.Connecting;
                _ = LiveStream.RunAsync(messaging.OpenLiveAsync, Accept, OnStateAsync, liveOnOpen: true, time, logger, _run.Token);
            }
        }

        return listener;
    }

    private void Stop(Listener listener)
    {
        CancellationTokenSource? run = null;
        lock (_gate)
        {
            if (_listeners.Remove(listener) && _listeners.Count == 0)
            {
                run = _run;
                _run = null;
            }
        }

        if (run is not null)
        {
            run.Cancel();
            run.Dispose();
        }
    }

    private Func<Task>? Accept(SseItem<string> message)
    {
        MessagingEvent? received;
        try
        {
            received = message.EventType switch
            {
                "message:new" => Read<Message>(message.Data) is { } m ? new MessageArrived(m) : null,
                "message:edited" or "message:deleted" => Read<Message>(message.Data) is { } m ? new MessageChanged(m) : null,
                "message:read" => Read<ReadReceipt>(message.Data) is { } r ? new MessagesRead(r) : null,
                "user:typing" => Read<TypingSignal>(message.Data) is { } t ? new SomeoneTyping(t) : null,
                _ => null,
            };
        }
        catch (JsonException e)
        {
            logger.LogWarning(e, "A live event of messaging could not be read");
            return null;
        }

        return received is null ? null : () => NotifyAsync(l => l.OnEvent(received));
    }

    private static T? Read<T>(string data) => JsonSerializer.Deserialize<T>(data, ServiceCalls.Json);

    private Task OnStateAsync(LiveState state, ApiProblem? problem)
    {
        State = state;
        Problem = problem;
        return NotifyAsync(l => l.OnState(state));
    }

    private async Task NotifyAsync(Func<Listener, Task> notify)
    {
        List<Listener> listeners;
        lock (_gate)
        {
            listeners = [.. _listeners];
        }

        foreach (var listener in listeners)
        {
            try
            {
                await notify(listener);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One page's failure must not keep the others (or the stream) from hearing.
                logger.LogWarning(e, "A listener of the messaging stream failed");
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        CancellationTokenSource? run;
        lock (_gate)
        {
            _listeners.Clear();
            run = _run;
            _run = null;
        }

        run?.Cancel();
        run?.Dispose();
        return ValueTask.CompletedTask;
    }

    private sealed class Listener(MessagingLive live, Func<MessagingEvent, Task> onEvent, Func<LiveState, Task> onState) : IDisposable
    {
        public Func<MessagingEvent, Task> OnEvent { get; } = onEvent;

        public Func<LiveState, Task> OnState { get; } = onState;

        public void Dispose() => live.Stop(this);
    }
}
