using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Payments.Infrastructure.Stripe;

/// <summary>
/// The Stripe REST endpoints payments uses, over a typed HttpClient: bearer auth with the secret key, a pinned
/// <c>Stripe-Version</c>, form-encoded bodies, and an <c>Idempotency-Key</c> on every POST. Transport failures, 429
/// and 5xx are retried a bounded number of times with the SAME key (so Stripe runs the operation at most once);
/// any other 4xx is Stripe's final word and surfaces as <see cref="StripeApiException"/>.
/// </summary>
public sealed partial class StripeApi(HttpClient http, IOptions<StripeOptions> options, TimeProvider time, ILogger<StripeApi> logger)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const string VersionHeader = "Stripe-Version";

    public bool IsConfigured => options.Value.IsConfigured;

    public Task<PaymentIntent> CreatePaymentIntentAsync(PaymentIntentCreate request, string idempotencyKey, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var form = new StripeForm()
            .Add("amount", request.Amount)
            .Add("currency", request.Currency.ToLowerInvariant())
            .Add("description", request.Description)
            .Add("customer", request.Customer)
            .AddMap("metadata", request.Metadata)
            .Add("automatic_payment_methods[enabled]", request.AutomaticPaymentMethods);
        if (request.AutomaticPaymentMethods)
        {
            form.Add("automatic_payment_methods[allow_redirects]", request.AllowRedirects ? "always" : "never");
        }

        return PostAsync<PaymentIntent>("v1/payment_intents", form, idempotencyKey, ct);
    }

    public Task<PaymentIntent> RetrievePaymentIntentAsync(string id, CancellationToken ct) =>
        GetAsync<PaymentIntent>($"v1/payment_intents/{Segment(id)}", ct);

    public Task<PaymentIntent> ConfirmPaymentIntentAsync(string id, string paymentMethod, string idempotencyKey, CancellationToken ct) =>
        PostAsync<PaymentIntent>($"v1/payment_intents/{Segment(id)}/confirm", new StripeForm().Add("payment_method", paymentMethod), idempotencyKey, ct);

    /// <param name="cancellationReason">duplicate, fraudulent, requested_by_customer or abandoned; null for none.</param>
    public Task<PaymentIntent> CancelPaymentIntentAsync(string id, string? cancellationReason, string idempotencyKey, CancellationToken ct) =>
        PostAsync<PaymentIntent>($"v1/payment_intents/{Segment(id)}/cancel", new StripeForm().Add("cancellation_reason", cancellationReason), idempotencyKey, ct);

    public Task<Refund> CreateRefundAsync(RefundCreate request, string idempotencyKey, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var form = new StripeForm()
            .Add("payment_intent", request.PaymentIntent)
            .Add("amount", request.Amount)
            .Add("reason", request.Reason)
            .AddMap("metadata", request.Metadata);
        return PostAsync<Refund>("v1/refunds", form, idempotencyKey, ct);
    }

    public Task<Customer> CreateCustomerAsync(CustomerCreate request, string idempotencyKey, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var form = new StripeForm().Add("email", request.Email).Add("name", request.Name).AddMap("metadata", request.Metadata);
        return PostAsync<Customer>("v1/customers", form, idempotencyKey, ct);
    }

    public Task<Customer> RetrieveCustomerAsync(string id, CancellationToken ct) =>
        GetAsync<Customer>($"v1/customers/{Segment(id)}", ct);

    private Task<T> GetAsync<T>(string path, CancellationToken ct) => SendAsync<T>(HttpMethod.Get, path, null, null, ct);

    private Task<T> PostAsync<T>(string path, StripeForm form, string idempotencyKey, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        return SendAsync<T>(HttpMethod.Post, path, form, idempotencyKey, ct);
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, StripeForm? form, string? idempotencyKey, CancellationToken ct)
    {
        var settings = options.Value;
        if (!settings.IsConfigured)
        {
            throw new InvalidOperationException("The Stripe secret key is not configured (secret 'stripe:secretKey'); check StripeApi.IsConfigured first.");
        }

        var url = new Uri(new Uri(settings.BaseUrl.ToString().TrimEnd('/') + "/"), path);
        var retries = Math.Max(0, settings.MaxRetries);
        for (var attempt = 0; ; attempt++)
        {
            var last = attempt >= retries;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(settings.Timeout);
            using var request = new HttpRequestMessage(method, url);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.SecretKey!.Trim());
            request.Headers.TryAddWithoutValidation(VersionHeader, settings.ApiVersion);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (idempotencyKey is not null)
            {
                request.Headers.TryAddWithoutValidation(IdempotencyKeyHeader, idempotencyKey);
            }

            if (form is not null)
            {
                request.Content = form.ToContent();
            }

            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
            {
                var reason = ex is HttpRequestException h ? h.HttpRequestError.ToString() : $"no answer within {settings.Timeout.TotalSeconds:0.#} s";
                LogTransportFailure(logger, method.Method, path, attempt + 1, reason);
                if (last)
                {
                    throw new StripeApiException(null, new StripeError(StripeApiException.ConnectionErrorType, null, null, $"Stripe could not be reached: {reason}.", null), null, ex);
                }

                await DelayAsync(settings, attempt, ct);
                continue;
            }

            using (response)
            {
                var requestId = response.Headers.TryGetValues("Request-Id", out var ids) ? ids.FirstOrDefault() : null;
                var status = (int)response.StatusCode;
                if (response.IsSuccessStatusCode)
                {
                    var value = await ReadAsync<T>(response, ct);
                    if (value is not null)
                    {
                        return value;
                    }

                    throw new StripeApiException(status, new StripeError("api_error", null, null, "Stripe answered 2xx without the expected object.", null), requestId);
                }

                var error = (await ReadAsync<ErrorEnvelope>(response, ct))?.Error
                    ?? new StripeError("api_error", null, null, $"HTTP {status} without a Stripe error object.", null);
                var retryable = response.StatusCode == HttpStatusCode.TooManyRequests || status >= 500;
                LogRejected(logger, method.Method, path, status, error.Type, error.Code, requestId, attempt + 1);
                if (!retryable || last)
                {
                    throw new StripeApiException(status, error, requestId);
                }
            }

            await DelayAsync(settings, attempt, ct);
        }
    }

    private Task DelayAsync(StripeOptions settings, int attempt, CancellationToken ct)
    {
        var delay = TimeSpan.FromTicks(settings.RetryDelay.Ticks * (1L << Math.Min(attempt, 10)));
        return delay <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay, time, ct);
    }

    private static async Task<T?> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            return await JsonSerializer.DeserializeAsync<T>(body, StripeJson.Options, ct);
        }
        catch (JsonException)
        {
            // Not Stripe's JSON (a proxy's error page, an empty body).
            return default;
        }
    }

    // Ids come from Stripe or from our own rows, but a path segment is escaped regardless.
    private static string Segment(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return Uri.EscapeDataString(id);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe {Method} {Path} failed in transport (attempt {Attempt}): {Reason}")]
    private static partial void LogTransportFailure(ILogger logger, string method, string path, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe {Method} {Path} answered {Status} {Type} {Code} (request {RequestId}, attempt {Attempt})")]
    private static partial void LogRejected(ILogger logger, string method, string path, int status, string? type, string? code, string? requestId, int attempt);

    private sealed record ErrorEnvelope(StripeError? Error);
}
