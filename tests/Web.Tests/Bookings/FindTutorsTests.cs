using System.Globalization;
using Bunit;
using DaprPlatform.Web.Features.Bookings;
using DaprPlatform.Web.Features.Tutors;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Web.Tests.Bookings;

public sealed class FindTutorsTests : WebComponentContext
{
    public FindTutorsTests() => Services.AddStudentFeatures().AddReviewFeatures().AddMessagingFeatures();

    protected override CultureInfo Culture => CultureInfo.GetCultureInfo("de-DE");

    [Fact]
    public void The_search_in_the_url_goes_to_tutoring_and_results_show_in_the_readers_locale()
    {
        Answer("tutoring", "GET", "api/tutors", 200, $$"""{"items":[{{StudentJson.Profile()}}],"page":1,"pageSize":20,"total":1}""");
        Services.GetRequiredService<NavigationManager>().NavigateTo("/tutors?subject=algebra&maxRate=50&currency=USD&from=2026-12-08T05%3A00Z&to=2026-12-08T10%3A00Z");

        var page = Render<FindTutors>();

        page.WaitForAssertion(() => page.Find(".cards a").TextContent.Should().Contain("Tess Tutor").And.Contain("40,00 $"), Patience);
        page.Find(".cards a").GetAttribute("href").Should().Be($"/tutors/{StudentJson.Tutor}?from=2026-12-08T05%3A00Z");
        var search = CallsTo("tutoring").Single().RawTarget;
        search.Should().Contain("subject=algebra").And.Contain("maxRate=5000").And.Contain("currency=USD")
            .And.Contain("availableFrom=2026-12-08T05%3A00%3A00.0000000Z").And.Contain("availableTo=2026-12-08T10%3A00%3A00.0000000Z");
        // The window is shown in the reader's zone, labelled with it: 05:00 UTC is 06:00 in Berlin.
        page.Find("label[for=availableFrom]").TextContent.Should().Be("Free from (Europe/Berlin)");
        page.Find("#availableFrom").GetAttribute("value").Should().Be("2026-12-08T06:00:00");
    }

    [Fact]
    public void No_match_says_so_and_a_refused_search_shows_the_fields_message_next_to_it()
    {
        Answer("tutoring", "GET", "api/tutors", 200, """{"items":[],"page":1,"pageSize":20,"total":0}""");
        Services.GetRequiredService<NavigationManager>().NavigateTo("/tutors?subject=knitting");

        var page = Render<FindTutors>();

        page.WaitForAssertion(() => page.Find(".empty").TextContent.Should().StartWith("No tutors match"), Patience);

        Answer("tutoring", "GET", "api/tutors", 400,
            """{"title":"One or more validation errors occurred.","status":400,"errors":{"availableTo":["The window from availableFrom to availableTo may be at most 14 days."]}}""");
        Services.GetRequiredService<NavigationManager>().NavigateTo("/tutors?from=2026-12-01T00%3A00Z&to=2026-12-31T00%3A00Z");

        page.WaitForAssertion(() => page.Find("#availableTo-error").TextContent.Should().Contain("at most 14 days"), Patience);
        page.Find("#availableTo").GetAttribute("aria-invalid").Should().Be("true");
        page.FindAll(".cards").Should().BeEmpty();
    }
}
