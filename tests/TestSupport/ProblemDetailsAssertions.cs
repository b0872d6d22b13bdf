using System.Text.Json;
using FluentAssertions;

namespace DaprPlatform.TestSupport;

public static class ProblemDetailsAssertions
{
    /// <summary>Asserts an RFC 9457 body (application/problem+json with a status) and returns it for further checks.</summary>
    public static async Task<JsonElement> ReadProblemAsync(this HttpResponseMessage response)
    {
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json",
            "every error must be problem details (status {0})", (int)response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(body);
        var problem = document.RootElement.Clone();
        problem.GetProperty("status").GetInt32().Should().Be((int)response.StatusCode);
        return problem;
    }

    /// <summary>The field names listed under "errors" in a validation problem.</summary>
    public static IReadOnlyCollection<string> FieldErrors(this JsonElement problem) =>
        problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object
            ? errors.EnumerateObject().Select(p => p.Name).ToArray()
            : [];
}
