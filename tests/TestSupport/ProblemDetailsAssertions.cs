using System.Net.Http.Headers;
using System.Text;
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

    /// <summary>
    /// Sends a request as given (a raw <paramref name="body"/> with its <paramref name="contentType"/>, none when null) and asserts it
    /// is refused with <paramref name="status"/> as problem details naming <paramref name="field"/> (when given); <paramref name="name"/>
    /// labels the bad-input case in failure messages.
    /// </summary>
    public static async Task<JsonElement> ShouldRejectAsync(
        this HttpClient client, HttpMethod method, string path, string? contentType, string? body, int status, string? field, string name,
        Action<HttpRequestMessage>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = contentType is null ? null : new MediaTypeHeaderValue(contentType);
        }

        configure?.Invoke(request);
        using var response = await client.SendAsync(request);

        ((int)response.StatusCode).Should().Be(status, "{0}: {1}", name, await response.Content.ReadAsStringAsync());
        var problem = await response.ReadProblemAsync();
        if (field is not null)
        {
            problem.FieldErrors().Should().Contain(field, name);
        }

        return problem;
    }
}
