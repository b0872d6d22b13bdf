using System.Xml.Linq;
using Dapr.Client;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace DaprPlatform.Web.Infrastructure.Session;

/// <summary>
/// The data-protection key ring (it encrypts the cookie and the antiforgery tokens) in the Dapr state store, so every replica
/// of <c>web</c> reads the others' cookies and a restart signs nobody out. The interface is synchronous; it is called when the
/// ring is loaded or a key is added (every few days), not per request.
/// </summary>
public sealed class StateStoreKeyRing(DaprClient dapr, string storeName) : IXmlRepository
{
    private const string Key = "data-protection-key-ring";
    private const int Attempts = 10;

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        var stored = dapr.GetStateAsync<List<string>?>(storeName, Key).GetAwaiter().GetResult();
        return (stored ?? []).Select(x => XElement.Parse(x)).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        // First-write-wins with the ETag: two replicas adding a key at once both end up in the ring.
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var (stored, etag) = dapr.GetStateAndETagAsync<List<string>?>(storeName, Key).GetAwaiter().GetResult();
            var ring = stored ?? [];
            ring.Add(element.ToString(SaveOptions.DisableFormatting));
            var saved = string.IsNullOrEmpty(etag)
                ? SaveFirst(ring)
                : dapr.TrySaveStateAsync(storeName, Key, ring, etag, new StateOptions { Concurrency = ConcurrencyMode.FirstWrite }).GetAwaiter().GetResult();
            if (saved)
            {
                return;
            }
        }

        throw new InvalidOperationException($"The data-protection key '{friendlyName}' could not be stored after {Attempts} attempts.");
    }

    private bool SaveFirst(List<string> ring)
    {
        dapr.SaveStateAsync(storeName, Key, ring, new StateOptions { Concurrency = ConcurrencyMode.FirstWrite }).GetAwaiter().GetResult();
        return true;
    }
}
