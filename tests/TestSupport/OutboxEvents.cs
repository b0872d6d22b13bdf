using System.Text.Json;
using DaprPlatform.OutboxInbox;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.TestSupport;

/// <summary>A service's outbox rows read back as the events they publish, for asserting what a request wrote.</summary>
public static class OutboxEvents
{
    /// <summary>
    /// The outbox rows (of the topics <paramref name="topic"/> accepts; null: all) whose payload's <paramref name="idProperty"/>
    /// is <paramref name="id"/>, oldest first, with their topics. A selected row without that property fails the test.
    /// </summary>
    public static async Task<List<(string Topic, JsonElement Data)>> EventsAboutAsync(
        this IOutboxStore db, string idProperty, Guid id, Func<string, bool>? topic = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        var rows = await db.OutboxMessages.AsNoTracking().OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).ToListAsync();
        return rows
            .Where(r => topic is null || topic(r.Topic))
            .Select(r => (r.Topic, Data: JsonDocument.Parse(r.Payload).RootElement.Clone()))
            .Where(e => e.Data.GetProperty(idProperty).GetGuid() == id)
            .ToList();
    }
}
