namespace DaprPlatform.Identity.Domain;

/// <summary>
/// Password rules: 10–128 characters; characters from at least two of lower case, upper case, digits and
/// other symbols (spaces count as symbols, so long pass phrases with a digit or capital pass); not one
/// character repeated; not the account's email address.
/// Length matters far more than composition, so the composition rule is kept light (NIST SP 800-63B spirit);
/// the upper bound keeps hashing cost bounded.
/// </summary>
public static class PasswordPolicy
{
    public const int MinLength = 10;
    public const int MaxLength = 128;
    public const int MinCharacterClasses = 2;

    public static IReadOnlyList<string> Check(string? password, string? email = null)
    {
        var problems = new List<string>();
        if (string.IsNullOrEmpty(password))
        {
            problems.Add("Password is required.");
            return problems;
        }

        if (password.Length < MinLength)
        {
            problems.Add($"Password must be at least {MinLength} characters.");
        }

        if (password.Length > MaxLength)
        {
            problems.Add($"Password must be at most {MaxLength} characters.");
        }

        if (CountCharacterClasses(password) < MinCharacterClasses)
        {
            problems.Add("Password must mix at least two of: lower case, upper case, digits, symbols.");
        }

        if (password.Distinct().Count() == 1)
        {
            problems.Add("Password must not be a single repeated character.");
        }

        if (email is not null && string.Equals(password.Trim(), email.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            problems.Add("Password must not be your email address.");
        }

        return problems;
    }

    private static int CountCharacterClasses(string password)
    {
        bool lower = false, upper = false, digit = false, other = false;
        foreach (var c in password)
        {
            if (char.IsLower(c)) { lower = true; }
            else if (char.IsUpper(c)) { upper = true; }
            else if (char.IsDigit(c)) { digit = true; }
            else { other = true; }
        }

        return (lower ? 1 : 0) + (upper ? 1 : 0) + (digit ? 1 : 0) + (other ? 1 : 0);
    }
}
