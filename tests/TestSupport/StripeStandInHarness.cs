using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DaprPlatform.DevHost;
using DaprPlatform.DevHost.Stripe;
using FluentAssertions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DaprPlatform.TestSupport;

/// <summary>A webhook POST as the receiving endpoint saw it.</summary>
public sealed record ReceivedWebhook(string? Signature, string ContentType, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string EventId => Json.GetProperty("id").GetString()!;

    public string Type => Json.GetProperty("type").GetString()!;
}

/// <summary>
/// DevHost's Stripe stand-in hosted alone on a free port, a webhook endpoint (a real Kestrel app) that records what it
/// receives and answers with <see cref="Answer"/>, and an HTTP client holding a test secret key. DevHost.Tests checks the
/// stand-in with it; Conformance.Tests drives it with Stripe.net.
/// </summary>
public sealed class StripeStandInHarness : IAsyncDisposable
{
    private readonly LoopbackApp _endpoint;
    private readonly ConcurrentQueue<ReceivedWebhook> _received;

    private StripeStandInHarness(StripeStandIn standIn, LoopbackApp endpoint, ConcurrentQueue<ReceivedWebhook> received, HttpClient client)
    {
        StandIn = standIn;
        _endpoint = endpoint;
        _received = received;
        Client = client;
    }

    public StripeStandIn StandIn { get; }

    /// <summary>Sends <c>Authorization: Bearer sk_test_…</c> to the stand-in.</summary>
    public HttpClient Client { get; }

    public IReadOnlyList<ReceivedWebhook> Received => [.. _received];

    /// <summary>The status the webhook endpoint answers with, given how many requests it had before this one.</summary>
    public Func<int, int> Answer { get; set; } = _ => 200;

    public static async Task<StripeStandInHarness> StartAsync(Func<StripeStandInOptions, StripeStandInOptions>? configure = null, bool webhooks = true)
    {
        var received = new ConcurrentQueue<ReceivedWebhook>();
        StripeStandInHarness? harness = null;
        var endpoint = await LoopbackApp.StartAsync(app => app.MapPost("/api/payments/webhooks/stripe", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var before = received.Count;
            received.Enqueue(new ReceivedWebhook(context.Request.Headers["Stripe-Signature"].ToString(), context.Request.ContentType ?? "", body));
            return Results.StatusCode(harness?.Answer(before) ?? 200);
        }));
        var options = new StripeStandInOptions
        {
            Port = FreeTcpPort.Next(),
            WebhookUrl = webhooks ? new Uri(endpoint.BaseAddress, "/api/payments/webhooks/stripe") : null,
            WebhookFirstRetryDelay = TimeSpan.FromMilliseconds(50),
        };
        var standIn = await StripeStandIn.StartAsync(configure?.Invoke(options) ?? options, TimeProvider.System, CancellationToken.None);
        var client = new HttpClient { BaseAddress = standIn.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", standIn.Options.SecretKey);
        harness = new StripeStandInHarness(standIn, endpoint, received, client);
        return harness;
    }

    /// <summary>A form-encoded POST, as Stripe's clients send it.</summary>
    public async Task<HttpResponseMessage> PostAsync(string path, IEnumerable<(string Name, string Value)> parameters, string? idempotencyKey = null, string? apiKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(parameters.Select(p => new KeyValuePair<string, string>(p.Name, p.Value))),
        };
        if (idempotencyKey is not null) { request.Headers.Add("Idempotency-Key", idempotencyKey); }
        if (apiKey is not null) { request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey); }
        return await Client.SendAsync(request);
    }

    /// <summary>POST that must answer 200; returns the object.</summary>
    public async Task<JsonElement> CreateAsync(string path, params (string Name, string Value)[] parameters)
    {
        using var response = await PostAsync(path, parameters);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement;
    }

    /// <summary>A $20.00 PaymentIntent with redirects off, the way the payments service creates them.</summary>
    public Task<JsonElement> CreateIntentAsync(params (string Name, string Value)[] extra) => CreateAsync("/v1/payment_intents",
        [("amount", "2000"), ("currency", "usd"), ("automatic_payment_methods[enabled]", "true"), ("automatic_payment_methods[allow_redirects]", "never"), .. extra]);

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement;
    }

    /// <summary>The control API's view of the stand-in's events, oldest first.</summary>
    public async Task<IReadOnlyList<JsonElement>> EventsAsync(string? objectId = null) =>
        [.. (await GetJsonAsync(objectId is null ? "/standin/events" : $"/standin/events?objectId={objectId}")).EnumerateArray()];

    /// <summary>Waits until the endpoint received at least <paramref name="count"/> webhooks.</summary>
    public Task<IReadOnlyList<ReceivedWebhook>> ReceivedAtLeastAsync(int count) => Eventually.UntilAsync(
        $"{count} webhook(s)", _ => Task.FromResult(Received), r => r.Count >= count, TimeSpan.FromSeconds(20), r => $"{r.Count}: {string.Join(", ", r.Select(w => w.Type))}");

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await StandIn.DisposeAsync();
        await _endpoint.DisposeAsync();
    }
}

/// <summary>Reads Stripe's error object from an answer.</summary>
public static class StripeErrorAssertions
{
    public static async Task<JsonElement> ShouldBeStripeErrorAsync(this HttpResponseMessage response, HttpStatusCode status, string type, string? code = null, string? param = null)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, body);
        response.Headers.GetValues("Request-Id").Single().Should().StartWith("req_");
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        error.GetProperty("type").GetString().Should().Be(type);
        error.GetProperty("message").GetString().Should().NotBeNullOrWhiteSpace();
        if (code is not null) { error.GetProperty("code").GetString().Should().Be(code); }
        if (param is not null) { error.GetProperty("param").GetString().Should().Be(param); }
        return error;
    }

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
