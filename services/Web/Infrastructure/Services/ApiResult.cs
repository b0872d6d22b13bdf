using System.Diagnostics.CodeAnalysis;

namespace DaprPlatform.Web.Infrastructure.Services;

/// <summary>A service's answer: the value, or the problem to show. Pages switch on <see cref="Succeeded"/>.</summary>
public sealed record ApiResult<T>(T? Value, ApiProblem? Problem)
{
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Problem))]
    public bool Succeeded => Problem is null && Value is not null;

    public static ApiResult<T> Success(T value) => new(value, null);

    public static ApiResult<T> Failure(ApiProblem problem) => new(default, problem);
}

/// <summary>An answer without a body (204), or the problem to show.</summary>
public sealed record ApiResult(ApiProblem? Problem)
{
    [MemberNotNullWhen(false, nameof(Problem))]
    public bool Succeeded => Problem is null;

    public static ApiResult Success { get; } = new((ApiProblem?)null);
}
