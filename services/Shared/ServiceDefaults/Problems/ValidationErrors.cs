using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DaprPlatform.ServiceDefaults;

/// <summary>Collects field errors for one request and turns them into an RFC 9457 validation problem (400).</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    private const string Title = "The request is invalid.";
    private const string Detail = "One or more fields are invalid.";

    public bool IsEmpty => _errors.Count == 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            messages = [];
            _errors[field] = messages;
        }

        messages.Add(message);
    }

    public IReadOnlyDictionary<string, string[]> ToDictionary() =>
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    /// <summary>
    /// Reads a required text field: trimmed, or null after adding "{field} is required." / "… at most N characters.".
    /// </summary>
    public string? RequireText(string field, string? value, int maxLength)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            Add(field, $"{field} is required.");
            return null;
        }

        return WithinLength(field, trimmed, maxLength);
    }

    /// <summary>Reads an optional text field: absent or blank is null; too long adds an error and is null.</summary>
    public string? OptionalText(string field, string? value, int maxLength)
    {
        var trimmed = value?.Trim();
        return string.IsNullOrEmpty(trimmed) ? null : WithinLength(field, trimmed, maxLength);
    }

    public Guid? RequireId(string field, Guid? value)
    {
        if (value is not null && value != Guid.Empty) { return value; }
        Add(field, $"{field} is required (a non-empty id).");
        return null;
    }

    /// <summary>The 400 for a request without the JSON body it needs; <paramref name="shape"/> shows what to send.</summary>
    public static ValidationProblem MissingBody(string shape)
    {
        var errors = new ValidationErrors();
        errors.Add("body", $"A JSON object is required: {shape}.");
        return errors.ToProblem();
    }

    private string? WithinLength(string field, string trimmed, int maxLength)
    {
        if (trimmed.Length <= maxLength) { return trimmed; }
        Add(field, $"{field} must be at most {maxLength} characters.");
        return null;
    }

    /// <summary>
    /// The same 400 (title, detail, <c>errors</c>) as a <see cref="BadRequestProblem"/>, for an answer chosen among other
    /// problem statuses at run time (e.g. how an upstream refusal maps back to the caller's fields).
    /// </summary>
    public BadRequestProblem ToBadRequest() =>
        new(Detail, Title, extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["errors"] = ToDictionary() });

    public ValidationProblem ToProblem() => TypedResults.ValidationProblem(ToDictionary(), detail: Detail, title: Title);
}
