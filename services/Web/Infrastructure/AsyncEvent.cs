namespace DaprPlatform.Web.Infrastructure;

/// <summary>Raises an event whose handlers are async: each in turn, awaited (invoking the delegate would await only the last).</summary>
public static class AsyncEvent
{
    public static async Task RaiseAsync(Func<Task>? handlers)
    {
        if (handlers is null)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList().Cast<Func<Task>>())
        {
            await handler();
        }
    }
}
