namespace DaprPlatform.DevHost.Configuration;

/// <summary>
/// DevHost's start-up lines about components and resources, collected per app and printed once: the apps of a run file
/// mostly share one components folder, so the same line for nine apps is one line naming them (or "all apps").
/// </summary>
public sealed class StartupReport
{
    private readonly List<(string AppId, bool IsWarning, string Text)> _lines = [];

    public void Add(string appId, bool isWarning, string text) => _lines.Add((appId, isWarning, text));

    /// <summary>
    /// One line per distinct text (in first-seen order) with the apps it applies to: "[all apps]" when it is every app of
    /// <paramref name="appIds"/> and there is more than one, else "[a, b]" in run-file order.
    /// </summary>
    public IReadOnlyList<ReportEntry> Lines(IReadOnlyList<string> appIds)
    {
        ArgumentNullException.ThrowIfNull(appIds);
        var order = appIds.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i, StringComparer.Ordinal);
        return _lines
            .GroupBy(l => (l.IsWarning, l.Text))
            .Select(g =>
            {
                var apps = g.Select(l => l.AppId).Distinct(StringComparer.Ordinal)
                    .OrderBy(id => order.GetValueOrDefault(id, int.MaxValue)).ToList();
                var who = apps.Count > 1 && apps.Count == appIds.Count && appIds.All(apps.Contains) ? "all apps" : string.Join(", ", apps);
                return new ReportEntry(g.Key.IsWarning, $"[{who}] {g.Key.Text}");
            })
            .ToList();
    }
}
