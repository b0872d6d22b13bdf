using Microsoft.AspNetCore.Http.HttpResults;
using Dapr.Workflow;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Workflows.BookingPayment;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Workflows.Features;

public sealed record StartBookingPaymentRequest(
    Guid? BookingId, string? InstanceId, Guid? StudentId, string? StudentName, Guid? TutorId, DateTimeOffset? Start, int? DurationMinutes, string? Subject);

public sealed record StartBookingCancellationRequest(Guid? BookingId, string? RequestedBy, DateTimeOffset? RequestedAt, string? Reason);

public sealed record WithdrawBookingRequest(string? RequestedBy, string? Reason);

public sealed record SagaStartedResponse(string InstanceId);

/// <param name="Status">Dapr's runtime status (RUNNING, COMPLETED, FAILED, …).</param>
/// <param name="Step">The step running now, or the last one (Confirmed, Cancelled, Rejected, Refunded at the end).</param>
/// <param name="Outcome">How it ended (confirmed, rejected, cancelled, refunded, not-cancellable), once it did.</param>
public sealed record BookingSagaStatusResponse(string InstanceId, Guid BookingId, Guid? StudentId, string Status, string? Step, string? Outcome, string? Reason, string? Error);

/// <summary>How long BookingPayment waits for the payment before it cancels the booking (issue default: 15 minutes).</summary>
public sealed class BookingPaymentOptions
{
    public const string SectionName = "BookingPayment";

    public TimeSpan PaymentTimeout { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// The booking service's handle on its sagas, invocation-only: start BookingPayment, read its progress, withdraw it before
/// the payment lands, and start BookingCancellation. The workflows live in this app, so only this app's sidecar can reach them.
/// </summary>
public static class BookingSagasApi
{
    /// <summary>The only app that starts, reads and withdraws booking sagas.</summary>
    public const string BookingAppId = "booking";

    public const int MaxSubjectLength = 80;
    public const int MaxNameLength = 100;

    public static string PaymentInstanceId(Guid bookingId) => $"booking-{bookingId:N}";

    public static string CancellationInstanceId(Guid bookingId) => $"booking-cancel-{bookingId:N}";

    public static IEndpointRouteBuilder MapBookingSagasApi(this IEndpointRouteBuilder app)
    {
        var payments = app.MapGroup("/internal/booking-payments").RequireSidecarCaller(BookingAppId).WithTags("Booking sagas");
        payments.MapPost("", StartPaymentAsync);
        payments.MapGet("/{bookingId:guid}", GetPaymentAsync);
        payments.MapPost("/{bookingId:guid}/withdraw", WithdrawAsync);

        var cancellations = app.MapGroup("/internal/booking-cancellations").RequireSidecarCaller(BookingAppId).WithTags("Booking sagas");
        cancellations.MapPost("", StartCancellationAsync);
        cancellations.MapGet("/{bookingId:guid}", GetCancellationAsync);
        return app;
    }

    public static async Task<Results<Accepted<SagaStartedResponse>, ValidationProblem, ConflictProblem, UnavailableProblem>> StartPaymentAsync(StartBookingPaymentRequest request, DaprWorkflowClient workflows, IOptions<BookingPaymentOptions> options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new ValidationErrors();
        if (request.BookingId is not { } bookingId || bookingId == Guid.Empty) { errors.Add("bookingId", "bookingId is required."); bookingId = Guid.Empty; }
        if (request.InstanceId is { } given && bookingId != Guid.Empty && given != PaymentInstanceId(bookingId))
        {
            errors.Add("instanceId", $"instanceId must be '{PaymentInstanceId(bookingId)}' for this booking.");
        }

        if (request.StudentId is not { } studentId || studentId == Guid.Empty) { errors.Add("studentId", "studentId is required."); }
        if (request.TutorId is not { } tutorId || tutorId == Guid.Empty) { errors.Add("tutorId", "tutorId is required."); }
        errors.RequireText("studentName", request.StudentName, MaxNameLength);
        errors.RequireText("subject", request.Subject, MaxSubjectLength);
        if (request.Start is null) { errors.Add("start", "start is required."); }
        if (request.DurationMinutes is not (>= 15 and <= 24 * 60)) { errors.Add("durationMinutes", "durationMinutes must be between 15 and 1440."); }
        if (!errors.IsEmpty) { return errors.ToProblem(); }

        var instanceId = PaymentInstanceId(bookingId);
        var input = new BookingPaymentInput(
            bookingId, request.StudentId!.Value, request.StudentName!.Trim(), request.TutorId!.Value, request.Start!.Value.ToUniversalTime(),
            request.DurationMinutes!.Value, request.Subject!.Trim(), (int)Math.Ceiling(options.Value.PaymentTimeout.TotalSeconds));
        return await StartAsync(workflows, nameof(BookingPaymentWorkflow), instanceId, input, existingIsConflict: true, ct);
    }

    public static async Task<Results<Accepted<SagaStartedResponse>, ValidationProblem, ConflictProblem, UnavailableProblem>> StartCancellationAsync(StartBookingCancellationRequest request, DaprWorkflowClient workflows, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new ValidationErrors();
        if (request.BookingId is not { } bookingId || bookingId == Guid.Empty) { errors.Add("bookingId", "bookingId is required."); bookingId = Guid.Empty; }
        if (request.RequestedBy is not ("student" or "tutor")) { errors.Add("requestedBy", "requestedBy must be 'student' or 'tutor'."); }
        if (request.Reason is { Length: > 500 }) { errors.Add("reason", "reason must be at most 500 characters."); }
        if (!errors.IsEmpty) { return errors.ToProblem(); }

        // The refund is quoted for the moment the cancellation was asked for, not for whenever the saga gets to it.
        var input = new BookingCancellationInput(bookingId, request.RequestedBy!, request.RequestedAt ?? time.GetUtcNow(), request.Reason?.Trim());
        return await StartAsync(workflows, nameof(BookingCancellationWorkflow), CancellationInstanceId(bookingId), input, existingIsConflict: false, ct);
    }

    public static async Task<Results<Accepted<SagaStartedResponse>, ValidationProblem, NotFoundProblem, ConflictProblem, UnavailableProblem>> WithdrawAsync(Guid bookingId, WithdrawBookingRequest? request, DaprWorkflowClient workflows, CancellationToken ct)
    {
        var requestedBy = request?.RequestedBy ?? "student";
        if (requestedBy is not ("student" or "tutor"))
        {
            var errors = new ValidationErrors();
            errors.Add("requestedBy", "requestedBy must be 'student' or 'tutor'.");
            return errors.ToProblem();
        }

        var instanceId = PaymentInstanceId(bookingId);
        try
        {
            var state = await WorkflowInstanceView.GetAsync(workflows, instanceId, ct);
            if (state is null) { return Problems.NotFound($"No booking saga for booking '{bookingId}'."); }
            if (!state.IsWorkflowRunning) { return Problems.Conflict($"The booking saga for '{bookingId}' has already ended ({WorkflowInstanceView.StatusName(state.RuntimeStatus)})."); }
            await workflows.RaiseEventAsync(instanceId, BookingEvents.Withdrawn, new BookingWithdrawal(requestedBy, request?.Reason?.Trim()), ct);
        }
        catch (Exception e) when (WorkflowInstanceView.IsUnavailable(e))
        {
            return WorkflowInstanceView.Unavailable("The booking saga could not be reached; try again shortly.");
        }

        return TypedResults.Accepted($"/internal/booking-payments/{bookingId}", new SagaStartedResponse(instanceId));
    }

    public static Task<Results<Ok<BookingSagaStatusResponse>, NotFoundProblem, UnavailableProblem>> GetPaymentAsync(Guid bookingId, DaprWorkflowClient workflows, CancellationToken ct) =>
        GetAsync(workflows, bookingId, PaymentInstanceId(bookingId), nameof(BookingPaymentWorkflow), ct);

    public static Task<Results<Ok<BookingSagaStatusResponse>, NotFoundProblem, UnavailableProblem>> GetCancellationAsync(Guid bookingId, DaprWorkflowClient workflows, CancellationToken ct) =>
        GetAsync(workflows, bookingId, CancellationInstanceId(bookingId), nameof(BookingCancellationWorkflow), ct);

    private static async Task<Results<Accepted<SagaStartedResponse>, ValidationProblem, ConflictProblem, UnavailableProblem>> StartAsync(DaprWorkflowClient workflows, string name, string instanceId, object input, bool existingIsConflict, CancellationToken ct)
    {
        try
        {
            // Instance ids are per booking: a second start is the same request again (a retried call) or a duplicate.
            if (await WorkflowInstanceView.GetAsync(workflows, instanceId, ct) is not null)
            {
                return existingIsConflict
                    ? Problems.Conflict($"The saga '{instanceId}' already exists.")
                    : TypedResults.Accepted($"/internal/booking-cancellations/{instanceId}", new SagaStartedResponse(instanceId));
            }

            await workflows.ScheduleNewWorkflowAsync(name, instanceId, input, startTime: null, ct);
        }
        catch (Exception e) when (WorkflowInstanceView.IsUnavailable(e))
        {
            return WorkflowInstanceView.Unavailable("The saga could not be started; try again shortly.");
        }

        return TypedResults.Accepted((string?)null, new SagaStartedResponse(instanceId));
    }

    private static async Task<Results<Ok<BookingSagaStatusResponse>, NotFoundProblem, UnavailableProblem>> GetAsync(DaprWorkflowClient workflows, Guid bookingId, string instanceId, string workflowName, CancellationToken ct)
    {
        WorkflowState? state;
        try
        {
            state = await WorkflowInstanceView.GetAsync(workflows, instanceId, ct);
        }
        catch (Exception e) when (WorkflowInstanceView.IsUnavailable(e))
        {
            return WorkflowInstanceView.Unavailable("The saga's status could not be read; try again shortly.");
        }

        if (state is null || !string.Equals(state.WorkflowName, workflowName, StringComparison.Ordinal))
        {
            return Problems.NotFound($"No saga '{instanceId}'.");
        }

        var progress = WorkflowInstanceView.ReadOrDefault(state.ReadCustomStatusAs<BookingProgress>);
        var payment = WorkflowInstanceView.ReadOrDefault(state.ReadInputAs<BookingPaymentInput>);
        var outcome = state.RuntimeStatus == WorkflowRuntimeStatus.Completed
            ? WorkflowInstanceView.ReadOrDefault(state.ReadOutputAs<BookingSagaOutcome>)
            : null;
        return TypedResults.Ok(new BookingSagaStatusResponse(
            instanceId,
            bookingId,
            payment?.StudentId,
            WorkflowInstanceView.StatusName(state.RuntimeStatus),
            progress?.Step,
            outcome?.Outcome,
            outcome?.Reason ?? progress?.Reason,
            state.RuntimeStatus == WorkflowRuntimeStatus.Failed ? state.FailureDetails?.ErrorMessage ?? "The saga failed." : null));
    }

    /// <summary>The fields both sagas' outputs share.</summary>
    private sealed record BookingSagaOutcome(string? Outcome, string? Reason);
}
