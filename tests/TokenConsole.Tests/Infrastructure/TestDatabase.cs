using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;

namespace TokenConsole.Tests.Infrastructure;

/// <summary>A migrated SQLite file in a temporary folder, for testing services against the real schema.</summary>
public sealed class TestDatabase : IDbContextFactory<TokenConsoleDbContext>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("tokenconsole-db-").FullName;
    private readonly DbContextOptions<TokenConsoleDbContext> _options;

    public TestDatabase()
    {
        ConnectionString = $"Data Source={Path.Combine(_folder, "test.db")}";
        _options = new DbContextOptionsBuilder<TokenConsoleDbContext>().UseSqlite(ConnectionString).Options;
        using var db = CreateDbContext();
        db.Database.Migrate();
    }

    public string ConnectionString { get; }

    public TokenConsoleDbContext CreateDbContext() => new(_options);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
