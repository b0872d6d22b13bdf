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
}
