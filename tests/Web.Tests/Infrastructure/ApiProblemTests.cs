using System.Net;
using DaprPlatform.Web.Infrastructure.Services;

namespace DaprPlatform.Web.Tests.Infrastructure;

public sealed class ApiProblemTests
{
    [Fact]
    public void Reads_title_detail_and_field_errors_of_problem_details()
    {
        var problem = ApiProblem.Read(HttpStatusCode.BadRequest,
            """{"type":"about:blank","title":"One or more validation errors occurred.","status":400,"detail":"Fix the fields.","errors":{"hourlyRate.amount":["too low"],"Email":["taken","invalid"]}}""");

        problem.Status.Should().Be(400);
        problem.Title.Should().Be("One or more validation errors occurred.");
        problem.Detail.Should().Be("Fix the fields.");
        problem.ErrorsFor("email").Should().Equal("taken", "invalid");
        problem.ErrorsFor("hourlyRate").Should().Equal("too low");
        problem.ErrorsFor("subjects").Should().BeEmpty();
        problem.ErrorsExcept(["email"]).Should().Equal("too low");
    }

    [Theory]
    [InlineData("""{"type":"https://daprplatform.dev/problems/plan-limit","title":"t","status":402,"limit":"maxChannels","plan":"free","allowed":1,"liftedBy":"pro"}""", "maxChannels", "free", 1L, "pro")]
    [InlineData("""{"type":"https://daprplatform.dev/problems/plan-limit","title":"t","status":402,"limit":"maxChannels","plan":"business","allowed":25,"liftedBy":null}""", "maxChannels", "business", 25L, null)]
    [InlineData("""{"type":"https://daprplatform.dev/problems/plan-limit","title":"t","status":402,"limit":"exportsPerMonth","plan":"free"}""", "exportsPerMonth", "free", null, null)]
    public void A_plan_limit_problem_names_the_limit_the_plan_and_what_lifts_it(string body, string limit, string plan, long? allowed, string? liftedBy)
    {
        ApiProblem.Read(HttpStatusCode.PaymentRequired, body).PlanLimit.Should().Be(new PlanLimit(limit, plan, allowed, liftedBy));
    }

    [Theory]
    [InlineData("""{"type":"https://daprplatform.dev/problems/card-declined","title":"The card was declined.","status":402,"declineCode":"generic_decline"}""")]
    [InlineData("""{"title":"Payment required","status":402,"limit":"maxChannels","plan":"free"}""")]
    [InlineData("""{"type":"https://daprplatform.dev/problems/plan-limit","title":"t","status":402,"limit":5,"plan":"free"}""")]
    [InlineData("")]
    public void Another_402_is_no_plan_limit(string body)
    {
        var problem = ApiProblem.Read(HttpStatusCode.PaymentRequired, body);

        problem.PlanLimit.Should().BeNull();
        problem.Status.Should().Be(402);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, "", "Not found")]
    [InlineData(HttpStatusCode.BadGateway, "<html>proxy</html>", "Something went wrong on our side")]
    [InlineData(HttpStatusCode.TooManyRequests, "[1,2]", "Too many requests; wait a moment")]
    [InlineData(HttpStatusCode.Conflict, "{\"title\":null}", "That conflicts with something that changed")]
    public void A_body_that_is_not_problem_details_gets_the_status_codes_words(HttpStatusCode status, string body, string title)
    {
        var problem = ApiProblem.Read(status, body);

        problem.Title.Should().Be(title);
        problem.Errors.Should().BeEmpty();
    }

    [Fact]
    public void Retry_After_is_read_as_seconds_or_as_a_date_against_the_responses_own_date()
    {
        using var seconds = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        seconds.Headers.TryAddWithoutValidation("Retry-After", "17");
        ApiProblem.ReadRetryAfter(seconds.Headers).Should().Be(TimeSpan.FromSeconds(17));

        using var date = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        date.Headers.Date = new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);
        date.Headers.TryAddWithoutValidation("Retry-After", "Mon, 07 Dec 2026 08:00:30 GMT");
        ApiProblem.ReadRetryAfter(date.Headers).Should().Be(TimeSpan.FromSeconds(30));

        using var none = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        ApiProblem.ReadRetryAfter(none.Headers).Should().BeNull();
    }
}
