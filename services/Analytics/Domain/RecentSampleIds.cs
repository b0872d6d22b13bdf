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
    private int _oldest;
    private int _count;

    public RecentSampleIds(int capacity = DefaultCapacity, TimeSpan? maxAge = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        MaxAge = maxAge ?? TimeSpan.FromHours(24);
        _ring = new (string, long)[capacity];
        _ids = new HashSet<string>(capacity, StringComparer.Ordinal);
    }

    public int Capacity { get; }

    public TimeSpan MaxAge { get; }

    public int Count => _count;

    /// <summary>Remembers <paramref name="id"/>; false when it is already remembered (a redelivery).</summary>
    public bool TryAdd(string id, long seenMinute)
    {
        var maxAgeMinutes = (long)MaxAge.TotalMinutes;
        while (_count > 0 && _ring[_oldest].SeenMinute <= seenMinute - maxAgeMinutes)
        {
            DropOldest();
        }

        if (_ids.Contains(id))
        {
            return false;
        }

        if (_count == Capacity)
        {
            DropOldest();
        }

        _ring[(_oldest + _count) % Capacity] = (id, seenMinute);
        _count++;
        _ids.Add(id);
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
        _oldest = (_oldest + 1) % Capacity;
        _count--;
    }
}
