using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;

namespace TokenConsole.Testing;

/// <summary>A migrated SQLite file in a temporary folder, for testing services against the real schema.</summary>
public sealed class TestDatabase : IDbContextFactory<TokenConsoleDbContext>, IDisposable
{
    private readonly TempFolder _folder = new("tokenconsole-db-");
    private readonly DbContextOptions<TokenConsoleDbContext> _options;

    public TestDatabase()
    {
        ConnectionString = $"Data Source={_folder.File("test.db")}";
        _options = new DbContextOptionsBuilder<TokenConsoleDbContext>().UseSqlite(ConnectionString).Options;
        using var db = CreateDbContext();
        db.Database.Migrate();
    }

    public string ConnectionString { get; }

    public TokenConsoleDbContext CreateDbContext() => new(_options);

    public void Dispose() => _folder.Dispose();
}
