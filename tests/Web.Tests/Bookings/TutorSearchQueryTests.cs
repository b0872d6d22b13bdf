using DaprPlatform.Web.Features.Tutors;

namespace DaprPlatform.Web.Tests.Bookings;

public sealed class TutorSearchQueryTests
{
    [Fact]
    public void The_query_round_trips_through_the_url_and_the_price_goes_to_the_service_in_minor_units()
    {
        var query = TutorSearchQuery.Parse(" algebra ", "40.5", "usd", "2026-12-08T05:00Z", "2026-12-09T05:00:00Z", 2);

        query.Problem.Should().BeNull();
        query.ToQueryString().Should().Be("?subject=algebra&maxRate=40.5&currency=USD&from=2026-12-08T05%3A00Z&to=2026-12-09T05%3A00Z&page=2");
        var search = query.ToSearch();
        search.MaxRateMinorUnits.Should().Be(4050);
        search.Currency.Should().Be("USD");
        TutorSearchQuery.Parse(null, "4500", "JPY", null, null, null).ToSearch().MaxRateMinorUnits.Should().Be(4500);
        TutorSearchQuery.Parse("algebra", null, null, null, null, null).ToSearch().Currency.Should().BeNull("no price, no currency filter");
    }

    [Fact]
    public void A_url_value_that_means_nothing_is_a_field_error_not_an_exception()
    {
        var query = TutorSearchQuery.Parse(null, "cheap", null, "tomorrow", null, null);

        query.Problem!.ErrorsFor("maxRate").Should().ContainSingle();
        query.Problem.ErrorsFor("availableFrom").Should().ContainSingle();
    }
}
