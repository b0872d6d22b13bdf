using System.Threading.Channels;

namespace DaprPlatform.DevHost.Workflows;

/// <summary>
/// Group commit: the items that arrive while one group is being recorded make up the next group, recorded by one call of
/// <c>record</c> (one transaction). A group that fails is recorded item by item, so only the item at fault fails.
/// </summary>
internal sealed class ResultGroups<TItem, TResult>
{
    private const int MaxGroup = 64;
    private readonly Channel<(TItem Item, TaskCompletionSource<TResult> Done)> _queue =
        Channel.CreateUnbounded<(TItem, TaskCompletionSource<TResult>)>(new UnboundedChannelOptions { SingleReader = true });

    private readonly Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> _record;
    private readonly CancellationToken _stopping;

    public ResultGroups(Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> record, CancellationToken stopping)
    {
        (_record, _stopping) = (record, stopping);
        _ = Task.Run(WriteLoopAsync);
    }

    public async Task<TResult> RecordAsync(TItem item, CancellationToken ct)
    {
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((item, done))) { throw new OperationCanceledException("DevHost is stopping."); }
        return await done.Task.WaitAsync(ct);
    }

    private async Task WriteLoopAsync()
    {
        var group = new List<(TItem Item, TaskCompletionSource<TResult> Done)>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(_stopping))
            {
                group.Clear();
                while (group.Count < MaxGroup && _queue.Reader.TryRead(out var next)) { group.Add(next); }
                try
                {
                    var results = await _record([.. group.Select(g => g.Item)], _stopping);
                    for (var i = 0; i < group.Count; i++) { group[i].Done.TrySetResult(results[i]); }
                }
                catch (Exception ex) when (!_stopping.IsCancellationRequested && group.Count == 1)
                {
                    group[0].Done.TrySetException(ex);
                }
                catch (Exception) when (!_stopping.IsCancellationRequested)
                {
                    foreach (var (item, done) in group)
                    {
                        try
                        {
                            done.TrySetResult((await _record([item], _stopping))[0]);
                        }
                        catch (Exception one)
                        {
                            done.TrySetException(one);
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // DevHost is stopping.
        }
        finally
        {
            _queue.Writer.TryComplete();
            foreach (var (_, done) in group) { done.TrySetCanceled(_stopping); }
            while (_queue.Reader.TryRead(out var left)) { left.Done.TrySetCanceled(_stopping); }
        }
    }
}
