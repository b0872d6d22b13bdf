namespace DaprPlatform.DevHost.Tests.Infrastructure;

/// <summary>A throw-away repo folder with a run file and components, and a DevHost started on it with a unique database prefix.</summary>
public sealed class TestHost : IAsyncDisposable
{
    private readonly TemporaryRunFile _files;

    private TestHost(TemporaryRunFile files, string prefix)
    {
        _files = files;
        Prefix = prefix;
    }

    public string Directory => _files.Directory;

    public string Prefix { get; }

    public PlatformHost? Host { get; private set; }

    /// <summary>Creates the folder; <paramref name="files"/> maps relative paths to contents.</summary>
    public static TestHost Create(IReadOnlyDictionary<string, string> files)
    {
        var folder = TemporaryRunFile.Create("devhost-test-");
        foreach (var (path, content) in files)
        {
            folder.WithFile(path, content);
        }

        return new TestHost(folder, "t" + Guid.NewGuid().ToString("N")[..10] + "_");
    }

    /// <param name="output">Where DevHost prints (lines, app output); read it under a lock on the writer, as DevHost writes under one.</param>
    public async Task<PlatformHost> StartAsync(bool startApps = false, TextWriter? output = null, TimeSpan? appStartTimeout = null)
    {
        Host = await PlatformHost.StartAsync(new DevHostOptions
        {
            RunFilePath = _files.RunFilePath,
            PostgresConnectionString = PostgresDatabase.AdminConnectionString,
            StartApps = startApps,
            DatabasePrefix = Prefix,
            AppStartTimeout = appStartTimeout ?? TimeSpan.FromSeconds(30),
            Output = output,
        });
        return Host;
    }

    public async Task RestartAsync()
    {
        if (Host is not null) { await Host.DisposeAsync(); }
        await StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Host is not null) { await Host.DisposeAsync(); }
        await PostgresDatabase.DropAllWithPrefixAsync(Prefix);
        _files.Dispose();
    }
}
