using Npgsql;
using TokenConsole.Data;

namespace TokenConsole.Testing;

/// <summary>
/// Which database the tests run on: SQLite unless <c>TC_TEST_PROVIDER=PostgreSQL</c> (what <c>.ci/run</c> sets for the
/// suite's second pass). PostgreSQL tests connect to the server <c>TC_TEST_POSTGRES</c> names (by default a local one on
/// port 5432 with the login tc/tc that <c>.ci/run</c> creates) and each makes a database of its own, dropped afterwards.
/// </summary>
public static class TestProvider
{
    public static DatabaseProvider Current { get; } = DatabaseProviders.Parse(Environment.GetEnvironmentVariable("TC_TEST_PROVIDER"));

    public static bool IsPostgreSQL => Current == DatabaseProvider.PostgreSQL;

    public static string PostgresServer { get; } =
        Environment.GetEnvironmentVariable("TC_TEST_POSTGRES") is { Length: > 0 } server ? server : "Host=127.0.0.1;Port=5432;Username=tc;Password=tc";
}

/// <summary>A throw-away PostgreSQL database: created empty, dropped (with whoever is still connected) on dispose.</summary>
public sealed class PostgresTestDatabase : IDisposable
{
    public PostgresTestDatabase()
    {
        Name = $"tc_test_{Guid.NewGuid():N}";
        var server = new NpgsqlConnectionStringBuilder(TestProvider.PostgresServer) { Database = "postgres", Pooling = false };
        try
        {
            Execute(server.ConnectionString, $"CREATE DATABASE \"{Name}\"");
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException)
        {
            // Never a silent skip: a PostgreSQL pass without a server fails, and says how to get one.
            throw new InvalidOperationException(
                $"The tests run on PostgreSQL (TC_TEST_PROVIDER=PostgreSQL) but the server '{server.Host}:{server.Port}' did not take a connection as " +
                $"'{server.Username}': {e.Message}. Install and start one with `apt-get install -y postgresql-15 && pg_ctlcluster 15 main start && " +
                "runuser -u postgres -- psql -c \"create role tc login password 'tc' createdb\"` (what .ci/run does), or point TC_TEST_POSTGRES at one.", e);
        }
        ConnectionString = new NpgsqlConnectionStringBuilder(TestProvider.PostgresServer) { Database = Name }.ConnectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        var server = new NpgsqlConnectionStringBuilder(TestProvider.PostgresServer) { Database = "postgres", Pooling = false };
        try
        {
            Execute(server.ConnectionString, $"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse)
        {
            // A session the login may not end (another role's) still holds it: the throw-away database is left for the
            // server's owner to drop (tc_test_*), rather than failing the test that used it.
        }
    }

    private static void Execute(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
