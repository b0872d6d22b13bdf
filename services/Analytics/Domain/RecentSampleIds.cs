namespace DaprPlatform.Analytics.Domain;

/// <summary>
/// The ids of recently accepted samples, so a redelivered sample counts once. Bounded two ways: at most
/// <see cref="Capacity"/> ids (oldest dropped first) and none remembered longer than <see cref="MaxAge"/> after it was seen.
/// Storage is a fixed ring plus a set, so adding an id allocates nothing once both have grown to capacity.
/// </summary>
public sealed class RecentSampleIds
{
    public const int DefaultCapacity = 20_000;

    private readonly (string Id, long SeenMinute)[] _ring;
    private readonly HashSet<string> _ids;
    private readonly long _maxAgeMinutes;
    private int _oldest;
    private int _count;

    public RecentSampleIds(int capacity = DefaultCapacity, TimeSpan? maxAge = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        MaxAge = maxAge ?? TimeSpan.FromHours(24);
        _ring = new (string, long)[capacity];
        _maxAgeMinutes = (long)MaxAge.TotalMinutes;

        // One slot more than the ring: TryAdd adds before it evicts, and the set must not grow (allocate) for that.
        _ids = new HashSet<string>(capacity + 1, StringComparer.Ordinal);
    }

    public int Capacity { get; }

    public TimeSpan MaxAge { get; }

    public int Count => _count;

    /// <summary>Remembers <paramref name="id"/>; false when it is already remembered (a redelivery).</summary>
    public bool TryAdd(string id, long seenMinute)
    {
        while (_count > 0 && _ring[_oldest].SeenMinute <= seenMinute - _maxAgeMinutes)
        {
            DropOldest();
        }

        // One hash lookup instead of Contains + Add (this is the kernel's hottest line). Evicting after adding leaves
        // the same set: an id that was absent cannot be the oldest one.
        if (!_ids.Add(id))
        {
            return false;
        }

        if (_count == Capacity)
        {
            DropOldest();
        }

        _ring[Wrap(_oldest + _count)] = (id, seenMinute);
        _count++;
        return true;
    }

    public bool Contains(string id) => _ids.Contains(id);

    /// <summary>Oldest first, as <see cref="TryAdd"/> would replay them.</summary>
    public IEnumerable<(string Id, long SeenMinute)> Entries()
    {
        for (var i = 0; i < _count; i++)
        {
            yield return _ring[(_oldest + i) % Capacity];
        }
    }

    private void DropOldest()
    {
        _ids.Remove(_ring[_oldest].Id);
        _ring[_oldest] = default;
        _oldest = Wrap(_oldest + 1);
        _count--;
    }

    /// <summary>An index one lap past the ring's end, brought back (cheaper than %, which divides).</summary>
    private int Wrap(int index) => index >= Capacity ? index - Capacity : index;
}
