using FluentAssertions;
using Npgsql;

namespace DaprPlatform.TestSupport;

/// <summary>
/// The public schema of a database as sorted catalog lines: tables, columns (type, length, nullability, default,
/// identity), indexes (full definition) and constraints (kind and definition). EF's migrations history table is
/// left out, so a migrated database can be compared with one made by EnsureCreated.
/// </summary>
public sealed record DatabaseSchema(IReadOnlyList<string> Lines)
{
    private const string CatalogQuery = """
        SELECT 'column ' || c.table_name || '.' || c.column_name || ': ' || c.data_type || ' ' || c.udt_name
               || ' len=' || coalesce(c.character_maximum_length::text, '-')
               || ' null=' || c.is_nullable
               || ' default=' || coalesce(c.column_default, '-')
               || ' identity=' || c.is_identity
        FROM information_schema.columns c
        WHERE c.table_schema = 'public' AND c.table_name <> '__EFMigrationsHistory'
        UNION ALL
        SELECT 'index ' || i.tablename || '.' || i.indexname || ': ' || i.indexdef
        FROM pg_indexes i
        WHERE i.schemaname = 'public' AND i.tablename <> '__EFMigrationsHistory'
        UNION ALL
        SELECT 'constraint ' || t.relname || '.' || k.conname || ': ' || k.contype::text || ' ' || pg_get_constraintdef(k.oid)
        FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = 'public' AND t.relname <> '__EFMigrationsHistory'
        UNION ALL
        SELECT 'table ' || t.table_name || ': ' || t.table_type
        FROM information_schema.tables t
        WHERE t.table_schema = 'public' AND t.table_name <> '__EFMigrationsHistory'
        """;

    public static async Task<DatabaseSchema> ReadAsync(string connectionString, CancellationToken ct = default)
    {
        var lines = new List<string>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(CatalogQuery, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            lines.Add(reader.GetString(0));
        }

        lines.Sort(StringComparer.Ordinal);
        return new DatabaseSchema(lines);
    }

    /// <summary>Lines only one side has, each naming its table, column, index or constraint; empty when the schemas match.</summary>
    public IReadOnlyList<string> DifferencesFrom(DatabaseSchema expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        return
        [
            .. expected.Lines.Except(Lines, StringComparer.Ordinal).Select(line => "missing:    " + line),
            .. Lines.Except(expected.Lines, StringComparer.Ordinal).Select(line => "unexpected: " + line),
        ];
    }

    /// <summary>Asserts line-for-line equality; the failure message lists the differing catalog entries first.</summary>
    public void ShouldEqual(DatabaseSchema expected, string subject)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var differences = DifferencesFrom(expected);
        Lines.Should().Equal(
            expected.Lines,
            "{0} must match the expected schema; differences:{1}{2}",
            subject,
            Environment.NewLine,
            differences.Count == 0 ? "(none as a set)" : string.Join(Environment.NewLine, differences));
    }
}
