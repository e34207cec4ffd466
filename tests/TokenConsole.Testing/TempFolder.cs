using Microsoft.Data.Sqlite;

namespace TokenConsole.Testing;

/// <summary>A temporary folder removed on dispose (after SQLite's pooled connections to files in it are closed).</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder(string prefix) => Path = Directory.CreateTempSubdirectory(prefix).FullName;

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on a slow shutdown stays in the temp folder; it is not worth failing a test for.
        }
    }
}
