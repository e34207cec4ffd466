using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;

namespace TokenConsole.Testing;

/// <summary>
/// A migrated database for testing services against the real schema: a SQLite file in a temporary folder, or on the
/// PostgreSQL pass (<see cref="TestProvider"/>) a database of its own on the test server.
/// </summary>
public sealed class TestDatabase : IDbContextFactory<TokenConsoleDbContext>, IDisposable
{
    private readonly TempFolder _folder = new("tokenconsole-db-");
    private readonly PostgresTestDatabase? _postgres;
    private readonly DbContextOptions<TokenConsoleDbContext> _options;

    public TestDatabase() : this(TestProvider.Current)
    {
    }

    /// <summary>On the provider given, whatever the pass: for the tests of one provider's own storage (SQLite's rowid-less tables, say).</summary>
    public TestDatabase(DatabaseProvider provider)
    {
        var builder = new DbContextOptionsBuilder<TokenConsoleDbContext>();
        if (provider == DatabaseProvider.PostgreSQL)
        {
            _postgres = new PostgresTestDatabase();
            ConnectionString = _postgres.ConnectionString;
            builder.UseNpgsql(ConnectionString);
        }
        else
        {
            ConnectionString = $"Data Source={_folder.File("test.db")}";
            builder.UseSqlite(ConnectionString);
        }
        _options = builder.Options;
        using var db = CreateDbContext();
        db.Database.Migrate();
    }

    public string ConnectionString { get; }

    public DatabaseProvider Provider => _postgres is null ? DatabaseProvider.Sqlite : DatabaseProvider.PostgreSQL;

    public TokenConsoleDbContext CreateDbContext() => TokenConsoleDbContextFactory.Create(_options);

    /// <summary>
    /// After a test bed seeds rows with ids of its choosing: PostgreSQL's identity sequences do not see such rows, and the
    /// next insert through EF would take an id already used (SQLite takes the highest id + 1 by itself).
    /// </summary>
    public void IdsSeeded()
    {
        if (_postgres is null)
        {
            return;
        }
        using var db = CreateDbContext();
        var connection = db.Database.GetDbConnection();
        connection.Open();
        Data.PostgreSQL.PostgresIdentities.ResyncAllAsync(connection, null).GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        _postgres?.Dispose();
        _folder.Dispose();
    }
}
