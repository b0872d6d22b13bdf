using System.Globalization;

namespace DaprPlatform.Web.Tests.Bookings;

/// <summary>
/// The current culture for one test body, restored afterwards. Set in the test's own (synchronous) flow so the component's
/// renders, which continue that flow, see it; a culture set inside an async setup method does not outlive that method.
/// </summary>
internal sealed class CultureScope : IDisposable
{
    private readonly CultureInfo _culture = CultureInfo.CurrentCulture;
    private readonly CultureInfo _uiCulture = CultureInfo.CurrentUICulture;

    public CultureScope(string name)
    {
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(name);
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(name);
    }

    public void Dispose()
    {
        CultureInfo.CurrentCulture = _culture;
        CultureInfo.CurrentUICulture = _uiCulture;
    }
}
