namespace TokenConsole.Testing;

/// <summary>Where the repository is, found from the test or benchmark output folder.</summary>
public static class Repository
{
    private static readonly Lazy<string> RootFolder = new(() =>
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "TokenConsole.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException($"TokenConsole.sln not found above {AppContext.BaseDirectory}.");
    });

    /// <summary>The folder holding <c>TokenConsole.sln</c>.</summary>
    public static string Root => RootFolder.Value;

    /// <summary>Debug or Release: the configuration this output folder was built in, and so the app's to run.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
}
