using System.Text.Json;

namespace DaprPlatform.Benchmarks;

/// <summary>Results pass between the sub-commands (and scripts/bench.sh) as camelCase JSON files.</summary>
public static class ResultFiles
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static void Write<T>(string path, T result)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, JsonSerializer.Serialize(result, Json));
    }

    /// <summary>null when the file does not exist (that part of the run did not finish).</summary>
    public static T? Read<T>(string? path)
        where T : class =>
        path is not null && File.Exists(path) ? JsonSerializer.Deserialize<T>(File.ReadAllText(path), Json) : null;
}
