using System.Globalization;
using DaprPlatform.Web.Infrastructure.Formatting;

namespace DaprPlatform.Web.Tests.Formatting;

public sealed class FormattingTests
{
    [Theory]
    [InlineData(4000, "USD", "en-US", "$40.00")]
    [InlineData(4000, "EUR", "de-DE", "40,00 €")]
    [InlineData(4500, "JPY", "ja-JP", "￥4,500")]
    [InlineData(123456, "USD", "de-DE", "1.234,56 $")]
    public void Money_is_written_the_way_the_persons_locale_writes_it(long minorUnits, string currency, string culture, string expected) =>
        MoneyText.Format(minorUnits, currency, CultureInfo.GetCultureInfo(culture)).Replace('\u00a0', ' ').Should().Be(expected);

    [Fact]
    public void A_time_is_shown_in_the_zone_and_labelled_with_it()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("en-GB");
        try
        {
            var moment = new DateTimeOffset(2026, 12, 8, 13, 0, 0, TimeSpan.Zero);
            ZonedTimeText.Format(moment, TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo"), "g").Should().Be("08/12/2026 22:00 (Asia/Tokyo)");
            ZonedTimeText.Format(moment, TimeZoneInfo.Utc, "t").Should().Be("13:00 (UTC)");
            ZonedTimeText.Format(moment, TimeZoneInfo.FindSystemTimeZoneById("America/New_York"), "t", showZone: false).Should().Be("08:00");
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }
}
