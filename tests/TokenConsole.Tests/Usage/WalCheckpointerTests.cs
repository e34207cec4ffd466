using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using TokenConsole.Features.Usage.Ingestion;

namespace TokenConsole.Tests.Usage;

/// <summary>
/// The usage writer's write-ahead log is copied on another thread (<see cref="WalCheckpointer"/>). On a real SQLite file,
/// under commits that follow each other without a pause (the writer under load): the log must still start over, and
/// nothing committed may be missing from the database.
/// </summary>
// SQLite only: SQLite's write-ahead log.
[Trait("Provider", "Sqlite")]
public sealed class WalCheckpointerTests
{
    private const int Commits = 300;
    private const int RowsPerCommit = 50;
    private const int RowBytes = 1_000;

    [Fact]
    public async Task Under_commits_without_a_pause_the_log_starts_over_when_the_writer_catches_up_and_every_row_is_kept()
    {
        using var folder = new TempFolder("tc-wal-");
        var connectionString = new SqliteConnectionStringBuilder { DataSource = folder.File("wal.db"), Pooling = false }.ToString();
        var (catchUps, logBytes) = await WriteAsync(connectionString, catchUp: true);

        var written = (long)Commits * RowsPerCommit * RowBytes;
        Assert.True(catchUps > 0, "the checkpointer never asked the writer to catch up");
        // Without the catch-up the log holds every page written (the next test shows it); with it, it restarts.
        Assert.True(logBytes < written / 4, $"the log grew to {logBytes:N0} bytes for {written:N0} written");
        Assert.Equal(Commits * RowsPerCommit, Count(connectionString));
    }

    [Fact]
    public async Task Without_the_writer_catching_up_the_log_keeps_every_commit_which_is_why_it_does()
    {
        using var folder = new TempFolder("tc-wal-");
        var connectionString = new SqliteConnectionStringBuilder { DataSource = folder.File("wal.db"), Pooling = false }.ToString();
        var (_, logBytes) = await WriteAsync(connectionString, catchUp: false);

        Assert.True(logBytes >= (long)Commits * RowsPerCommit * RowBytes, $"the log is {logBytes:N0} bytes");
        Assert.Equal(Commits * RowsPerCommit, Count(connectionString));
    }

    /// <summary>The writer's way: WAL, FULL, no checkpoint on commit, the next transaction begun as soon as one commits.</summary>
    private static async Task<(int CatchUps, long LogBytes)> WriteAsync(string connectionString, bool catchUp)
    {
        using var writer = new SqliteConnection(connectionString);
        writer.Open();
        Execute(writer, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA wal_autocheckpoint=0; CREATE TABLE Rows (Id INTEGER PRIMARY KEY, Payload BLOB NOT NULL)");
        var catchUps = 0;
        await using (var checkpointer = WalCheckpointer.Start(connectionString, NullLogger.Instance, restartFrames: 100, interval: TimeSpan.FromMilliseconds(5)))
        {
            var payload = new byte[RowBytes];
            for (var c = 0; c < Commits; c++)
            {
                using (var transaction = writer.BeginTransaction())
                using (var insert = writer.CreateCommand())
                {
                    insert.CommandText = "INSERT INTO Rows (Payload) VALUES ($payload)";
                    var parameter = insert.Parameters.Add("$payload", SqliteType.Blob);
                    for (var r = 0; r < RowsPerCommit; r++)
                    {
                        Random.Shared.NextBytes(payload);
                        parameter.Value = payload;
                        insert.ExecuteNonQuery();
                    }
                    transaction.Commit();
                }
                if (catchUp && checkpointer.CatchUpWanted)
                {
                    checkpointer.CatchUpOnWriter(writer);
                    catchUps++;
                }
            }
        }
        // Read before the writer's connection closes: closing the last connection checkpoints and deletes the log.
        return (catchUps, new FileInfo(new SqliteConnectionStringBuilder(connectionString).DataSource + "-wal").Length);
    }

    private static long Count(string connectionString)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM Rows";
        return (long)command.ExecuteScalar()!;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
