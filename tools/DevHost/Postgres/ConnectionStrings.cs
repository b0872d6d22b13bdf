using Npgsql;

namespace DaprPlatform.DevHost.Postgres;

/// <summary>state.postgresql accepts libpq forms (key=value pairs or postgres:// URIs); Npgsql wants its own syntax.</summary>
internal static class ConnectionStrings
{
    private static readonly Dictionary<string, string> LibpqKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        ["host"] = "Host",
        ["hostaddr"] = "Host",
        ["port"] = "Port",
        ["user"] = "Username",
        ["password"] = "Password",
        ["dbname"] = "Database",
        ["sslmode"] = "SSL Mode",
        ["connect_timeout"] = "Timeout",
        ["application_name"] = "Application Name",
    };

    /// <summary>The Npgsql form of <paramref name="value"/>, or null when it cannot be understood.</summary>
    public static string? ToNpgsql(string value)
    {
        try
        {
            var b = new NpgsqlConnectionStringBuilder();
            if (value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            {
                var uri = new Uri(value);
                b.Host = uri.Host;
                if (uri.Port > 0) { b.Port = uri.Port; }
                var user = uri.UserInfo.Split(':', 2);
                if (user[0].Length > 0) { b.Username = Uri.UnescapeDataString(user[0]); }
                if (user.Length > 1) { b.Password = Uri.UnescapeDataString(user[1]); }
                if (uri.AbsolutePath.Trim('/') is { Length: > 0 } db) { b.Database = Uri.UnescapeDataString(db); }
                return b.ConnectionString;
            }

            if (!value.Contains(';', StringComparison.Ordinal) && value.Contains(' ', StringComparison.Ordinal))
            {
                foreach (var pair in value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    var kv = pair.Split('=', 2);
                    if (kv.Length == 2 && LibpqKeys.TryGetValue(kv[0], out var key)) { b[key] = kv[1]; }
                }

                return b.ConnectionString;
            }

            return new NpgsqlConnectionStringBuilder(value).ConnectionString;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or UriFormatException or KeyNotFoundException)
        {
            return null;
        }
    }
}
